// A refused or failed request told to a citizen in their language. The API's problems are in English
// (its own rules are written "Thai · English", and screens word the problem types they expect); so in
// Thai any other problem is told by its status in our words, never the API's English. The staff console
// has its own (console/problems.ts).
import type { ApiError } from "../api";
import { type Bilingual, type Language, tr } from "../i18n";
import { THAI } from "./field-problem";

const BY_STATUS: Record<number, Bilingual> = {
  400: { th: "ข้อมูลที่ส่งไม่ถูกต้อง โปรดตรวจสอบแล้วลองอีกครั้ง", en: "Something sent was not valid. Please check it and try again." },
  401: { th: "โปรดเข้าสู่ระบบอีกครั้ง", en: "Please log in again." },
  403: { th: "คุณทำรายการนี้ไม่ได้", en: "You cannot do this." },
  404: { th: "ไม่พบรายการที่ต้องการ", en: "What you asked for was not found." },
  409: { th: "ทำรายการนี้ไม่ได้ในขณะนี้ โปรดโหลดหน้าใหม่แล้วลองอีกครั้ง", en: "This cannot be done now. Please reload and try again." },
  413: { th: "ไฟล์หรือข้อมูลใหญ่เกินกำหนด", en: "The file or data is too large." },
  429: { th: "ขณะนี้มีผู้ใช้งานจำนวนมาก โปรดลองอีกครั้งในอีกสักครู่", en: "Many people are using the service. Please try again shortly." },
  503: { th: "ขณะนี้มีผู้ใช้งานจำนวนมาก โปรดลองอีกครั้งในอีกสักครู่", en: "Many people are using the service. Please try again shortly." },
};
const SERVER: Bilingual = { th: "ระบบขัดข้อง โปรดลองอีกครั้งภายหลัง", en: "Something went wrong on our side. Please try again later." };
const OTHER: Bilingual = { th: "ทำรายการไม่สำเร็จ โปรดลองอีกครั้ง", en: "That did not work. Please try again." };

/** The words of a problem whose status is not 0 (offline is the caller's): its "Thai · English" side
 * for the language, in English its detail (else title), in Thai ours for its status. */
export function problemWords(language: Language, error: Pick<ApiError, "status" | "title" | "detail">): string {
  const said = error.detail || error.title;
  if (THAI.test(said)) {
    const sides = said.split(" · ");
    const thai = sides.find((side) => THAI.test(side)) ?? said;
    const english = sides.find((side) => !THAI.test(side)) ?? thai;
    return tr(language, { th: thai, en: english });
  }
  if (language === "en" && said) return said;
  return tr(language, BY_STATUS[error.status] ?? (error.status >= 500 ? SERVER : OTHER));
}
