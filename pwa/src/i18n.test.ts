import { describe, expect, it } from "vitest";

import { formatBaht, translate } from "./i18n";

describe("i18n", () => {
  it("speaks Thai first and English on request", () => {
    expect(translate("th", "withdrawConsent")).toBe("ถอนความยินยอม");
    expect(translate("en", "withdrawConsent")).toBe("Withdraw consent");
  });

  it("shows satang as baht with two decimals in either language", () => {
    expect(formatBaht("en", 18700)).toContain("187.00");
    expect(formatBaht("th", 123456789)).toContain("1,234,567.89");
  });
});
