// The one way the app talks to the backend: same origin, session cookie, CSRF header on unsafe
// methods, RFC 9457 problem bodies turned into ApiError, and whether an answer came from the
// service worker's cache while offline ("as of" its Date header).

/** One of a 400 problem's errors[], naming the request field it is about. */
export interface FieldProblem {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly wwwAuthenticate: string | null = null,
    readonly errors: FieldProblem[] = [],
  ) {
    super(detail || title);
  }
}

export interface Loaded<T> {
  data: T;
  /** When the data was produced, if it is an offline copy. */
  offlineAsOf: Date | null;
}

let csrfToken = "";

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

async function problem(response: Response): Promise<ApiError> {
  let title = response.statusText;
  let detail = "";
  let errors: FieldProblem[] = [];
  try {
    const body = (await response.json()) as { title?: string; detail?: string | null; errors?: FieldProblem[] | null };
    title = body.title ?? title;
    detail = body.detail ?? "";
    errors = body.errors ?? [];
  } catch {
    /* not a problem body */
  }
  return new ApiError(response.status, title, detail, response.headers.get("www-authenticate"), errors);
}

export async function get<T>(path: string): Promise<Loaded<T>> {
  let response: Response;
  try {
    response = await fetch(path, { credentials: "same-origin", headers: { Accept: "application/json" } });
  } catch {
    throw new ApiError(0, "offline", "");
  }
  if (!response.ok) throw await problem(response);
  const date = response.headers.get("date");
  const offline = typeof navigator !== "undefined" && !navigator.onLine;
  return { data: (await response.json()) as T, offlineAsOf: offline && date ? new Date(date) : null };
}

export async function send<T>(method: "POST" | "PUT" | "DELETE", path: string, body?: unknown): Promise<T | null> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: {
        Accept: "application/json",
        "X-CSRF-Token": csrfToken,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "offline", "");
  }
  if (!response.ok) throw await problem(response);
  return response.status === 204 ? null : ((await response.json()) as T);
}

/** RFC 9470: the API wants a stronger or fresher login; send the citizen to get one and come back. */
export function stepUpUrl(error: ApiError, here: string): string | null {
  if (error.status !== 401 || !error.wwwAuthenticate?.includes("insufficient_user_authentication")) return null;
  const acr = /acr_values="([^"]+)"/.exec(error.wwwAuthenticate)?.[1];
  const maxAge = /max_age=(\d+)/.exec(error.wwwAuthenticate)?.[1];
  const query = new URLSearchParams({ next: here });
  if (acr) query.set("acr_values", acr);
  if (maxAge) query.set("max_age", maxAge);
  return `/auth/login?${query}`;
}

/** A file sent as multipart/form-data (FormData: the browser writes the boundary) or as raw bytes
 * (a Blob, sent as application/octet-stream). Same CSRF header and problem handling as `send`. */
export async function upload<T>(path: string, body: FormData | Blob): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        Accept: "application/json",
        "X-CSRF-Token": csrfToken,
        ...(body instanceof FormData ? {} : { "Content-Type": "application/octet-stream" }),
      },
      body,
    });
  } catch {
    throw new ApiError(0, "offline", "");
  }
  if (!response.ok) throw await problem(response);
  return (await response.json()) as T;
}
