import { describe, expect, it } from "vitest";

import { allWords } from "./words";

const THAI = /[\u0E00-\u0E7F]/;

describe("console words", () => {
  it("has every word in Thai (in Thai script) and in English", () => {
    for (const [word, text] of Object.entries(allWords)) {
      expect(text.en.trim(), word).not.toBe("");
      // Product names such as Client ID stay as they are; everything else is written in Thai.
      if (!["clientId", "clientSecret"].includes(word)) expect(text.th, word).toMatch(THAI);
    }
  });
});
