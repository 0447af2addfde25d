import { describe, expect, it } from "vitest";

import { formatBaht, type Key, localizer, pick, pickAny, translate, tr, words } from "./i18n";

describe("i18n", () => {
  it("speaks Thai first and English on request", () => {
    expect(translate("th", "withdrawConsent")).toBe("ถอนความยินยอม");
    expect(translate("en", "withdrawConsent")).toBe("Withdraw consent");
    expect(words("en").t("open")).toBe("Open");
  });

  it("shows satang as baht with two decimals in either language", () => {
    expect(formatBaht("en", 18700)).toContain("187.00");
    expect(formatBaht("th", 123456789)).toContain("1,234,567.89");
  });

  it("picks an API object's field in the citizen's language, or the other one where it is missing", () => {
    const bill = { description_th: "ค่าน้ำ", description_en: "Water", holder_th: null, holder_en: "Malee" };
    expect(pick("th", bill, "description")).toBe("ค่าน้ำ");
    expect(pick("en", bill, "description")).toBe("Water");
    expect(pick("th", bill, "holder")).toBeNull();
    expect(pickAny("th", bill, "holder")).toBe("Malee");
    expect(tr("en", { th: "ไทย", en: "English" })).toBe("English");
  });

  it("names a value the API sends by its word, and shows one it has no word for as it is", () => {
    const say = localizer({ outcome_timeout: { th: "ไม่ได้รับคำตอบทันเวลา", en: "No answer in time" } }, "en");
    expect(say.named("outcome_", "timeout")).toBe("No answer in time");
    expect(say.named("outcome_", "something-new")).toBe("something-new");
    expect(say.named("", "toString")).toBe("toString"); // not a word: only the dictionary's own keys are
  });

  it("has each word in one area's file only (a second one would silently win)", () => {
    const areas = import.meta.glob<Record<string, Record<string, object>>>(["./i18n/*.ts", "!./i18n/index.ts"], {
      eager: true,
    });
    const keys = Object.values(areas).flatMap((module) => Object.values(module).flatMap((words) => Object.keys(words)));
    expect(Object.keys(areas).length).toBeGreaterThan(1);
    expect(keys.filter((key, index) => keys.indexOf(key) !== index)).toEqual([]);
    expect(keys.every((key) => translate("en", key as Key) !== undefined)).toBe(true);
  });
});
