import { useEffect, useRef, useState } from "preact/hooks";

import { useActing } from "../acting";
import { request, type Schema } from "../api";
import { formatDate } from "../i18n";
import { sameOriginLink } from "../links";
import { IN_APP } from "../routes";
import { useApp, useLoad } from "../state";
import { Loaded } from "../ui/loaded";

type Message = Schema<"InboxItem">;

/** A message's link, only when it stays on this origin (the fallback would be the inbox: here). Written
 * as a path, so that a link to one of the app's screens opens without a reload. Opening an unread
 * message marks it read first. */
function OpenLink({ message, markRead }: { message: Message; markRead: () => Promise<unknown> }) {
  const { t, pick, navigate } = useApp();
  const link = sameOriginLink(message.url, window.location.origin);
  if (link === null) return null;
  const { pathname, search, hash } = new URL(link);
  const href = pathname + search + hash;
  return (
    <a
      class="button"
      href={href}
      onClick={async (event) => {
        if (message.read_at || event.ctrlKey || event.metaKey || event.shiftKey) return;
        event.preventDefault();
        await markRead().catch(() => null);
        if (IN_APP.test(href)) navigate(href);
        else window.location.assign(href);
      }}
    >
      {t("open")}
      <span class="visually-hidden">{` (${t("openMessage")}: ${pick(message, "title")})`}</span>
    </a>
  );
}

/** The message's code, grouped as it is printed on letters and SMS, and where anyone checks it. */
function VerificationCode({ code }: { code: string }) {
  const { t } = useApp();
  const grouped = code.match(/.{1,4}/g)?.join("-") ?? code;
  return (
    <p class="meta verification-code">
      {t("messageCode")}: <code lang="en">{grouped}</code>
      <br />
      <a href={`/verify-message?code=${encodeURIComponent(grouped)}`}>{t("checkThisCode")}</a>
    </p>
  );
}

const PAGE = 20;

export function Inbox() {
  const { t, language, refreshUnread, pick } = useApp();
  const [load, reload] = useLoad("/api/v1/inbox", { query: { limit: PAGE } });
  // Pages further back, as "older messages" brought them; what was read or deleted here since.
  const [older, setOlder] = useState<{ items: Message[]; next: string | null } | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [read, setRead] = useState<ReadonlySet<string>>(new Set());
  const [deleted, setDeleted] = useState<ReadonlySet<string>>(new Set());
  const [focusId, setFocusId] = useState<string | null>(null);
  const list = useRef<HTMLUListElement>(null);
  /** Acting for someone: their messages may be read, never deleted (docs/delegation.md). */
  const acting = useActing();

  useEffect(() => {
    if (focusId) list.current?.querySelector<HTMLElement>(`[data-focus="${focusId}"]`)?.focus();
  }, [focusId, older, deleted]);

  const markRead = (message: Message) =>
    request("POST", "/api/v1/inbox/{notification_id}/read", { path: { notification_id: message.id } }).then(() => {
      setRead((ids) => new Set(ids).add(message.id));
      refreshUnread();
    });
  const path = (message: Message) => ({ path: { notification_id: message.id } });

  /** Deleted at once, and undone from where it was: the message's place says so and offers it back. */
  async function remove(message: Message) {
    await request("DELETE", "/api/v1/inbox/{notification_id}", path(message));
    setDeleted((ids) => new Set(ids).add(message.id));
    setFocusId(`undo-${message.id}`);
    refreshUnread();
  }
  async function undo(message: Message) {
    await request("POST", "/api/v1/inbox/{notification_id}/restore", path(message));
    setDeleted((ids) => new Set([...ids].filter((id) => id !== message.id)));
    setFocusId(`message-${message.id}`);
    refreshUnread();
  }
  async function loadOlder(cursor: string) {
    setLoadingOlder(true);
    try {
      const { data } = await request("GET", "/api/v1/inbox", { query: { cursor, limit: PAGE } });
      setOlder((current) => ({ items: [...(current?.items ?? []), ...data.items], next: data.next_cursor ?? null }));
      setFocusId(data.items[0] ? `message-${data.items[0].id}` : null);
    } finally {
      setLoadingOlder(false);
    }
  }

  return (
    <section aria-labelledby="inbox-title">
      <h1 id="inbox-title">{t("inbox")}</h1>
      <Loaded load={load} reload={reload}>
        {(page) => {
          const messages = [...page.items, ...(older?.items ?? [])];
          const next = older ? older.next : (page.next_cursor ?? null);
          if (messages.length === 0) return <p>{t("empty")}</p>;
          return (
            <>
              <ul class="messages" ref={list}>
                {messages.map((message) => {
                  if (deleted.has(message.id))
                    return (
                      <li key={message.id} class="message deleted">
                        <p role="status">
                          {t("messageDeleted")}: {pick(message, "title")}
                        </p>
                        <button type="button" data-focus={`undo-${message.id}`} onClick={() => undo(message)}>
                          {t("undoDelete")}
                        </button>
                      </li>
                    );
                  const unread = !message.read_at && !read.has(message.id);
                  const shown = unread ? message : { ...message, read_at: message.read_at ?? "read" };
                  return (
                    <li key={message.id} class={unread ? "message unread" : "message"}>
                      <h2 tabIndex={-1} data-focus={`message-${message.id}`}>
                        {unread && <span class="visually-hidden">{t("unread")}: </span>}
                        {pick(message, "title")}
                      </h2>
                      <p class="meta">
                        {pick(message, "agency_name")} · {formatDate(language, message.created_at, true)}
                      </p>
                      <p>{pick(message, "body")}</p>
                      {message.verification_code && <VerificationCode code={message.verification_code} />}
                      <div class="actions">
                        <OpenLink message={shown} markRead={() => markRead(message)} />
                        {unread && (
                          <button type="button" onClick={() => markRead(message)}>
                            {t("markRead")}
                          </button>
                        )}
                        {!acting && (
                          <button type="button" onClick={() => remove(message)}>
                            {t("delete")}
                            <span class="visually-hidden">{`: ${pick(message, "title")}`}</span>
                          </button>
                        )}
                      </div>
                    </li>
                  );
                })}
              </ul>
              {next ? (
                <button type="button" class="older" disabled={loadingOlder} onClick={() => loadOlder(next)}>
                  {t("olderMessages")}
                </button>
              ) : (
                messages.length > PAGE && <p class="meta">{t("noOlderMessages")}</p>
              )}
            </>
          );
        }}
      </Loaded>
    </section>
  );
}
