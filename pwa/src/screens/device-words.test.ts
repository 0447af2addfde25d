import { describe, expect, it } from "vitest";

import { lastReceived } from "./device-words";

describe("when a device last received a notification", () => {
  const now = new Date("2026-12-07T08:30:00Z"); // 15:30 in Bangkok

  it("says within the last hour for a success written less than an hour ago (written at most hourly)", () => {
    expect(lastReceived("th", "2026-12-07T08:05:00Z", now)).toBe("ได้รับล่าสุดภายในชั่วโมงที่ผ่านมา");
    expect(lastReceived("en", "2026-12-07T07:31:00Z", now)).toBe("Last received within the last hour");
  });

  it("gives the time of an older one, today as a time of day", () => {
    const th = lastReceived("th", "2026-12-07T03:15:00Z", now);
    expect(th.startsWith("ได้รับล่าสุด ")).toBe(true);
    expect(th).toContain("10:15");
    expect(lastReceived("en", "2026-12-07T03:15:00Z", now)).toContain("Last received ");
  });
});
