// A session or push device in words ("Chrome บน Android"), from what the server's user-agent parser
// (ua-parser, backend/core/user_agents.py) found in its User-Agent header; never the header itself.
import type { Schema } from "../api";
import { formatDate, formatTime, type Language, tr } from "../i18n";

type DeviceWords = Schema<"DeviceWords">;

export function deviceName(language: Language, words: DeviceWords): string {
  const { browser, os, device } = words;
  const system = device ? (os ? `${os} (${device})` : device) : os;
  if (browser && system) return tr(language, { th: `${browser} บน ${system}`, en: `${browser} on ${system}` });
  if (browser || system) return browser || system;
  return tr(language, { th: "เบราว์เซอร์ที่ระบบไม่รู้จัก", en: "A browser the app does not recognise" });
}

/** "21:15" today, else the date and time: when a session was last used or a device last reached. */
export function when(language: Language, value: string, now = new Date()): string {
  const day = (date: Date) => new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Bangkok" }).format(date);
  return day(new Date(value)) === day(now) ? formatTime(language, value) : formatDate(language, value, true);
}
