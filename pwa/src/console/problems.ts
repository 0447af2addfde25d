// A refused or failed request said for staff: the whole problem (useProblemText), or the problems with
// one field (problemsOf), as the API names them (RFC 9457 errors[]).
import { ApiError } from "../api";
import type { Language } from "../i18n";
import { type Word, useWords } from "./words";

const THAI = /[\u0E00-\u0E7F]/;

/** One field's problem in the reader's language: the API writes its own rules "Thai · English"; the
 * checks msgspec makes (length, pattern, missing) are said in words; anything else is not shown raw. */
export function fieldMessage(language: Language, message: string): string {
  if (THAI.test(message)) {
    const [thai, english] = message.split(" · ");
    return language === "th" ? thai : english ?? thai;
  }
  const known: [RegExp, string, string][] = [
    [/length >= 1|missing required/i, "โปรดกรอกช่องนี้", "Fill this in."],
    [/length <=/i, "ยาวเกินกำหนด", "Too long."],
    [/regex|pattern/i, "รูปแบบไม่ถูกต้อง", "Not in the expected form."],
    [/>=|<=/, "ค่าอยู่นอกช่วงที่รับได้", "Out of the allowed range."],
  ];
  for (const [pattern, th, en] of known) if (pattern.test(message)) return language === "th" ? th : en;
  return language === "th" ? "ค่านี้ไม่ถูกต้อง โปรดตรวจสอบ" : message;
}

export function useFieldText(): (message: string) => string {
  const { language } = useWords();
  return (message) => fieldMessage(language, message);
}

export function useProblemText(): (error: unknown) => string {
  const { w, language } = useWords();
  return (error) => {
    if (!(error instanceof ApiError)) return w("failed");
    if (error.status === 0) return w("offline");
    // A problem naming its fields is told field by field, in the reader's language.
    if (error.errors.length > 0) {
      return error.errors.map((item) => `${item.field.replace(/^\$\./, "")}: ${fieldMessage(language, item.message)}`).join("; ");
    }
    if (error.detail && (language === "en" || THAI.test(error.detail))) return fieldMessage(language, error.detail);
    const byStatus: Record<number, Word> = { 400: "problem400", 401: "problem401", 403: "problem403", 404: "problem404", 409: "problem409", 429: "problem429" };
    return w(byStatus[error.status] ?? "failed");
  };
}

/** The problems with one field ("note", or a nested one such as "details[0].value"). */
export function problemsOf(error: unknown, field: string): string[] {
  if (!(error instanceof ApiError)) return [];
  return error.errors.filter((item) => item.field.replace(/^\$\./, "") === field).map((item) => item.message);
}
