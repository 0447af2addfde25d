// Acting for someone (docs/delegation.md): whose data the app shows, kept for this tab (sessionStorage)
// so a reload stays in it. The server checks the grant on every request; this only says which grant the
// app names (api/index.ts) and which screens the grant's scopes open.
import { useEffect, useState } from "preact/hooks";

import { setActingFor } from "./api";
import type { Bilingual, Key } from "./i18n";

export interface Acting {
  id: string;
  name_th: string;
  name_en: string;
  scopes: string[];
  /** Counter staff helping under an assisted grant: when the hour is up (the banner counts down). */
  ends_at?: string;
}

const KEY = "acting-for";
const listeners = new Set<() => void>();

function read(): Acting | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Acting) : null;
  } catch {
    return null;
  }
}

let current: Acting | null = read();
setActingFor(current?.id ?? null);

/** Start acting for someone under their grant, or (null) go back to being oneself. */
export function startActing(next: Acting | null): void {
  current = next;
  if (next) sessionStorage.setItem(KEY, JSON.stringify(next));
  else sessionStorage.removeItem(KEY);
  setActingFor(next?.id ?? null);
  for (const listener of listeners) listener();
}

export function useActing(): Acting | null {
  const [, changed] = useState(0);
  useEffect(() => {
    const listener = () => changed((count) => count + 1);
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);
  return current;
}

/** The screens that show someone's own data, by the scope that opens them. */
const SCREEN_SCOPES: Record<string, string> = {
  "/entitlements": "entitlements",
  "/bills": "bills",
  "/inbox": "messages",
  "/applications": "applications",
  "/programmes": "applications",
  "/wallet": "documents",
};
/** Open to a delegate whatever was granted: nothing of the other person's is on them. */
const ALWAYS = new Set(["/", "/settings", "/help"]);

/** Whether a destination of the menus is shown while acting under `acting`. */
export function openWhileActing(path: string, acting: Acting): boolean {
  const scope = SCREEN_SCOPES[path];
  return scope === undefined ? ALWAYS.has(path) : acting.scopes.includes(scope);
}

/** A menu item's words while acting: Settings stays the person's own (their language, devices, who
 * acts for them), so it says so rather than sit under "you are acting for …" as if it were theirs. */
export function labelWhileActing(path: string, key: Key, acting: Acting | null): Key {
  return acting && path === "/settings" ? "ownSettings" : key;
}

/** Said at the top of Settings while acting: whose settings these are, and whose they are not. */
export function ownSettingsNote(acting: Acting): Bilingual {
  return {
    th: `หน้านี้เป็นการตั้งค่าของคุณเอง ไม่ใช่ของ ${acting.name_th} การเปลี่ยนแปลงที่นี่มีผลกับคุณเท่านั้น`,
    en: `These are your own settings, not ${acting.name_en}'s: what you change here changes only yours.`,
  };
}
