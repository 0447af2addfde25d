import { describe, expect, it } from "vitest";

import { findCode, foreignLinks, groupCode } from "./message-check";

describe("finding a message's verification code", () => {
  it("finds the grouped code in a whole pasted SMS", () => {
    const sms = "กรมการปกครอง: บัตรพร้อมรับแล้ว รหัสตรวจสอบ 7k3m-qx9p-2rtv-h8wc โทร 1111";
    expect(findCode(sms)).toBe("7K3MQX9P2RTVH8WC");
  });
  it("prefers the platform's short link and reads O as zero", () => {
    expect(findCode("ตรวจที่ https://app.go.th/m/OK3M-QX9P-2RTV-H8WC ครับ 1234 5678")).toBe("0K3MQX9P2RTVH8WC");
  });
  it("finds a code typed without dashes, and nothing in a text without one", () => {
    expect(findCode("7K3MQX9P2RTVH8WC")).toBe("7K3MQX9P2RTVH8WC");
    expect(findCode("คุณได้รับเงินคืน 5,000 บาท กดลิงก์ bit.ly/abc")).toBeNull();
  });
  it("groups a code as it is printed", () => {
    expect(groupCode("7K3MQX9P2RTVH8WC")).toBe("7K3M-QX9P-2RTV-H8WC");
  });
});

describe("links that leave the platform", () => {
  it("names every address not on this origin", () => {
    const sms = "รับสิทธิ์ที่ bit.ly/wallet หรือ https://app.example.go.th/m/7K3M-QX9P-2RTV-H8WC";
    expect(foreignLinks(sms, "https://app.example.go.th")).toEqual(["bit.ly/wallet"]);
  });
});
