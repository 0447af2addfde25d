import { describe, expect, it } from "vitest";

import { allSupportWords } from "./support-words";

const THAI = /[\u0E00-\u0E7F]/;

describe("support payment words", () => {
  it("has every word in Thai (in Thai script) and in English", () => {
    for (const [word, text] of Object.entries(allSupportWords)) {
      expect(text.en.trim(), word).not.toBe("");
      expect(text.th, word).toMatch(THAI);
    }
  });
});
