import { describe, expect, it } from "vitest";

import { sameOriginLink } from "./links";
import { httpsHost } from "./ui/leaving";
import pushHandler from "../public/push-handler.js?raw";

const ORIGIN = "https://app.example";
// Each of these passed a "starts with /" check; each resolves to another origin in a browser.
const HOSTILE = [
  "//evil.example/x",
  "/\\evil.example",
  "\\\\evil.example",
  "/\t/evil.example",
  "/\n/evil.example",
  "/\r\n/evil.example",
  "\t//evil.example",
  " //evil.example",
  "///evil.example",
  "/\\/evil.example",
  "https://evil.example/",
  "javascript:alert(1)",
  "data:text/html,hi",
];
const SAFE = ["/bills", "/receipts/7?print=1#top", "/inbox", "/%5cevil.example"];

describe("sameOriginLink", () => {
  it("refuses every link that would leave this origin", () => {
    for (const url of HOSTILE) expect(sameOriginLink(url, ORIGIN), JSON.stringify(url)).toBeNull();
    expect(sameOriginLink(null, ORIGIN)).toBeNull();
  });

  it("resolves paths of this origin to absolute URLs on it (an encoded backslash is only a path)", () => {
    for (const url of SAFE) expect(new URL(sameOriginLink(url, ORIGIN) ?? "").origin).toBe(ORIGIN);
    expect(sameOriginLink("/bills", ORIGIN)).toBe(`${ORIGIN}/bills`);
  });
});

/** The service worker's push handler, run with a stand-in for `self`: where a tap on a push goes. */
async function tapTarget(url: unknown): Promise<string> {
  const listeners: Record<string, (event: unknown) => void> = {};
  const opened: string[] = [];
  const self = {
    location: { origin: ORIGIN },
    addEventListener: (type: string, listener: (event: unknown) => void) => (listeners[type] = listener),
    clients: {
      matchAll: async () => [],
      openWindow: async (target: string) => opened.push(target),
    },
  };
  new Function("self", pushHandler)(self);
  let done: Promise<unknown> = Promise.resolve();
  listeners.notificationclick({
    notification: { close: () => undefined, data: { url } },
    waitUntil: (work: Promise<unknown>) => (done = work),
  });
  await done;
  return opened[0];
}

describe("push-handler.js: a tap on a push", () => {
  it("opens the message's screen on this origin", async () => {
    expect(await tapTarget("/bills")).toBe(`${ORIGIN}/bills`);
    expect(await tapTarget(undefined)).toBe(`${ORIGIN}/inbox`);
  });

  it("opens the inbox instead of any link that would leave this origin", async () => {
    for (const url of HOSTILE) expect(await tapTarget(url), JSON.stringify(url)).toBe(`${ORIGIN}/inbox`);
  });
});

/** The notification the push handler shows for a message, on a phone set to ``language``. */
async function shown(message: unknown, language: string): Promise<{ title: string; body: string }> {
  const listeners: Record<string, (event: unknown) => void> = {};
  const notes: { title: string; body: string }[] = [];
  const self = {
    navigator: { language },
    location: { origin: ORIGIN },
    addEventListener: (type: string, listener: (event: unknown) => void) => (listeners[type] = listener),
    registration: {
      showNotification: async (title: string, options: { body: string }) => notes.push({ title, body: options.body }),
    },
  };
  new Function("self", pushHandler)(self);
  let done: Promise<unknown> = Promise.resolve();
  listeners.push({ data: { json: () => message }, waitUntil: (work: Promise<unknown>) => (done = work) });
  await done;
  return notes[0];
}

describe("push-handler.js: what a push shows", () => {
  const message = {
    title_th: "เบี้ยยังชีพเข้าบัญชีแล้ว", title_en: "Allowance paid", body_th: "โอนแล้ว 600 บาท",
    body_en: "600 baht paid", code: "K7Q2M9X4T1B8W3ZP", url: "/inbox",
  };

  it("ends the text with the message's verification code, grouped as printed, in Thai", async () => {
    expect(await shown(message, "th-TH")).toEqual({
      title: "เบี้ยยังชีพเข้าบัญชีแล้ว", body: "โอนแล้ว 600 บาท\nรหัสตรวจสอบ: K7Q2-M9X4-T1B8-W3ZP",
    });
    expect((await shown(message, "en-GB")).body).toBe("600 baht paid\nVerification code: K7Q2-M9X4-T1B8-W3ZP");
  });

  it("shows the text alone for a message without a code, and the app's name for an unreadable push", async () => {
    expect((await shown({ ...message, code: undefined }, "th")).body).toBe("โอนแล้ว 600 บาท");
    expect(await shown("not an object", "th")).toEqual({ title: "ทางรัฐ", body: "" });
  });
});

describe("httpsHost (what the leaving notice offers to continue to)", () => {
  it("names the host of a plain https address and offers nothing else", () => {
    expect(httpsHost("https://www.dsdw.go.th/grant?y=2569")).toBe("www.dsdw.go.th");
    for (const url of ["javascript:alert(1)", "data:text/html,hi", "http://dsdw.go.th/", "https://user@evil.example/", "/inbox", ""])
      expect(httpsHost(url), url).toBeNull();
  });

  it("shows an IDN look-alike in its punycode form, never as the letters it imitates", () => {
    expect(httpsHost("https://dsdw.g\u043e.th/")).toBe("dsdw.xn--g-1tb.th");
  });
});
