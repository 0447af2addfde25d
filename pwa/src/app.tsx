// The shell: header (language, staff console, log out), the "update" prompt, the screen for the
// address (routes.tsx), help and contact at the foot of every screen, the bottom navigation (four
// destinations and "more", with the unread badge) and the warning before an idle session ends. While
// acting for someone, a banner in another colour names them on every screen, and the menus offer only
// the screens their grant opens.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { LocationProvider, useLocation } from "preact-iso";

import { labelWhileActing, startActing, useActing, openWhileActing } from "./acting";
import { AssistedClock } from "./assisted-clock";
import { onActingEnded, request, setCsrfToken } from "./api";
import { type Key, type Language, OTHER, pick, words } from "./i18n";
import { IdleWarning, SessionEnded, setSessionIdleSeconds } from "./idle";
import { IN_APP, Screens } from "./routes";
import { App as AppContext, type Me } from "./state";
import { Icon, type IconName } from "./ui/icons";

type Destination = [path: string, label: Key, icon: IconName];

/** The bottom bar: at most five items, the fifth being "more". */
export const BAR: Destination[] = [
  ["/", "home", "home"],
  ["/entitlements", "entitlements", "entitlements"],
  ["/bills", "bills", "bills"],
  ["/inbox", "inbox", "inbox"],
];
/** Under "more" (เพิ่มเติม), with the staff console for staff and "log out". */
export const MORE: Destination[] = [
  ["/applications", "myApplications", "applications"],
  ["/wallet", "myDocuments", "documents"],
  ["/settings", "settings", "settings"],
  ["/data-access", "dataAccess", "dataAccess"],
  ["/help", "help", "help"],
];

