// A refused or failed request said for staff: the whole problem (useProblemText), or the problems with
// one field (problemsOf), as the API names them (RFC 9457 errors[]).
import { ApiError } from "../api";
import { useWords } from "./words";

export function useProblemText(): (error: unknown) => string {
  const { w } = useWords();
  return (error) => {
    if (error instanceof ApiError && error.status === 0) return w("offline");
    // A problem that names its fields but has no detail (the API's own checks) is told field by field.
    if (error instanceof ApiError && !error.detail && error.errors.length > 0) {
      return `${error.title}: ${error.errors.map((item) => `${item.field}: ${item.message}`).join("; ")}`;
    }
    return error instanceof ApiError ? error.detail || error.title : w("failed");
  };
}

/** The problems with one field ("note", or a nested one such as "details[0].value"). */
export function problemsOf(error: unknown, field: string): string[] {
  if (!(error instanceof ApiError)) return [];
  return error.errors.filter((item) => item.field.replace(/^\$\./, "") === field).map((item) => item.message);
}
