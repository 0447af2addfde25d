// Links the app opens by itself (a message's "Open", a push's tap): this origin only.

/**
 * The absolute URL a message's link resolves to when it is a path on `origin`, else null.
 * The server accepts only plain paths, but a link is checked again where it is opened: "//host",
 * "/\host" and a path with a tab or newline inside ("/\t/host") all resolve to another origin.
 */
export function sameOriginLink(url: unknown, origin: string): string | null {
  if (typeof url !== "string" || !url.startsWith("/")) return null;
  try {
    const target = new URL(url, origin);
    return target.origin === new URL(origin).origin ? target.href : null;
  } catch {
    return null;
  }
}
