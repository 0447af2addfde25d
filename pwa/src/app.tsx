// The shell: header (language, staff console, log out), the "update" prompt, the screen for the
// address (routes.tsx) and the bottom navigation with the unread badge.
import { useCallback, useEffect, useState } from "preact/hooks";
import { LocationProvider, useLocation } from "preact-iso";

import { request, setCsrfToken } from "./api";
import { type Key, type Language, OTHER, words } from "./i18n";
import { IN_APP, Screens } from "./routes";
import { App as AppContext, type Me } from "./state";

const NAV: [string, Key][] = [
  ["/", "home"],
  ["/entitlements", "entitlements"],
  ["/bills", "bills"],
  ["/inbox", "inbox"],
  ["/settings", "settings"],
  ["/data-access", "dataAccess"],
];

function initialLanguage(): Language {
  const saved = localStorage.getItem("language");
  return saved === "en" || saved === "th" ? saved : "th";
}

type ShellProps = { updateReady: boolean; applyUpdate: () => void };

export function App(props: ShellProps) {
  return (
    <LocationProvider scope={IN_APP}>
      <Shell {...props} />
    </LocationProvider>
  );
}

function Shell({ updateReady, applyUpdate }: ShellProps) {
  const location = useLocation();
  const { path } = location;
  const [language, setLanguageState] = useState<Language>(initialLanguage);
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [unread, setUnread] = useState(0);
  const { t, tr } = words(language);

  useEffect(() => {
    request("GET", "/api/v1/me").then(
      ({ data }) => {
        setCsrfToken(data.csrf_token);
        setMe(data);
      },
      () => setMe(null),
    );
  }, []);

  useEffect(() => {
    document.documentElement.lang = language;
    document.title = `${t("appName")}`;
  }, [language]);

  const refreshUnread = useCallback(() => {
    request("GET", "/api/v1/inbox/unread-count").then(
      ({ data }) => setUnread(data.unread),
      () => null,
    );
  }, []);
  useEffect(() => {
    if (me) refreshUnread();
  }, [me, path]);

  // preact-iso follows links to the app's own screens by itself, and scrolls to the top of each screen
  // opened; `navigate` is for the app's own moves (after sending a form, opening a tile).
  const navigate = useCallback((to: string) => location.route(to), [location.route]);
  const arrived = () => {
    // A screen opened by a link or by the app (not by Back): reading starts at its content.
    if ((location as { wasPush?: boolean }).wasPush !== false) document.getElementById("main")?.focus();
  };

  function setLanguage(choice: Language) {
    localStorage.setItem("language", choice);
    setLanguageState(choice);
  }

  async function logOut() {
    const result = await request("POST", "/auth/logout").catch(() => null);
    // What this browser kept of the citizen's data goes with the session.
    if ("caches" in window) await caches.delete("seen-data");
    window.location.assign(result?.data.end_session_url ?? "/");
  }

  return (
    <AppContext.Provider value={{ me: me ?? null, language, setLanguage, navigate, unread, refreshUnread }}>
      <a class="skip" href="#main">
        {t("skip")}
      </a>
      <header class="top">
        <a class="brand" href="/">
          {t("appName")}
        </a>
        <button
          type="button"
          class="language"
          lang={OTHER[language]}
          onClick={() => setLanguage(OTHER[language])}
        >
          {tr({ th: "English", en: "ไทย" })}
        </button>
        {me && me.roles.length > 0 && (
          <a class="console-link" href="/console">
            {t("staffConsole")}
          </a>
        )}
        {me && (
          <button type="button" class="logout" onClick={logOut}>
            {t("logOut")}
          </button>
        )}
      </header>
      {updateReady && (
        <div class="notice update" role="status">
          {t("updateReady")}{" "}
          <button type="button" onClick={applyUpdate}>
            {t("update")}
          </button>
        </div>
      )}
      <main id="main" tabIndex={-1}>
        {me === undefined ? <p role="status">{t("loading")}</p> : <Screens onRouteChange={arrived} />}
      </main>
      {me && (
        <nav class="bottom" aria-label={t("appName")}>
          <ul>
            {NAV.map(([to, key]) => (
              <li key={to}>
                <a href={to} aria-current={path === to ? "page" : undefined}>
                  {t(key)}
                  {to === "/inbox" && unread > 0 && (
                    <span class="badge-count" aria-label={`${unread} ${t("unread")}`}>
                      {unread}
                    </span>
                  )}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      )}
    </AppContext.Provider>
  );
}
