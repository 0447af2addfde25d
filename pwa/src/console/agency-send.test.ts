import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

import { fillTemplate } from "./agency-send";
import { isNationalId, satangOf } from "./bill-form";
import { oneState, sorted } from "./send-progress";

describe("placeholders", () => {
  it("are written {name}, as the backend reads them", () => {
    const backend = readFileSync(fileURLToPath(new URL("../../../notifications/service.py", import.meta.url)), "utf8");
    expect(backend).toContain('_PLACEHOLDER = re.compile(r"\\{([a-z_][a-z0-9_]{0,39})\\}")');
    expect(fillTemplate("เบี้ยยังชีพ {amount} บาท วันที่ {pay_date}", { amount: "600", pay_date: "10 ธ.ค." })).toBe(
      "เบี้ยยังชีพ 600 บาท วันที่ 10 ธ.ค.",
    );
    expect(fillTemplate("{missing} ((old)) {{x}}", {})).toBe("{missing} ((old)) {{x}}");
  });
});

describe("the bill form", () => {
  it("checks the national ID's check digit", () => {
    expect(isNationalId("1101700207536")).toBe(true);
    expect(isNationalId("3100400123456")).toBe(true);
    expect(isNationalId("1101700207537")).toBe(false);
    expect(isNationalId("110170020753")).toBe(false);
  });

  it("reads baht as satang", () => {
    expect(satangOf("1,250.50")).toBe(125050);
    expect(satangOf("300")).toBe(30000);
    expect(satangOf("0.5")).toBe(50);
    expect(satangOf("0")).toBeNull();
    expect(satangOf("1.234")).toBeNull();
    expect(satangOf("abc")).toBeNull();
  });
});

describe("progress", () => {
  it("does not count a message in the inbox only (no device) as a failure", () => {
    expect(sorted({ delivered: 2, created: 1, "permanent-failure": 5, suppressed: 1 }, 4)).toEqual({
      delivered: 2, waiting: 1, inboxOnly: 4, suppressed: 1, failed: 1,
    });
    const status = { id: "x", status: "permanent-failure", status_reason: "no devices", inbox_only: true, created_at: "", deliveries: [] };
    expect(oneState(status)).toBe("sent_inbox_only");
    expect(oneState({ ...status, inbox_only: false })).toBe("sent_failed");
  });
});
