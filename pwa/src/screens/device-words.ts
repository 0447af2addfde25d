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

/** When a device last received a notification. The server writes a success at most once an hour (a busy
 * device's row is not rewritten for every push), so a time within the last hour is said as such. */
export function lastReceived(language: Language, value: string, now = new Date()): string {
  if (now.getTime() - new Date(value).getTime() < 60 * 60 * 1000) {
    return tr(language, { th: "ได้รับล่าสุดภายในชั่วโมงที่ผ่านมา", en: "Last received within the last hour" });
  }
  return `${tr(language, { th: "ได้รับล่าสุด", en: "Last received" })} ${when(language, value, now)}`;
}
