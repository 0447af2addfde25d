import { describe, expect, it } from "vitest";

import { waitInWords } from "./programmes";

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
