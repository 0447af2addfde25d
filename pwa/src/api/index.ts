// The one way the app talks to the backend: `request`, typed by path from the app's own OpenAPI
// (`schema.d.ts`, generated from ../../openapi.json by `npm run gen:api`: types only, no bytes in the
// bundle). Same origin, session cookie, CSRF header on unsafe methods, JSON, multipart or raw bytes,
// RFC 9457 problem bodies turned into ApiError, and whether an answer came from the service worker's
// cache while offline ("as of" its Date header).
import type { components, paths } from "./schema";

/** A shape the API sends or takes, by its name in the OpenAPI document (`Schema<"InboxItem">`). */
export type Schema<Name extends keyof components["schemas"]> = components["schemas"][Name];

/**
 * A request body that leaves out fields K, which the server fills with their defaults. The OpenAPI
 * document lists them as optional; openapi-typescript (with its default `defaultNonNullable`) types
 * every field that has a default as present, which is true of answers and too strict for requests.
 */
export type Defaulted<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>;

/** One of a 400 problem's errors[], naming the request field it is about. Written by hand: problem
 * bodies come from the app's RFC 9457 handler, which the OpenAPI document does not describe. */
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
    /** The RFC 9457 problem type ("/problems/acting-ended"), or "". */
    readonly type: string = "",
  ) {
    super(detail || title);
  }
}

export interface Answer<T> {
  data: T;
  /** When the data was produced, if it is an offline copy. */
  offlineAsOf: Date | null;
  /** The server's clock when it answered (its Date header), to count down to times it sets. */
  serverDate?: Date | null;
  /** A list answered a page at a time: the cursor of the next page (from its RFC 8288 Link), else null. */
  nextCursor?: string | null;
}

/** The `cursor` of the `rel="next"` address in a Link header, if there is one. */
export function nextCursor(link: string | null): string | null {
  const next = link && /<([^>]*)>\s*;\s*rel="?next"?/.exec(link);
  return next ? new URL(next[1], "https://app.invalid").searchParams.get("cursor") : null;
}

// --- types: what each path takes and answers, read from the generated schema -----------------------

export type Method = "GET" | "POST" | "PUT" | "DELETE";
type Operation<P extends keyof paths, M extends Method> = paths[P][Lowercase<M> & keyof paths[P]];

/** The paths that answer `method` (a path template, e.g. "/api/v1/bills/{bill_id}/payments"). */
export type PathFor<M extends Method> = {
  [P in keyof paths]: Operation<P, M> extends { responses: object } ? P : never;
}[keyof paths];

type Successes<O> = O extends { responses: infer R } ? R[Extract<keyof R, 200 | 201 | 202 | 204>] : never;
type Json<R> = R extends { content: { "application/json": infer T } } ? T : null;
/** What a successful answer's body is: its JSON, or null for a 204. */
export type ResponseOf<P extends keyof paths, M extends Method> = Json<Successes<Operation<P, M>>>;

type ParametersOf<O> = O extends { parameters: infer X } ? X : never;
type PathParams<O> = ParametersOf<O> extends { path: infer A } ? A : never;
type QueryParams<O> = ParametersOf<O> extends { query?: infer Q } ? Exclude<Q, undefined> : never;
type BodyOf<C> = C extends { "application/json": infer J } ? J : C extends { "multipart/form-data": unknown } ? FormData : never;
type RequestBody<O> = O extends { requestBody?: infer B } ? Exclude<B, undefined> : never;

type PathOption<O> = [PathParams<O>] extends [never] ? { path?: never } : { path: PathParams<O> };
type QueryOption<O> = [QueryParams<O>] extends [never] ? { query?: never } : { query?: QueryParams<O> };
// A route that reads its body itself (a copy's raw bytes to verify) declares none: it takes a Blob.
type BodyOption<O> = [RequestBody<O>] extends [never]
  ? { body?: Blob }
  : O extends { requestBody: { content: infer C } }
    ? { body: BodyOf<C> }
    : { body?: BodyOf<RequestBody<O> extends { content: infer C } ? C : never> };
export type Options<O> = PathOption<O> & QueryOption<O> & BodyOption<O>;
/** The options argument, left out when nothing in it is required. */
export type OptionsArgument<O> = {} extends Options<O> ? [options?: Options<O>] : [options: Options<O>];
export type RequestOptions<P extends keyof paths, M extends Method> = OptionsArgument<Operation<P, M>>;
/** The query parameters a path takes. */
export type QueryOf<P extends keyof paths, M extends Method = "GET"> = QueryParams<Operation<P, M>>;

type QueryValue = string | number | boolean | null | undefined;
interface LooseOptions {
  path?: Record<string, string | number>;
  query?: Record<string, QueryValue | readonly QueryValue[]>;
  body?: unknown;
}

