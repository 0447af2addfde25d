// A refused or failed request said for staff: the whole problem (useProblemText), or the problems with
// one field (problemsOf), as the API names them (RFC 9457 errors[]).
import { ApiError, type FieldProblem } from "../api";
import type { Language } from "../i18n";
import { fieldProblem, MISSING, NOT_VALID, OUT_OF_RANGE, THAI, TOO_LONG, WRONG_FORM } from "../ui/field-problem";
import { fieldName } from "./field-words";
import { type Word, useWords } from "./words";

/** One field's problem in the reader's language (ui/field-problem): the API's own "Thai · English", the
 * checks msgspec makes (length, pattern, missing) in words; anything else in English as the API says it,
 * never raw in Thai. */
export function fieldMessage(language: Language, message: string): string {
  return fieldProblem(language, message, [MISSING, TOO_LONG, WRONG_FORM, OUT_OF_RANGE], { th: NOT_VALID.th, en: message });
}

export function useFieldText(): (message: string) => string {
  const { language } = useWords();
  return (message) => fieldMessage(language, message);
}

/** Each field's problem told with the field in words ("เลขประจำตัวประชาชน: ..."), never its API name. */
export function fieldProblemsText(language: Language, errors: readonly FieldProblem[]): string {
  return errors.map((item) => `${fieldName(language, item.field)}: ${fieldMessage(language, item.message)}`).join("; ");
}

export function useProblemText(): (error: unknown) => string {
  const { w, language } = useWords();
  return (error) => {
    if (!(error instanceof ApiError)) return w("failed");
    if (error.status === 0) return w("offline");
    // A problem naming its fields is told field by field, in the reader's language.
    if (error.errors.length > 0) return fieldProblemsText(language, error.errors);
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
