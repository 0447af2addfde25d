import { send } from "../api";
import { Loaded } from "../components";
import { formatDate } from "../i18n";
import { sameOriginLink } from "../links";
import { useApp, useLoad } from "../state";

interface Message {
  id: string;
  title_th: string;
  title_en: string;
  body_th: string | null;
  body_en: string | null;
  url: string | null;
  created_at: string;
  read_at: string | null;
  agency_name_th: string;
  agency_name_en: string;
}
interface InboxPage {
  items: Message[];
  unread: number;
}

/** A message's link, only when it stays on this origin (the fallback would be the inbox: here). */
function OpenLink({ url }: { url: string | null }) {
  const { language, navigate } = useApp();
  const link = sameOriginLink(url, window.location.origin);
  if (link === null) return null;
  return (
    <a
      href={link}
      onClick={(event) => {
        event.preventDefault();
        navigate(link);
      }}
    >
      {language === "en" ? "Open" : "เปิด"}
    </a>
  );
}

export function Inbox() {
  const { t, language, refreshUnread } = useApp();
  const [load, reload] = useLoad<InboxPage>("/api/v1/inbox?limit=50");
  const english = language === "en";

  async function act(method: "POST" | "DELETE", path: string) {
    await send(method, path);
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
                    {english ? message.title_en : message.title_th}
                  </h2>
                  <p class="meta">
                    {english ? message.agency_name_en : message.agency_name_th} ·{" "}
                    {formatDate(language, message.created_at, true)}
                  </p>
                  <p>{english ? message.body_en : message.body_th}</p>
                  <div class="actions">
                    <OpenLink url={message.url} />
                    {!message.read_at && (
                      <button type="button" onClick={() => act("POST", `/api/v1/inbox/${message.id}/read`)}>
                        {t("markRead")}
                      </button>
                    )}
                    <button type="button" onClick={() => act("DELETE", `/api/v1/inbox/${message.id}`)}>
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