// --- building addresses ------------------------------------------------------------------------------

type AnyPathParams<P extends keyof paths> = PathParams<NonNullable<paths[P]["get" | "post" | "put" | "delete"]>>;

/**
 * A path template filled in: each "{name}" by its value (URL-encoded), then the query, leaving out
 * what is null or undefined. For addresses the browser opens itself (an EventSource, a download link).
 */
export function apiPath<P extends keyof paths>(
  template: P,
  ...[params, query]: [AnyPathParams<P>] extends [never]
    ? [params?: undefined, query?: LooseOptions["query"]]
    : [params: AnyPathParams<P>, query?: LooseOptions["query"]]
): string {
  const values = (params ?? {}) as Record<string, string | number>;
  const path = (template as string).replace(/\{(\w+)\}/g, (_whole, name: string) =>
    encodeURIComponent(String(values[name])),
  );
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null) search.append(name, String(item));
    }
  }
  const text = search.toString();
  return withActing(text ? `${path}?${text}` : path);
}

// --- acting for someone (docs/delegation.md) ---------------------------------------------------------

let actingFor: string | null = null;
const actingEnded = new Set<() => void>();

/** While acting for someone: the grant every address of theirs names (null: the person's own). */
export function setActingFor(grant: string | null): void {
  actingFor = grant;
}

/** The address as the app asks for it now: while acting, with the grant named in it (an EventSource or
 * an image cannot send a header, and the service worker's copies stay apart from the person's own);
 * "/api/v1/me..." and "/auth/..." are always the logged-in person's own. */
export function withActing(url: string): string {
  if (!actingFor || !url.startsWith("/") || url.startsWith("/api/v1/me") || url.startsWith("/auth/")) return url;
  return `${url}${url.includes("?") ? "&" : "?"}acting_for=${encodeURIComponent(actingFor)}`;
}

/** Calls `listener` when the API says the grant no longer holds (ended or expired). */
export function onActingEnded(listener: () => void): () => void {
  actingEnded.add(listener);
  return () => actingEnded.delete(listener);
}

// --- the request -------------------------------------------------------------------------------------

let csrfToken = "";

/** Told of each answer the API gave (not an offline copy): the session's idle timer starts again. */
const answered = new Set<() => void>();

/** Calls `listener` after each answer from the API; returns the function that stops it. */
export function onAnswer(listener: () => void): () => void {
  answered.add(listener);
  return () => answered.delete(listener);
}

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

async function problem(response: Response): Promise<ApiError> {
  let title = response.statusText;
  let detail = "";
  let errors: FieldProblem[] = [];
  let type = "";
  try {
    const body = (await response.json()) as {
      type?: string;
      title?: string;
      detail?: string | null;
      errors?: FieldProblem[] | null;
    };
    type = body.type ?? "";
    title = body.title ?? title;
    detail = body.detail ?? "";
    errors = body.errors ?? [];
  } catch {
    /* not a problem body */
  }
  const error = new ApiError(response.status, title, detail, response.headers.get("www-authenticate"), errors, type);
  if (type === "/problems/acting-ended") for (const listener of actingEnded) listener();
  return error;
}

/**
 * Calls the API: `request("POST", "/api/v1/bills/{bill_id}/payments", { path: { bill_id }, body })`.
 * JSON bodies are sent as JSON, FormData as multipart/form-data (the browser writes the boundary), a
 * Blob as application/octet-stream. Throws ApiError: status 0 when the network could not be reached.
 */
export async function request<M extends Method, P extends PathFor<M>>(
  method: M,
  path: P,
  ...[options]: RequestOptions<P, M>
): Promise<Answer<ResponseOf<P, M>>> {
  const { path: params, query, body } = (options ?? {}) as LooseOptions;
  const url = (apiPath as (template: string, params?: LooseOptions["path"], query?: LooseOptions["query"]) => string)(
    path,
    params,
    query,
  );
  const headers: Record<string, string> = { Accept: "application/json" };
  if (method !== "GET") headers["X-CSRF-Token"] = csrfToken;
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body instanceof Blob) {
    headers["Content-Type"] = "application/octet-stream";
    payload = body;
  } else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(url, { method, credentials: "same-origin", headers, body: payload });
  } catch {
    throw new ApiError(0, "offline", "");
  }
  if (!response.ok) throw await problem(response);
  const date = response.headers.get("date");
  const offline = typeof navigator !== "undefined" && !navigator.onLine;
  if (!offline) for (const listener of answered) listener();
  const data = response.status === 204 ? null : await response.json();
  return {
    data: data as ResponseOf<P, M>,
    offlineAsOf: offline && date ? new Date(date) : null,
    serverDate: date ? new Date(date) : null,
    nextCursor: nextCursor(response.headers.get("link")),
  };
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
