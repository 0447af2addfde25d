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

async function call<T>(csrfToken: string, method: "POST" | "PUT", path: string, body: string | FormData): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: {
        Accept: "application/json",
        "X-CSRF-Token": csrfToken,
        // A FormData body sets its own multipart type (with the boundary).
        ...(typeof body === "string" ? { "Content-Type": "application/json" } : {}),
      },
      body,
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

export function sendJson<T>(csrfToken: string, method: "POST" | "PUT", path: string, body: unknown): Promise<T> {
  return call<T>(csrfToken, method, path, JSON.stringify(body));
}

/** multipart/form-data, for a file and the fields sent with it. */
export function sendForm<T>(csrfToken: string, path: string, form: FormData): Promise<T> {
  return call<T>(csrfToken, "POST", path, form);
}

/** The problems with one field ("note", or a nested one such as "details[0].value"). */
export function problemsOf(error: unknown, field: string): string[] {
  if (!(error instanceof Problem)) return [];
  return error.errors.filter((item) => item.field.replace(/^\$\./, "") === field).map((item) => item.message);
}
