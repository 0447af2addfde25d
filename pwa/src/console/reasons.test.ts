import { describe, expect, it } from "vitest";

import { said } from "./reasons";
import samples from "./reasons.samples.json";

// reasons.samples.json is every reason the backend's own code gives (tests/unit/test_reason_words.py
// keeps it current): each must be said in Thai, never shown as the English sentence it is stored as.
describe("the reasons support staff read", () => {
  it("are each said in Thai, with their figures", () => {
    for (const reason of samples) {
      const thai = said("th", reason);
      expect(thai, reason).not.toBe("");
      expect(thai, reason).toMatch(/[\u0E00-\u0E7F]/);
      for (const figure of reason.match(/\d+/g) ?? []) expect(thai, reason).toContain(figure);
    }
  });

  it("stay as written in English", () => {
    for (const reason of samples) expect(said("en", reason)).toBe(reason);
  });
});
