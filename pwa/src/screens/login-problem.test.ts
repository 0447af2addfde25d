import { describe, expect, it } from "vitest";

import { nextPath, waitSeconds } from "./login-problem";

describe("the page a turned-away login is sent to", () => {
  it("waits the server's seconds plus up to half again, at most two minutes, and not at all when none", () => {
    expect(waitSeconds("5", () => 0)).toBe(5);
    expect(waitSeconds("5", () => 0.999)).toBe(8); // 5 + floor(0.999 x 3.5)
    expect(waitSeconds("600", () => 0)).toBe(120);
    expect(waitSeconds(undefined)).toBe(0);
    expect(waitSeconds("soon")).toBe(0);
    expect(waitSeconds("-3")).toBe(0);
  });

  it("goes back only to a path on this site", () => {
    expect(nextPath("/bills?tab=unpaid")).toBe("/bills?tab=unpaid");
    expect(nextPath(undefined)).toBe("/");
    expect(nextPath("https://evil.example/")).toBe("/");
    expect(nextPath("//evil.example/")).toBe("/");
    expect(nextPath("/\\evil.example")).toBe("/");
  });
});
