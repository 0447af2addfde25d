// @vitest-environment happy-dom
// The reviewer's queue never says "unknown": a person, an agency's system by its name, or the platform.
import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, describe, expect, it } from "vitest";

import { App, type AppState } from "../state";
import { ConfirmButton } from "../ui/confirm";
import { Submitter, type SubmittedBy } from "./submitter";

const state = (language: "th" | "en"): AppState => ({
  me: null,
  language,
  setLanguage: () => undefined,
  navigate: () => undefined,
  unread: 0,
  refreshUnread: () => undefined,
});

const host = document.createElement("div");
document.body.append(host);
afterEach(() => render(null, host));

function said(by: SubmittedBy, language: "th" | "en"): string {
  render(<App.Provider value={state(language)}><Submitter by={by} /></App.Provider>, host);
  return host.textContent ?? "";
}

describe("who sent it for review", () => {
  it("names a person in the reader's language", () => {
    const niran = { submitted_by_th: "นิรันดร์ เขียนดี", submitted_by_en: "Niran Khiandee" };
    expect(said(niran, "th")).toBe("นิรันดร์ เขียนดี");
    expect(said(niran, "en")).toBe("Niran Khiandee");
  });

  it("names an agency's machine client by its name", () => {
    expect(said({ submitted_by_client: "CMS" }, "th")).toBe("ระบบของหน่วยงาน “CMS”");
    expect(said({ submitted_by_client: "CMS" }, "en")).toBe("The agency's system “CMS”");
  });

  it("says the platform wrote it when neither did, in words", () => {
    expect(said({}, "th")).toBe("ระบบ (ข้อมูลตัวอย่าง)");
    expect(said({ submitted_by_th: null, submitted_by_en: null, submitted_by_client: null }, "en")).toBe(
      "The platform (demo data)",
    );
  });
});

describe("a confirmation asked in the page", () => {
  it("asks first, does nothing on 'no', and acts on 'yes'", () => {
    let done = 0;
    render(
      <App.Provider value={state("th")}>
        <ConfirmButton question="ยกเลิกบิลนี้ใช่ไหม" yes="ใช่ ยกเลิกบิล" about="WD0001" onConfirm={() => (done += 1)}>
          ยกเลิกบิล
        </ConfirmButton>
      </App.Provider>,
      host,
    );
    const click = (text: string) =>
      act(() => ([...host.querySelectorAll("button")].find((b) => b.textContent?.startsWith(text)) as HTMLButtonElement).click());
    click("ยกเลิกบิล");
    expect(host.querySelector("[role=alertdialog]")?.textContent).toContain("ยกเลิกบิลนี้ใช่ไหม");
    click("ไม่ใช่ กลับไป");
    expect(host.querySelector("[role=alertdialog]")).toBeNull();
    expect(done).toBe(0);
    click("ยกเลิกบิล");
    click("ใช่ ยกเลิกบิล");
    expect(done).toBe(1);
    expect(host.querySelector("[role=alertdialog]")).toBeNull();
  });
});
