// @vitest-environment happy-dom
import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { BAR, isAt, MORE } from "./app";
import { IDLE_MINUTES, IdleWarning, sessionEndsAt, setSessionIdleSeconds, WARN_BEFORE_MS } from "./idle";
import { App } from "./state";
import { TEST_STATE } from "./test-state";

const STATE = TEST_STATE;

describe("the warning before an idle session ends", () => {
  let host: HTMLElement;
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date("2026-12-04T10:00:00Z") });
    localStorage.clear();
    host = document.createElement("div");
    document.body.append(host);
  });
  afterEach(() => {
    render(null, host);
    host.remove();
    vi.useRealTimers();
  });

  it("counts from the idle time the profile gives, not the default", () => {
    localStorage.setItem("session-last-answer", String(Date.now()));
    setSessionIdleSeconds(15 * 60);
    try {
      expect(sessionEndsAt() - Date.now()).toBeLessThanOrEqual(15 * 60_000);
      expect(sessionEndsAt() - Date.now()).toBeGreaterThan(13 * 60_000);
    } finally {
      setSessionIdleSeconds(IDLE_MINUTES * 60);
    }
  });

  // "Stay logged in" (GET /api/v1/me, and the warning gone) is checked in the browser:
  // tests/e2e/test_citizen_app.py.
  it("says nothing until two minutes before the end, then offers to stay, and ends the session at the end", () => {
    const ended = vi.fn();
    act(() => {
      render(
        <App.Provider value={STATE}>
          <IdleWarning onEnd={ended} />
        </App.Provider>,
        host,
      );
    });
    const end = sessionEndsAt();
    expect(end - Date.now()).toBeLessThanOrEqual(IDLE_MINUTES * 60_000);
    expect(end - Date.now()).toBeGreaterThan(IDLE_MINUTES * 60_000 - 2 * 60_000);

    act(() => {
      vi.advanceTimersByTime(end - Date.now() - WARN_BEFORE_MS - 5_000);
    });
    expect(host.querySelector("#idle-title")).toBeNull();

    act(() => {
      vi.advanceTimersByTime(10_000);
    });
    expect(host.querySelector("#idle-title")?.textContent).toBe("คุณยังใช้งานอยู่ไหม");
    expect(host.querySelector("button")?.textContent).toBe("ใช้งานต่อ");
    expect(ended).not.toHaveBeenCalled();

    act(() => {
      vi.advanceTimersByTime(WARN_BEFORE_MS);
    });
    expect(ended).toHaveBeenCalled();
  });
});

describe("the bottom bar", () => {
  it("has at most five places: four destinations and 'more'", () => {
    expect(BAR.length + 1).toBeLessThanOrEqual(5);
    expect(MORE.map(([path]) => path)).toEqual(expect.arrayContaining(["/settings", "/data-access", "/help"]));
  });

  it("marks a destination current at its own address and under it, home only at /", () => {
    expect(isAt("/", "/")).toBe(true);
    expect(isAt("/bills", "/")).toBe(false);
    expect(isAt("/applications/abc", "/applications")).toBe(true);
    expect(isAt("/billsx", "/bills")).toBe(false);
  });
});
