// Sending from the console when the answer's per-field problems matter: like ../api's send (same
// origin, session cookie, CSRF header), but a refusal keeps the RFC 9457 problem's errors[] so that
// each one can be shown beside, or named with, its field.
import { ApiError } from "../api";

export interface FieldProblem { field: string; message: string }

export class Problem extends ApiError {
  constructor(status: number, title: string, detail: string, readonly errors: FieldProblem[]) {
    super(status, title, detail);
  }
}

export async function sendJson<T>(csrfToken: string, method: "POST" | "PUT", path: string, body: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRF-Token": csrfToken },
      body: JSON.stringify(body),
    });
  } catch {
    throw new Problem(0, "offline", "", []);
  }
  if (response.ok) return (await response.json()) as T;
  let problem: { title?: string; detail?: string | null; errors?: FieldProblem[] | null } = {};
  try {
    problem = await response.json();
  } catch {
    /* not a problem body */
  }
  throw new Problem(response.status, problem.title ?? response.statusText, problem.detail ?? "", problem.errors ?? []);
}

/** The problems with one field ("note", or a nested one such as "details[0].value"). */
export function problemsOf(error: unknown, field: string): string[] {
  if (!(error instanceof Problem)) return [];
  return error.errors.filter((item) => item.field.replace(/^\$\./, "") === field).map((item) => item.message);
}
