import { describe, expect, it } from "vitest";

import { problemWords } from "./problem-words";

describe("a problem told to a citizen", () => {
  it("never puts the API's English on a Thai screen: its status in our words instead", () => {
    const conflict = { status: 409, title: "Conflict", detail: "Too many people joined at the same moment; please try again." };
    expect(problemWords("th", conflict)).toBe("ทำรายการนี้ไม่ได้ในขณะนี้ โปรดโหลดหน้าใหม่แล้วลองอีกครั้ง");
    expect(problemWords("en", conflict)).toBe(conflict.detail);
    expect(problemWords("th", { status: 404, title: "Not found", detail: "" })).toBe("ไม่พบรายการที่ต้องการ");
    expect(problemWords("th", { status: 502, title: "Bad gateway", detail: "" })).toBe("ระบบขัดข้อง โปรดลองอีกครั้งภายหลัง");
    expect(problemWords("th", { status: 418, title: "I'm a teapot", detail: "" })).toBe("ทำรายการไม่สำเร็จ โปรดลองอีกครั้ง");
  });

  it("takes the side of the API's own two-language words that the reader reads, whichever comes first", () => {
    const upload = { status: 400, title: "Bad", detail: "The PDF is protected by a password. · ไฟล์ PDF นี้ตั้งรหัสผ่านไว้" };
    expect(problemWords("th", upload)).toBe("ไฟล์ PDF นี้ตั้งรหัสผ่านไว้");
    expect(problemWords("en", upload)).toBe("The PDF is protected by a password.");
    const rule = { status: 400, title: "Bad", detail: "โปรดกรอกช่องนี้ · Fill this in." };
    expect(problemWords("en", rule)).toBe("Fill this in.");
  });
});
