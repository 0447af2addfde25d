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

export function Inbox() {
  const { t, language, refreshUnread, pick } = useApp();
  const [load, reload] = useLoad("/api/v1/inbox", { query: { limit: 50 } });

  async function act(done: Promise<unknown>) {
    await done;
    reload();
    refreshUnread();
  }
  const markRead = (message: Message) =>
    request("POST", "/api/v1/inbox/{notification_id}/read", { path: { notification_id: message.id } }).then(() =>
      refreshUnread(),
    );

  return (
    <section aria-labelledby="inbox-title">
      <h1 id="inbox-title">{t("inbox")}</h1>
      <Loaded load={load} reload={reload}>
        {(page) =>
          page.items.length === 0 ? (
            <p>{t("empty")}</p>
          ) : (
            <ul class="messages">
              {page.items.map((message) => (
                <li key={message.id} class={message.read_at ? "message" : "message unread"}>
                  <h2>
                    {!message.read_at && <span class="visually-hidden">{t("unread")}: </span>}
                    {pick(message, "title")}
                  </h2>
                  <p class="meta">
                    {pick(message, "agency_name")} ·{" "}
                    {formatDate(language, message.created_at, true)}
                  </p>
                  <p>{pick(message, "body")}</p>
                  <div class="actions">
                    <OpenLink message={message} markRead={() => markRead(message).then(reload)} />
                    {!message.read_at && (
                      <button type="button" onClick={() => act(markRead(message))}>
                        {t("markRead")}
                      </button>
                    )}
                    <button type="button" onClick={() =>
                        act(request("DELETE", "/api/v1/inbox/{notification_id}", { path: { notification_id: message.id } }))
                      }>
                      {t("delete")}
                    </button>
                  </div>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}
