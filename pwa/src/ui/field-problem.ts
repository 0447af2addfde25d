// One field's problem as the API names it (RFC 9457 errors[]), said in the reader's language: the API
// writes its own rules "Thai · English"; the checks msgspec makes (length, pattern, missing, invisible
// characters) are said in words; anything else is never shown raw in Thai. The one mapping for the staff
// console (console/problems.ts) and the citizen's scam report (screens/scam-check.ts): each passes the
// checks its forms meet and what to say for any other problem.
import { type Bilingual, type Language, tr } from "../i18n";

export const THAI = /[\u0E00-\u0E7F]/;

/** A check the server makes, as its message says it, and the words for it. */
export type FieldRule = readonly [RegExp, Bilingual];

export const MISSING: FieldRule = [/length >= 1|missing required/i, { th: "โปรดกรอกช่องนี้", en: "Fill this in." }];
export const TOO_LONG: FieldRule = [/length <=/i, { th: "ยาวเกินกำหนด", en: "Too long." }];
export const WRONG_FORM: FieldRule = [/regex|pattern/i, { th: "รูปแบบไม่ถูกต้อง", en: "Not in the expected form." }];
export const OUT_OF_RANGE: FieldRule = [/>=|<=/, { th: "ค่าอยู่นอกช่วงที่รับได้", en: "Out of the allowed range." }];
export const INVISIBLE: FieldRule = [
  /^contains U\+/,
  { th: "มีอักขระที่มองไม่เห็นปนอยู่ โปรดพิมพ์ใหม่", en: "Contains an invisible character: please type it again." },
];

/** Any other problem: never the server's words in Thai. */
export const NOT_VALID: Bilingual = { th: "ค่านี้ไม่ถูกต้อง โปรดตรวจสอบ", en: "Not valid: please check it." };

/** The problem in words: the server's own "Thai · English", the first rule whose check it is, or `otherwise`. */
export function fieldProblem(language: Language, message: string, rules: readonly FieldRule[], otherwise: Bilingual): string {
  if (THAI.test(message)) {
    const [thai, english] = message.split(" · ");
    return tr(language, { th: thai, en: english ?? thai });
  }
  const rule = rules.find(([pattern]) => pattern.test(message));
  return tr(language, rule ? rule[1] : otherwise);
}
