// @vitest-environment happy-dom
import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { ApiError } from "../api";
import { App } from "../state";
import { TEST_STATE } from "../test-state";
import { MoreButton, useMorePages } from "./more-pages";

const STATE = TEST_STATE;

type Page = { data: string[]; nextCursor: string | null };

/** A list whose first page is ["a", "b"] (next: "c1"), and whose later pages `pages` gives by cursor. */
function List({ pages }: { pages: Record<string, Page | ApiError> }) {
  const more = useMorePages<string>(async (cursor) => {
    const page = pages[cursor];
    if (page instanceof ApiError) throw page;
    return page;
  });
  return (
    <>
      <ul>
        {more.items(["a", "b"]).map((item) => (
          <li key={item}>{item}</li>
        ))}
      </ul>
      <MoreButton pages={more} next={more.next("c1")} label="ดูเพิ่มเติม" />
    </>
  );
}

describe("a list that comes a page at a time", () => {
  let host: HTMLElement;
  beforeEach(() => {
    host = document.createElement("div");
    document.body.append(host);
  });
  afterEach(() => {
    render(null, host);
    host.remove();
  });

  const items = () => [...host.querySelectorAll("li")].map((li) => li.textContent);
  const button = () => host.querySelector<HTMLButtonElement>("button.more");
  async function tap() {
    await act(async () => {
      button()?.click();
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
  }

  it("brings each next page after the ones shown, once, and the button goes when there is no more", async () => {
    const pages = { c1: { data: ["c", "d"], nextCursor: "c2" }, c2: { data: ["e"], nextCursor: null } };
    render(<App.Provider value={STATE}><List pages={pages} /></App.Provider>, host);
    expect(items()).toEqual(["a", "b"]);
    await tap();
    expect(items()).toEqual(["a", "b", "c", "d"]);
    await tap();
    expect(items()).toEqual(["a", "b", "c", "d", "e"]);
    expect(button()).toBeNull();
  });

  it("says in Thai when a page could not come, keeps what is shown, and can try again", async () => {
    const pages: Record<string, Page | ApiError> = { c1: new ApiError(0, "offline", "") };
    render(<App.Provider value={STATE}><List pages={pages} /></App.Provider>, host);
    await tap();
    expect(items()).toEqual(["a", "b"]);
    expect(host.textContent).toContain("ออฟไลน์");
    pages.c1 = { data: ["c"], nextCursor: null };
    await tap();
    expect(items()).toEqual(["a", "b", "c"]);
    expect(button()).toBeNull();
  });
});
