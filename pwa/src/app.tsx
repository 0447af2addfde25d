import { useCallback, useEffect, useState } from "preact/hooks";

import { get, send, setCsrfToken } from "./api";
import { type Language, translate } from "./i18n";
import { Bills } from "./screens/bills";
import { DataAccess } from "./screens/data-access";
import { Entitlements } from "./screens/entitlements";
import { Home } from "./screens/home";
import { Inbox } from "./screens/inbox";
import { Settings } from "./screens/settings";
import { App as AppContext, type Me, useApp } from "./state";

/** The staff consoles, fetched only when a staff member opens them. */
function ConsoleScreen() {
  const { t } = useApp();
  const [Console, setConsole] = useState<(() => preact.JSX.Element) | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    import("./console/console").then(
      (module) => setConsole(() => module.Console),
      () => setFailed(true),
    );
  }, []);
  if (failed) return <p role="alert">{t("consoleFailed")}</p>;
  return Console ? <Console /> : <p role="status">{t("loading")}</p>;
}

type Routed = (props: { param: string }) => preact.JSX.Element;

/** A citizen screen fetched the first time it is opened, so that the first load stays small. */
function lazyScreen(load: () => Promise<Routed>): Routed {
  let loaded: Routed | null = null;
  return function LazyScreen(props: { param: string }) {
    const { t } = useApp();
    const [Screen, setScreen] = useState<Routed | null>(() => loaded);
    const [failed, setFailed] = useState(false);
    const [attempt, setAttempt] = useState(0);
    useEffect(() => {
      if (loaded) return;
      load().then(
        (screen) => {
          loaded = screen;
          setScreen(() => screen);
        },
        () => setFailed(true),
      );
    }, [attempt]);
    if (failed) {
      return (
        <div class="notice error" role="alert">
          <p>{t("screenFailed")}</p>
          <button
            type="button"
            onClick={() => {
              setFailed(false);
              setAttempt((n) => n + 1);
            }}
          >
            {t("retry")}
          </button>
        </div>
      );
    }
    return Screen ? <Screen {...props} /> : <p role="status">{t("loading")}</p>;
  };
}

const Apply = lazyScreen(() => import("./screens/apply").then((module) => module.Apply));
const MyApplications = lazyScreen(() => import("./screens/applications").then((module) => module.Applications));
const ApplicationDetail = lazyScreen(() => import("./screens/applications").then((module) => module.ApplicationDetail));
const Wallet = lazyScreen(() => import("./screens/wallet").then((module) => module.Wallet));
const DocumentScreen = lazyScreen(() => import("./screens/wallet").then((module) => module.DocumentScreen));
const Shared = lazyScreen(() => import("./screens/shared").then((module) => module.Shared));
const Verify = lazyScreen(() => import("./screens/verify").then((module) => module.Verify));

/** Screens whose address carries an id: pattern (the id is its first group), screen, needs a login.
 * The public ones (a shared document, verification) are for anyone a citizen shows a document to. */
const ROUTES: [RegExp, Routed, boolean][] = [
  [/^\/apply\/(\d{1,18})$/, Apply, true],
  [/^\/applications$/, MyApplications, true],
  [/^\/applications\/([0-9a-f-]{36})$/, ApplicationDetail, true],
  [/^\/wallet$/, Wallet, true],
  [/^\/wallet\/([0-9a-f-]{36})$/, DocumentScreen, true],
  [/^\/shared\/([A-Za-z0-9_-]{1,100})$/, Shared, false],
  [/^\/verify(?:\/([A-Za-z0-9-]{1,40}))?$/, Verify, false],
];

const SCREENS: Record<string, Routed> = {
  "/console": ConsoleScreen,
  "/": Home,
  "/entitlements": Entitlements,
  "/bills": Bills,
  "/inbox": Inbox,
  "/settings": Settings,
  "/data-access": DataAccess,
};
const NEEDS_LOGIN = new Set(["/entitlements", "/bills", "/inbox", "/settings", "/data-access", "/console"]);
const NAV: [string, Parameters<typeof translate>[1]][] = [
  ["/", "home"],
  ["/entitlements", "entitlements"],
  ["/bills", "bills"],
  ["/inbox", "inbox"],
  ["/settings", "settings"],
  ["/data-access", "dataAccess"],
];