/** Whether `path` is at or under the destination `to` ("/" only itself). */
export function isAt(path: string, to: string): boolean {
  return to === "/" ? path === "/" : path === to || path.startsWith(`${to}/`);
}

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
  const [moreOpen, setMoreOpen] = useState(false);
  const [ended, setEnded] = useState(false);
  const moreButton = useRef<HTMLButtonElement>(null);
  const { t, tr } = words(language);
  const acting = useActing();
  /** Whose grant just stopped holding (the API said so): said once, in a notice. */
  const [actingEnded, setActingEnded] = useState<string | null>(null);
  const bar = acting ? BAR.filter(([to]) => openWhileActing(to, acting)) : BAR;
  const more = acting ? MORE.filter(([to]) => openWhileActing(to, acting)) : MORE;

  useEffect(() => {
    document.documentElement.classList.toggle("acting", acting !== null);
  }, [acting]);

  useEffect(() => setMoreOpen(false), [path]);
  useEffect(() => {
    if (!moreOpen) return;
    const close = (event: KeyboardEvent) => {
      if (event.key === "Escape") {
        setMoreOpen(false);
        moreButton.current?.focus();
      }
    };
    document.addEventListener("keydown", close);
    return () => document.removeEventListener("keydown", close);
  }, [moreOpen]);

  useEffect(() => {
    request("GET", "/api/v1/me").then(
      ({ data }) => {
        setCsrfToken(data.csrf_token);
        setSessionIdleSeconds(data.session_idle_seconds);
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
  useEffect(
    () =>
      onActingEnded(() => {
        const was = acting;
        if (!was) return;
        setActingEnded(pick(language, was, "name"));
        startActing(null);
        navigate("/"); // the screen of theirs it was on would show its refusal: start again from home
      }),
    [acting, language, navigate],
  );
  const arrived = () => {
    // A screen opened by a link or by the app (not by Back): reading starts at its content.
    if ((location as { wasPush?: boolean }).wasPush !== false) document.getElementById("main")?.focus();
  };

  function setLanguage(choice: Language) {
    localStorage.setItem("language", choice);
    setLanguageState(choice);
  }

  /** The session was idle for too long: log out here too (and delete what this browser kept), and say so. */
  async function endIdleSession() {
    setEnded(true);
    await request("POST", "/auth/logout").catch(() => null);
    if ("caches" in window) await caches.delete("seen-data").catch(() => false);
    setMe(null);
  }

  async function logOut() {
    startActing(null);
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
        {me && !acting && me.roles.length > 0 && (
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
      {me && acting && (
        <div class="acting-banner" role="region" aria-label={tr({ th: "กำลังทำแทน", en: "Acting for someone" })}>
          <p>
            {tr({ th: "คุณกำลังทำแทน", en: "You are acting for" })}{" "}
            <strong>{pick(language, acting, "name")}</strong>
          </p>
          <AssistedClock acting={acting} />
          <button
            type="button"
            onClick={() => {
              startActing(null);
              navigate(acting.ends_at ? "/console" : "/settings");
            }}
          >
            {tr({ th: "กลับเป็นตัวเอง", en: "Back to my own" })}
          </button>
        </div>
      )}
      {actingEnded && (
        <div class="notice error" role="alert">
          {tr({
            th: `คุณไม่ได้ทำแทน ${actingEnded} แล้ว สิทธิ์ถูกยกเลิกหรือหมดอายุ ตอนนี้แอปแสดงข้อมูลของคุณเอง`,
            en: `You no longer act for ${actingEnded}: it was ended or has expired. The app now shows your own.`,
          })}{" "}
          <button type="button" onClick={() => setActingEnded(null)}>
            {tr({ th: "ปิด", en: "Close" })}
          </button>
        </div>
      )}
      {updateReady && (
        <div class="notice update" role="status">
          {t("updateReady")}{" "}
          <button type="button" onClick={applyUpdate}>
            {t("update")}
          </button>
        </div>
      )}
      <main id="main" tabIndex={-1}>
        {me === undefined ? <p role="status" class="loading">{t("loading")}</p> : <Screens onRouteChange={arrived} />}
        <footer class="site-footer">
          <nav aria-label={t("helpAndContact")}>
            <ul>
              <li>
                <a href="/help" aria-current={path === "/help" ? "page" : undefined}>
                  <Icon name="help" /> {t("helpAndContact")}
                </a>
              </li>
              <li>
                <a href="tel:1111">
                  <Icon name="phone" /> {t("call1111")}
                </a>
              </li>
              {me && !acting && (
                <li>
                  <a href="/data-access" aria-current={path === "/data-access" ? "page" : undefined}>
                    <Icon name="dataAccess" /> {t("dataAccess")}
                  </a>
                </li>
              )}
            </ul>
          </nav>
        </footer>
      </main>
      {me && (
        <nav class="bottom" aria-label={t("mainMenu")}>
          {moreOpen && (
            <div
              id="more-menu"
              class="more-menu"
              onClick={(event) => {
                if ((event.target as Element).closest("a")) setMoreOpen(false);
              }}
            >
              <ul>
                {more.map(([to, key, icon]) => (
                  <li key={to}>
                    <a href={to} aria-current={isAt(path, to) ? "page" : undefined}>
                      <Icon name={icon} /> {t(labelWhileActing(to, key, acting))}
                    </a>
                  </li>
                ))}
                {!acting && me.roles.length > 0 && (
                  <li>
                    <a href="/console" aria-current={isAt(path, "/console") ? "page" : undefined}>
                      <Icon name="console" /> {t("staffConsole")}
                    </a>
                  </li>
                )}
                <li>
                  <button type="button" class="menu-logout" onClick={logOut}>
                    <Icon name="logOut" /> {t("logOut")}
                  </button>
                </li>
              </ul>
            </div>
          )}
          <ul class="bar">
            {bar.map(([to, key, icon]) => (
              <li key={to}>
                <a href={to} aria-current={isAt(path, to) ? "page" : undefined}>
                  <span class="nav-icon">
                    <Icon name={icon} />
                    {to === "/inbox" && unread > 0 && (
                      <span class="badge-count" aria-hidden="true">
                        {unread > 99 ? "99+" : unread}
                      </span>
                    )}
                  </span>
                  <span class="nav-label">{t(key)}</span>
                  {to === "/inbox" && unread > 0 && <span class="visually-hidden">{` (${unread} ${t("unread")})`}</span>}
                </a>
              </li>
            ))}
            <li>
              <button
                ref={moreButton}
                type="button"
                class={MORE.some(([to]) => isAt(path, to)) || isAt(path, "/console") ? "more current" : "more"}
                aria-expanded={moreOpen}
                aria-controls="more-menu"
                onClick={() => setMoreOpen(!moreOpen)}
              >
                <span class="nav-icon">
                  <Icon name="more" />
                </span>
                <span class="nav-label">{t("more")}</span>
              </button>
            </li>
          </ul>
        </nav>
      )}
      {me && !ended && <IdleWarning onEnd={endIdleSession} />}
      {ended && <SessionEnded path={path} />}
    </AppContext.Provider>
  );
}
