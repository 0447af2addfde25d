import { describe, expect, it } from "vitest";

import { knownScam, plainText, reportFieldMessage, type ScamWarning, screenshotProblem, senderKey } from "./scam-check";

const warning = (link_host: string | null, sender: string | null): ScamWarning => ({
  id: 1, link_host, sender, title_th: "ระวัง", title_en: "Beware", body_th: "อย่ากด", body_en: "Do not tap",
  published_at: "2026-12-05T00:00:00Z", withdrawn_at: null,
});

describe("scam warnings and reports", () => {
  it("finds a warned host, its subdomains, and a warned phone number written in the text", () => {
    const warnings = [warning("dsdw-rights.example", null), warning(null, "0812345678")];
    const origin = "https://app.example";
    expect(knownScam("กดรับสิทธิ https://pay.DSDW-rights.example/x", "", warnings, origin)?.link_host).toBe("dsdw-rights.example");
    expect(knownScam("โทรกลับ 081-234-5678 ด่วน", "", warnings, origin)?.sender).toBe("0812345678");
    expect(knownScam("ข้อความ", "+66 81 234 5678", warnings, origin)?.sender).toBe("0812345678");
    expect(knownScam("ดูที่ https://notdsdw-rights.example/", "", warnings, origin)).toBeNull();
    expect(knownScam("ดูที่ https://app.example/m/1", "", warnings, origin)).toBeNull();
  });

  it("keeps senders in the server's spelling", () => {
    expect(senderKey("+66 81-234-5678")).toBe("0812345678");
    expect(senderKey("  TH  Post ")).toBe("th post");
  });

  it("takes out invisible characters and Windows line ends, keeping Thai marks", () => {
    expect(plainText("กด\u200bลิงก์\r\nนี้\u202e")).toBe("กดลิงก์\nนี้");
  });

  it("refuses screenshots by type and size before sending", () => {
    expect(screenshotProblem({ type: "image/png", size: 1000 })).toBeNull();
    expect(screenshotProblem({ type: "application/pdf", size: 1000 })?.th).toContain("PNG");
    expect(screenshotProblem({ type: "image/jpeg", size: 3 * 1024 * 1024 })?.en).toContain("2 MB");
  });

  it("says field problems in the reader's language, never raw", () => {
    expect(reportFieldMessage("th", "ไม่ใช่ที่อยู่เว็บไซต์ · is not a web address")).toBe("ไม่ใช่ที่อยู่เว็บไซต์");
    expect(reportFieldMessage("en", "ไม่ใช่ที่อยู่เว็บไซต์ · is not a web address")).toBe("is not a web address");
    expect(reportFieldMessage("th", "contains U+202E")).not.toContain("U+");
  });
});