function route(path: string): { Screen: Routed; param: string; needsLogin: boolean } {
  const exact = SCREENS[path];
  if (exact) return { Screen: exact, param: "", needsLogin: NEEDS_LOGIN.has(path) };
  for (const [pattern, Screen, needsLogin] of ROUTES) {
    const found = pattern.exec(path);
    if (found) return { Screen, param: found[1] ?? "", needsLogin };
  }
  return { Screen: Home, param: "", needsLogin: false };
}

function initialLanguage(): Language {
  const saved = localStorage.getItem("language");
  return saved === "en" || saved === "th" ? saved : "th";
}

export function App({ updateReady, applyUpdate }: { updateReady: boolean; applyUpdate: () => void }) {
  const [path, setPath] = useState(window.location.pathname);
  const [language, setLanguageState] = useState<Language>(initialLanguage);
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [unread, setUnread] = useState(0);
  const t = (key: Parameters<typeof translate>[1]) => translate(language, key);

  useEffect(() => {
    get<Me>("/api/v1/me").then(
      ({ data }) => {
        setCsrfToken(data.csrf_token);
        setMe(data);
      },
      () => setMe(null),
    );
    const onPop = () => setPath(window.location.pathname);
    window.addEventListener("popstate", onPop);
    return () => window.removeEventListener("popstate", onPop);
  }, []);

  useEffect(() => {
    document.documentElement.lang = language;
    document.title = `${translate(language, "appName")}`;
  }, [language]);

  const refreshUnread = useCallback(() => {
    get<{ unread: number }>("/api/v1/inbox/unread-count").then(
      ({ data }) => setUnread(data.unread),
      () => null,
    );
  }, []);
  useEffect(() => {
    if (me) refreshUnread();
  }, [me, path]);

  const navigate = useCallback((to: string) => {
    window.history.pushState(null, "", to);
    setPath(new URL(to, window.location.origin).pathname);
    window.scrollTo(0, 0);
    document.getElementById("main")?.focus();
  }, []);

  function setLanguage(choice: Language) {
    localStorage.setItem("language", choice);
    setLanguageState(choice);
  }

  async function logOut() {
    const result = await send<{ end_session_url: string | null }>("POST", "/auth/logout").catch(() => null);
    // What this browser kept of the citizen's data goes with the session.
    if ("caches" in window) await caches.delete("seen-data");
    window.location.assign(result?.end_session_url ?? "/");
  }

  const { Screen, param, needsLogin } = route(path);
  const mustLogIn = me === null && needsLogin;

  return (
    <AppContext.Provider value={{ me: me ?? null, language, setLanguage, navigate, unread, refreshUnread }}>
      <a class="skip" href="#main">
        {t("skip")}
      </a>
      <header class="top">
        <a
          class="brand"
          href="/"
          onClick={(event) => {
            event.preventDefault();
            navigate("/");
          }}
        >
          {t("appName")}
        </a>
        <button
          type="button"
          class="language"
          lang={language === "th" ? "en" : "th"}
          onClick={() => setLanguage(language === "th" ? "en" : "th")}
        >
          {language === "th" ? "English" : "ไทย"}
        </button>
        {me && me.roles.length > 0 && (
          <a
            class="console-link"
            href="/console"
            onClick={(event) => {
              event.preventDefault();
              navigate("/console");
            }}
          >
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
        {me === undefined ? (
          <p role="status">{t("loading")}</p>
        ) : mustLogIn ? (
          <p>
            <a class="button primary" href={`/auth/login?next=${encodeURIComponent(path)}`}>
              {t("logIn")}
            </a>
          </p>
        ) : (
          <Screen key={path} param={param} />
        )}
      </main>
      {me && (
        <nav class="bottom" aria-label={t("appName")}>
          <ul>
            {NAV.map(([to, key]) => (
              <li key={to}>
                <a
                  href={to}
                  aria-current={path === to ? "page" : undefined}
                  onClick={(event) => {
                    event.preventDefault();
                    navigate(to);
                  }}
                >
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
