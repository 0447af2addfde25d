import { describe, expect, it } from "vitest";

import { dateInEra, typedFrom, understand } from "./dates";

const TODAY = new Date("2026-12-04T03:00:00Z");
const typed = (day: string, month: string, year: string) => ({ day, month, year });

describe("a typed date", () => {
  it("understands a Buddhist-era year and a Common Era one as the same day", () => {
    expect(understand("th", typed("12", "5", "2530"))).toEqual({ kind: "date", iso: "1987-05-12", era: "buddhist" });
    expect(understand("th", typed("12", "5", "1987"))).toEqual({ kind: "date", iso: "1987-05-12", era: "gregory" });
    expect(understand("en", typed("12", "5", "2530"))).toMatchObject({ iso: "1987-05-12" });
  });

  it("shows a saved date with its year in the Buddhist era in Thai, the Common Era in English", () => {
    expect(typedFrom("th", "1987-05-12")).toEqual(typed("12", "5", "2530"));
    expect(typedFrom("en", "1987-05-12")).toEqual(typed("12", "5", "1987"));
  });

  it("says in Thai that the year is พ.ศ. or ค.ศ., with an example, when it is not a whole year", () => {
    for (const year of ["30", "253", "0987", "25x0"]) {
      const found = understand("th", typed("1", "1", year), { today: TODAY });
      expect(found.kind, year).toBe("invalid");
      expect(found.kind === "invalid" && found.message).toBe(
        "พิมพ์ปีให้ครบ 4 หลัก เป็นปี พ.ศ. หรือ ค.ศ. ก็ได้ เช่น 2569 (พ.ศ.) หรือ 2026 (ค.ศ.)",
      );
    }
  });

  it("compares with a bound written in the era that was typed, never the other", () => {
    const max = "2026-12-04";
    const be = understand("th", typed("1", "1", "2570"), { max });
    expect(be).toEqual({ kind: "invalid", message: "ต้องไม่หลังวันที่ 4 ธันวาคม 2569" });
    const ce = understand("th", typed("1", "1", "2027"), { max });
    expect(ce).toEqual({ kind: "invalid", message: "ต้องไม่หลังวันที่ 4 ธันวาคม ค.ศ. 2026" });
    const english = understand("en", typed("1", "1", "2570"), { max });
    expect(english).toEqual({ kind: "invalid", message: "It must be on or before 4 December 2569 BE" });
    expect(understand("en", typed("1", "1", "1899"), { min: "1900-01-01" })).toEqual({
      kind: "invalid",
      message: "It must be on or after 1 January 1900",
    });
  });

  it("refuses a day the calendar does not have, and waits for all three parts", () => {
    expect(understand("th", typed("31", "2", "2569")).kind).toBe("invalid");
    expect(understand("th", typed("29", "2", "2567"))).toMatchObject({ kind: "date", iso: "2024-02-29" });
    expect(understand("th", typed("12", "", "2530")).kind).toBe("incomplete");
    expect(understand("th", typed("", "", "")).kind).toBe("empty");
  });

  it("writes a date in either era in either language", () => {
    expect(dateInEra("th", "2026-12-04", "buddhist")).toBe("4 ธันวาคม 2569");
    expect(dateInEra("th", "2026-12-04", "gregory")).toBe("4 ธันวาคม ค.ศ. 2026");
    expect(dateInEra("en", "2026-12-04", "gregory")).toBe("4 December 2026");
  });
});
