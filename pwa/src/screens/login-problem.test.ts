import { describe, expect, it } from "vitest";

import { loginAgain, nextPath, problemFor, waitSeconds } from "./login-problem";

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
    expect(nextPath(`/${"a".repeat(2000)}`)).toBe("/"); // /auth/login would refuse it on every try
  });

  it("tries the same login again: a step-up asks for the same assurance", () => {
    expect(loginAgain({})).toBe("/auth/login?next=%2F");
    expect(loginAgain({ next: "/bills", acr_values: "urn:demo:ial:2", max_age: "0" })).toBe(
      "/auth/login?next=%2Fbills&acr_values=urn%3Ademo%3Aial%3A2&max_age=0",
    );
    expect(loginAgain({ next: "/bills", acr_values: "<script>", max_age: "soon" })).toBe("/auth/login?next=%2Fbills");
    expect(loginAgain({ max_age: "86400" })).toBe("/auth/login?next=%2F&max_age=86400");
    expect(loginAgain({ max_age: "100000" })).toBe("/auth/login?next=%2F");
  });

  it("says something for any kind of problem, even one named like an object's own property", () => {
    expect(problemFor("rate-limited").title.en).toBe("Too many login attempts");
    for (const kind of ["constructor", "__proto__", "toString", "valueOf", "nonsense", undefined]) {
      expect(problemFor(kind).title.en).toBe("You could not be logged in");
    }
  });
});
