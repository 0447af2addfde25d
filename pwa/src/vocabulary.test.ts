import { describe, expect, it } from "vitest";

import { fieldMessage } from "./console/problems";
import { allLabels, label } from "./vocabulary";

const THAI = /[\u0E00-\u0E7F]/;

describe("vocabulary", () => {
  it("names every code in Thai script and in English", () => {
    for (const [section, entries] of Object.entries(allLabels)) {
      for (const [code, words] of Object.entries(entries)) {
        expect(words.th, `${section}.${code}`).toMatch(THAI);
        expect(words.en.trim(), `${section}.${code}`).not.toBe("");
      }
    }
  });

  it("never shows a raw code, even one it does not know", () => {
    expect(label("th", "billStatus", "unpaid")).toBe("ยังไม่ชำระ");
    expect(label("en", "role", "agency_editor")).toBe("Agency editor");
    expect(label("th", "billStatus", "a-newer-status")).toBe("ไม่ทราบ");
  });

  it("says a field's problem in the reader's language", () => {
    expect(fieldMessage("th", "ต้องใส่อีกครั้ง · needed again")).toBe("ต้องใส่อีกครั้ง");
    expect(fieldMessage("en", "ต้องใส่อีกครั้ง · needed again")).toBe("needed again");
    expect(fieldMessage("th", "Expected `str` of length >= 1")).toBe("โปรดกรอกช่องนี้");
    expect(fieldMessage("th", "needed for api_key")).not.toContain("api_key");
  });
});
