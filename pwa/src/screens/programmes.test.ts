import { describe, expect, it } from "vitest";

import { untilOpening, waitInWords } from "./programmes";

describe("the wait in the waiting room, in words", () => {
  it("says minutes, hours and minutes, or less than a minute, in Thai and in English", () => {
    expect(waitInWords("th", 30)).toBe("ไม่ถึง 1 นาที");
    expect(waitInWords("th", 8 * 60)).toBe("ประมาณ 8 นาที");
    expect(waitInWords("th", 65 * 60)).toBe("ประมาณ 1 ชั่วโมง 5 นาที");
    expect(waitInWords("th", 120 * 60)).toBe("ประมาณ 2 ชั่วโมง");
    expect(waitInWords("en", 8 * 60 - 10)).toBe("about 8 minutes");
    expect(waitInWords("en", 1500 * 60)).toBe("about 25 hours");
  });
});

describe("a programme page opened before the opening time", () => {
  const opens = "2026-12-08T01:00:00Z";
  const at = Date.parse(opens);
  it("reads the programme again just after it opens, spread over a few seconds", () => {
    expect(untilOpening(opens, at - 60_000, 0)).toBe(61_000);
    expect(untilOpening(opens, at - 60_000, 1)).toBe(65_000);
  });
  it("sets no timer once open, or when the opening is further off than a timer can wait", () => {
    expect(untilOpening(opens, at + 1, 0.5)).toBeNull();
    expect(untilOpening(opens, at - 30 * 86_400_000, 0.5)).toBeNull();
  });
});
