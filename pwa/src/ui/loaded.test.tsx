// @vitest-environment happy-dom
import { render } from "preact";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { ApiError } from "../api";
import { App } from "../state";
import { TEST_STATE } from "../test-state";
import { Loaded } from "./loaded";

const STATE = TEST_STATE;

describe("a screen that could not load", () => {
  let host: HTMLElement;
  beforeEach(() => {
    host = document.createElement("div");
    document.body.append(host);
  });
  afterEach(() => {
    render(null, host);
    host.remove();
  });

  function shown(status: number, language: "th" | "en") {
    const error = new ApiError(status, "The service is briefly unavailable", "Many people are checking their entitlements right now.", null, [], "/problems/service-unavailable");
    render(
      <App.Provider value={{ ...STATE, language }}>
        <Loaded load={{ status: "error", error }} reload={() => undefined}>
          {() => null}
        </Loaded>
      </App.Provider>,
      host,
    );
    return host.textContent ?? "";
  }

  it("says in plain Thai that many people are using it when the service turns people away for a moment", () => {
    for (const status of [503, 429]) {
      const text = shown(status, "th");
      expect(text).toContain("ขณะนี้มีผู้ใช้งานจำนวนมาก");
      expect(text).not.toContain("Many people are checking"); // never the API's own English words
    }
    expect(shown(503, "en")).toContain("Many people are using the service right now");
  });
});
