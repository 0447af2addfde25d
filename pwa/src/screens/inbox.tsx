import { request } from "../api";
import { formatDate } from "../i18n";
import { sameOriginLink } from "../links";
import { useApp, useLoad } from "../state";
import { Loaded } from "../ui/loaded";

/** A message's link, only when it stays on this origin (the fallback would be the inbox: here). Written
 * as a path, so that a link to one of the app's screens opens without a reload. */
function OpenLink({ url }: { url: string | null }) {
  const { t } = useApp();
  const link = sameOriginLink(url, window.location.origin);
  if (link === null) return null;
  const { pathname, search, hash } = new URL(link);
  return <a href={pathname + search + hash}>{t("open")}</a>;
}

export function Inbox() {
  const { t, language, refreshUnread, pick } = useApp();
  const [load, reload] = useLoad("/api/v1/inbox", { query: { limit: 50 } });

  async function act(done: Promise<unknown>) {
    await done;
    reload();
    refreshUnread();
  }

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
                    <OpenLink url={message.url} />
                    {!message.read_at && (
                      <button type="button" onClick={() =>
                          act(request("POST", "/api/v1/inbox/{notification_id}/read", { path: { notification_id: message.id } }))
                        }>
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
