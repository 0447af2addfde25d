// Which screen each address shows, routed by preact-iso (its LocationProvider in app.tsx). The server
// serves the app at each of these paths (backend/server/pwa_shell.py, SCREENS; /help from the copy of the
// index page the build puts at dist/help/index.html); an address the app does not know, or an id of the
// wrong shape, shows "page not found" with links home and to help.
import type { ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";
import { Route, Router, useLocation } from "preact-iso";

import { Bills } from "./screens/bills";
import { Help, NotFound } from "./screens/help";
import { Home } from "./screens/home";
import { Inbox } from "./screens/inbox";
import { useApp } from "./state";

/** The addresses of the app's own screens: links to them are followed without a reload (preact-iso
 * intercepts the click); any other link on this origin (a receipt page, a login) loads as usual. */
export const IN_APP =
  /^\/(?:$|[?#]|(?:entitlements|bills|inbox|settings|data-access|console|applications|wallet|verify|verify-message|m|leave|apply|shared|help|programmes|login-problem)(?:[/?#]|$))/;

type ScreenProps = { param: string };
type Screen = ComponentType<ScreenProps>;

/**
 * A screen fetched the first time it is opened, so that the first load stays small. Not preact-iso's
 * `lazy`: that one keeps the previous screen up while a chunk loads and cannot try a failed chunk
 * again; this one says "loading" and, when the network fails, offers to try again.
 */
function lazyScreen(load: () => Promise<Screen>, failedKey: "screenFailed" | "consoleFailed" = "screenFailed"): Screen {
  let loaded: Screen | null = null;
  return function LazyScreen(props: ScreenProps) {
    const { t } = useApp();
    const [Loaded, setLoaded] = useState<Screen | null>(() => loaded);
    const [failed, setFailed] = useState(false);
    const [attempt, setAttempt] = useState(0);
    useEffect(() => {
      if (loaded) return;
      load().then(
        (screen) => {
          loaded = screen;
          setLoaded(() => screen);
        },
        () => setFailed(true),
      );
    }, [attempt]);
    if (failed && failedKey === "consoleFailed") return <p role="alert">{t("consoleFailed")}</p>;
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
    return Loaded ? <Loaded {...props} /> : <p role="status" class="loading">{t("loading")}</p>;
  };
}

function LogIn({ path }: { path: string }) {
  const { t } = useApp();
  return (
    <p>
      <a class="button primary" href={`/auth/login?next=${encodeURIComponent(path)}`}>
        {t("logIn")}
      </a>
    </p>
  );
}

/**
 * A route's component: the id in the address checked against its shape (else "page not found"), a
 * login asked for where the screen needs one, and the screen drawn afresh for each address. The
 * public ones (a shared document, verification) are for anyone a citizen shows a document to.
 */
function screen(Shown: Screen, { login = false, id }: { login?: boolean; id?: RegExp } = {}) {
  return function Routed({ params }: { params?: Record<string, string | undefined> }) {
    const { me } = useApp();
    const { path } = useLocation();
    const param = params?.id ?? "";
    if (id && param && !id.test(param)) return <NotFound />;
    if (login && me === null) return <LogIn path={path} />;
    return <Shown key={path} param={param} />;
  };
}

const HOME = screen(Home);
/** Entitlements, consent and who accessed my data: fetched when opened, off the first load. */
const ENTITLEMENTS = screen(
  lazyScreen(() => import("./screens/entitlements").then((module) => module.Entitlements)),
  { login: true },
);
const CONSENT = screen(
  lazyScreen(() => import("./screens/consent").then((module) => module.Consent)),
  { login: true, id: /^\d{1,18}$/ },
);
const BILLS = screen(Bills, { login: true });
const INBOX = screen(Inbox, { login: true });
/** Settings (notifications, devices, sessions): fetched when opened, off the first load. */
const SETTINGS = screen(
  lazyScreen(() => import("./screens/settings").then((module) => module.Settings)),
  { login: true },
);
const DATA_ACCESS = screen(
  lazyScreen(() => import("./screens/data-access").then((module) => module.DataAccess)),
  { login: true },
);
const HELP = screen(Help);
const NOT_FOUND = screen(NotFound);
/** The staff consoles, fetched only when a staff member opens them. */
const CONSOLE = screen(
  lazyScreen(() => import("./console/console").then((module) => module.Console), "consoleFailed"),
  { login: true },
);
/** Applying: the service's start page (for anyone, before login), its form, "check your answers". */
const APPLY_START = screen(
  lazyScreen(() => import("./screens/apply").then((module) => module.StartPage)),
  { id: /^\d{1,18}$/ },
);
const APPLY = screen(
  lazyScreen(() => import("./screens/apply").then((module) => module.Apply)),
  { login: true, id: /^\d{1,18}$/ },
);
const APPLY_CHECK = screen(
  lazyScreen(() => import("./screens/apply").then((module) => module.CheckAnswers)),
  { login: true, id: /^\d{1,18}$/ },
);
const APPLICATIONS = screen(
  lazyScreen(() => import("./screens/applications").then((module) => module.Applications)),
  { login: true },
);
const APPLICATION = screen(
  lazyScreen(() => import("./screens/applications").then((module) => module.ApplicationDetail)),
  { login: true, id: /^[0-9a-f-]{36}$/ },
);
const WALLET = screen(lazyScreen(() => import("./screens/wallet").then((module) => module.Wallet)), { login: true });
const DOCUMENT = screen(
  lazyScreen(() => import("./screens/wallet").then((module) => module.DocumentScreen)),
  { login: true, id: /^[0-9a-f-]{36}$/ },
);
const SHARED = screen(
  lazyScreen(() => import("./screens/shared").then((module) => module.Shared)),
  { id: /^[A-Za-z0-9_-]{1,100}$/ },
);
const VERIFY = screen(
  lazyScreen(() => import("./screens/verify").then((module) => module.Verify)),
  { id: /^[A-Za-z0-9-]{1,40}$/ },
);
/** "Is this message really from the government?": a code typed, an SMS pasted, or a short link followed. */
const VERIFY_MESSAGE = screen(
  lazyScreen(() => import("./screens/verify-message").then((module) => module.VerifyMessage)),
  { id: /^[A-Za-z0-9-]{16,19}$/ },
);
/** The leaving page a link inside a message opens: which agency, where to, before leaving the app. */
const LEAVE = screen(
  lazyScreen(() => import("./screens/leave").then((module) => module.Leave)),
  { id: /^[A-Za-z0-9_-]{4,1000}\.[A-Za-z0-9_-]{22}$/ },
);
/** Programmes open for registration, and one programme's waiting room (docs/waiting-room.md). */
const PROGRAMMES = screen(
  lazyScreen(() => import("./screens/programmes").then((module) => module.Programmes)),
  { login: true },
);
const PROGRAMME = screen(
  lazyScreen(() => import("./screens/programmes").then((module) => module.ProgrammeScreen)),
  { login: true, id: /^[0-9a-f-]{36}$/ },
);
/** A receipt's check, for anyone holding it (its QR leads here). */
const RECEIPT_CHECK = screen(
  lazyScreen(() => import("./screens/receipt-check").then((module) => module.ReceiptCheck)),
  { id: /^[A-Za-z0-9_-]{1,40}$/ },
);

/** Where a browser is sent when a login could not go on: what happened, and when to try again. */
const LOGIN_PROBLEM = screen(
  lazyScreen(() => import("./screens/login-problem").then((module) => module.LoginProblem)),
);

export function Screens({ onRouteChange }: { onRouteChange: () => void }) {
  return (
    <Router onRouteChange={onRouteChange}>
      <Route path="/" component={HOME} />
      <Route path="/entitlements" component={ENTITLEMENTS} />
      <Route path="/entitlements/consent/:id" component={CONSENT} />
      <Route path="/bills" component={BILLS} />
      <Route path="/inbox" component={INBOX} />
      <Route path="/settings" component={SETTINGS} />
      <Route path="/data-access" component={DATA_ACCESS} />
      <Route path="/console" component={CONSOLE} />
      <Route path="/apply/:id" component={APPLY_START} />
      <Route path="/apply/:id/form" component={APPLY} />
      <Route path="/apply/:id/check" component={APPLY_CHECK} />
      <Route path="/applications" component={APPLICATIONS} />
      <Route path="/applications/:id" component={APPLICATION} />
      <Route path="/wallet" component={WALLET} />
      <Route path="/wallet/:id" component={DOCUMENT} />
      <Route path="/shared/:id" component={SHARED} />
      <Route path="/verify/receipt/:id" component={RECEIPT_CHECK} />
      <Route path="/verify/:id?" component={VERIFY} />
      <Route path="/verify-message" component={VERIFY_MESSAGE} />
      <Route path="/m/:id" component={VERIFY_MESSAGE} />
      <Route path="/leave/:id" component={LEAVE} />
      <Route path="/programmes" component={PROGRAMMES} />
      <Route path="/programmes/:id" component={PROGRAMME} />
      <Route path="/help" component={HELP} />
      <Route path="/login-problem" component={LOGIN_PROBLEM} />
      <Route default component={NOT_FOUND} />
    </Router>
  );
}
