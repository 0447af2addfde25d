// @vitest-environment happy-dom
import { render } from "preact";
import { LocationProvider } from "preact-iso";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { IN_APP, Screens } from "./routes";
import { App, type AppState } from "./state";

const LOGGED_OUT: AppState = {
  me: null,
  language: "en",
  setLanguage: () => undefined,
  navigate: () => undefined,
  unread: 0,
  refreshUnread: () => undefined,
};

const opened: HTMLElement[] = [];

async function open(path: string): Promise<HTMLElement> {
  history.replaceState(null, "", path);
  const host = document.createElement("main");
  opened.push(host);
  render(
    <App.Provider value={LOGGED_OUT}>
      <LocationProvider>
        <Screens onRouteChange={() => undefined} />
      </LocationProvider>
    </App.Provider>,
    host,
  );
  await new Promise((resolve) => setTimeout(resolve, 0));
  return host;
}

describe("routes", () => {
  beforeEach(() => vi.stubGlobal("fetch", () => new Promise(() => undefined))); // every load still on its way
  afterEach(() => {
    for (const host of opened.splice(0)) render(null, host);
    vi.unstubAllGlobals();
  });

  it("shows the home screen at /, and page-not-found with links home and to help elsewhere", async () => {
    expect((await open("/")).querySelector("#home-title")).not.toBeNull();
    for (const path of ["/no-such-screen", "/bills/extra", "/billsx"]) {
      const screen = await open(path);
      expect(screen.querySelector("#home-title"), path).toBeNull();
      expect(screen.querySelector("#not-found-title")?.textContent, path).toBe("Page not found");
      expect(screen.querySelector("a[href='/']"), path).not.toBeNull();
      expect(screen.querySelector("a[href='/help']"), path).not.toBeNull();
    }
  });

  it("shows page-not-found for an id of the wrong shape", async () => {
    expect((await open("/apply/not-a-number")).querySelector("#not-found-title")).not.toBeNull();
    expect((await open("/applications/123")).querySelector("#not-found-title")).not.toBeNull();
  });

  it("shows help, with the contact centre 1111, to anyone", async () => {
    const help = await open("/help");
    expect(help.querySelector("#help-title")?.textContent).toBe("Help and contact");
    expect(help.querySelector("a[href='tel:1111']")).not.toBeNull();
    expect(help.querySelector("#payment-help")).not.toBeNull();
    expect(help.querySelector("#message-help")).not.toBeNull();
    expect(help.querySelector("#report-help")).not.toBeNull();
  });

  it("asks a logged-out visitor to log in on a citizen's screen, and comes back to it", async () => {
    // A service's start page (/apply/12) is for anyone; its form and "check your answers" need a login.
    for (const path of ["/bills", "/inbox", "/console", "/wallet", "/apply/12/form", "/apply/12/check", "/applications"]) {
      const login = (await open(path)).querySelector<HTMLAnchorElement>("a.button.primary");
      expect(login?.getAttribute("href"), path).toBe(`/auth/login?next=${encodeURIComponent(path)}`);
    }
  });

  it("opens a shared document and verification for anyone", async () => {
    for (const path of ["/shared/abc_DEF-1", "/verify", "/verify/K7QF-9M2X"]) {
      const screen = await open(path);
      expect(screen.querySelector("#home-title"), path).toBeNull();
      expect(screen.querySelector("a[href^='/auth/login']"), path).toBeNull();
    }
  });
});

describe("IN_APP: the links the app follows itself", () => {
  it("takes its own screens and leaves the server's pages to the browser", () => {
    for (const href of ["/", "/bills", "/inbox?x=1", "/applications/abc", "/verify", "/console", "/wallet/x", "/help"]) {
      expect(IN_APP.test(href), href).toBe(true);
    }
    for (const href of ["/receipts/1", "/auth/login?next=/", "/api/v1/documents/signing-keys", "/demo-bank", "/billsx", "/helpdesk"]) {
      expect(IN_APP.test(href), href).toBe(false);
    }
  });
});
