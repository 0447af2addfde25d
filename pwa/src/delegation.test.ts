import { describe, expect, it } from "vitest";

import { endAfter } from "./screens/settings-delegation";

describe("the end date of a delegation", () => {
  it("counts months from today in Bangkok, not in UTC", () => {
    // 20:00 UTC on 31 January is already 1 February in Bangkok.
    expect(endAfter(1, "2031-01-01", new Date("2030-01-31T20:00:00Z"))).toBe("2030-03-01");
    expect(endAfter(3, "2031-01-01", new Date("2030-01-10T01:00:00Z"))).toBe("2030-04-10");
  });

  it("is never later than the latest end the API allows", () => {
    expect(endAfter(12, "2030-12-31", new Date("2030-01-10T01:00:00Z"))).toBe("2030-12-31");
  });
});
