import { describe, expect, it } from "vitest";

import { allFieldWords, fieldName } from "./field-words";
import { fieldProblemsText } from "./problems";

const THAI = /[\u0E00-\u0E7F]/;

describe("a refused request's field problems, told at the top of a form", () => {
  it("names the field in words in Thai and English, never as the API names it", () => {
    const errors = [
      { field: "$.national_id", message: "Expected `str` matching regex '^[0-9]{13}$'" },
      { field: "$.note", message: "Expected `str` of length >= 1" },
    ];
    const thai = fieldProblemsText("th", errors);
    expect(thai).toBe("เลขประจำตัวประชาชน: รูปแบบไม่ถูกต้อง; บันทึกเหตุผล: โปรดกรอกช่องนี้");
    expect(fieldProblemsText("en", errors)).toBe("National ID number: Not in the expected form.; Note: Fill this in.");
    expect(thai).not.toMatch(/national_id|note|\$\./);
  });

  it("names a nested field by its last part, and an unknown one as a field", () => {
    expect(fieldName("th", "$.fields[2].label_th")).toBe("ชื่อช่อง (ไทย)");
    expect(fieldName("en", "details[0].value")).toBe("Value");
    expect(fieldName("th", "$.keywords[3]")).toBe("คำค้น");
    expect(fieldName("th", "$.some_new_field")).toBe("ช่องหนึ่งในแบบฟอร์ม");
    expect(fieldProblemsText("en", [{ field: "$.some_new_field", message: "Expected `str` of length >= 1" }])).toBe("A field: Fill this in.");
  });

  it("has every field's words in Thai script and in English", () => {
    for (const [field, words] of Object.entries(allFieldWords)) {
      expect(words.th, field).toMatch(THAI);
      expect(words.en.trim(), field).not.toBe("");
    }
  });
});
