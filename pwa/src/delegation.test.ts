import { describe, expect, it } from "vitest";

import { endAfter } from "./screens/settings-delegation";
import { ApiError } from "./api";
import { birthDate, familyRefusal } from "./screens/settings-family";

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

describe("a child's birth date typed in parts", () => {
  it("reads the year in the Buddhist era in Thai and in the common era in English", () => {
    expect(birthDate("13", 4, "2562", true)).toBe("2019-04-13");
    expect(birthDate("13", 4, "2019", false)).toBe("2019-04-13");
  });

  it("refuses a day the month does not have, and an empty year", () => {
    expect(birthDate("31", 2, "2562", true)).toBeNull();
    expect(birthDate("29", 2, "2563", true)).toBe("2020-02-29");
    expect(birthDate("1", 1, "", true)).toBeNull();
  });
});

describe("a parent's or guardian's request refused", () => {
  it("says the limit of people one may act for, not that they already act for this child", () => {
    const limit = new ApiError(409, "", "", null, [], "/problems/too-many-delegations");
    expect(familyRefusal(limit)?.words.en).toMatch(/as many people as one may/);
    expect(familyRefusal(limit)?.words.th).toMatch(/ครบจำนวนสูงสุด/);
    expect(familyRefusal(new ApiError(409, "", ""))?.words.en).toBe("You already act for this child");
  });
});
