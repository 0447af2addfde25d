// Notification settings: pushes on this device, each device with its push health ("ได้รับล่าสุด …")
// and a way to remove it, quiet hours (with the urgent messages that still come explained) and which
// agencies and kinds of message the citizen hears from. Messages always reach the inbox: these settings
// decide only the pushes (notifications/service.py, push_decision).
import { useState } from "preact/hooks";

import { ApiError, request, type Schema } from "../api";
import { type Bilingual, type Key, translate } from "../i18n";
import { useApp, useLoad } from "../state";
import { Loaded } from "../ui/loaded";
import { ErrorNotice } from "../ui/notice";
import { deviceName, lastReceived } from "./device-words";

type Preferences = Schema<"Preferences">;
type Sources = Schema<"NotificationSources">;

function base64UrlToBytes(text: string): Uint8Array<ArrayBuffer> {
  const padded = (text + "=".repeat((4 - (text.length % 4)) % 4)).replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

/** A word of the dictionary in both languages, to be said in whichever the citizen reads then. */
const both = (key: Key): Bilingual => ({ th: translate("th", key), en: translate("en", key) });

function Devices() {
  const { t, tr, language, problem: say } = useApp();
  const [devices, reload] = useLoad("/api/v1/push/subscriptions");
  /** Kept in both languages, so that it follows a change of language. */
  const [said, setSaid] = useState<Bilingual | null>(null);
  const [problem, setProblem] = useState("");

  async function turnOn() {
    // Permission is asked only here, after the citizen's own tap.
    setProblem("");
    if (!("Notification" in window) || !("serviceWorker" in navigator)) return setSaid(both("notificationsBlocked"));
    if ((await Notification.requestPermission()) !== "granted") return setSaid(both("notificationsBlocked"));
    try {
      const { data } = await request("GET", "/api/v1/push/vapid-public-key");
      const registration = await navigator.serviceWorker.ready;
      const subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: base64UrlToBytes(data.public_key),
      });
      const json = subscription.toJSON();
      // As the browser gave them (the API checks the endpoint and both keys are there).
      const body = { endpoint: json.endpoint, keys: json.keys } as Schema<"NewSubscription">;
      await request("POST", "/api/v1/push/subscriptions", { body });
      setSaid(both("notificationsOn"));
      reload();
    } catch (error) {
      if (error instanceof ApiError) setProblem(say(error));
      else setSaid(both("notificationsBlocked"));
    }
  }

  async function remove(id: string, device: Schema<"DeviceWords">) {
    setProblem("");
    try {
      await request("DELETE", "/api/v1/push/subscriptions/{subscription_id}", { path: { subscription_id: id } });
      setSaid({
        th: `จะไม่ส่งการแจ้งเตือนไปที่ ${deviceName("th", device)} อีก`,
        en: `No more notifications go to ${deviceName("en", device)}`,
      });
    } catch (error) {
      if (error instanceof ApiError) setProblem(say(error));
    }
    reload();
  }

  return (
    <section aria-labelledby="devices-title">
      <h3 id="devices-title">{tr({ th: "เครื่องที่รับการแจ้งเตือน", en: "Devices that get notifications" })}</h3>
      <Loaded load={devices} reload={reload}>
        {(items) =>
          items.length === 0 ? (
            <p>{tr({ th: "ยังไม่มีเครื่องที่รับการแจ้งเตือน", en: "No device gets notifications yet" })}</p>
          ) : (
            <ul class="plain devices">
              {items.map((device) => {
                const name = deviceName(language, device.device);
                return (
                  <li key={device.id} class="device">
                    <p>
                      <strong>{name}</strong>
                      <br />
                      {!device.healthy ? (
                        <span class="warn">{t("failing")}</span>
                      ) : device.last_success_at ? (
                        <span class="ok">{lastReceived(language, device.last_success_at)}</span>
                      ) : (
                        <span class="meta">
                          {tr({ th: "ยังไม่มีการแจ้งเตือนส่งไปที่เครื่องนี้", en: "No notification has been sent to it yet" })}
                        </span>
                      )}
                    </p>
                    <button type="button" onClick={() => void remove(device.id, device.device)}>
                      {tr({ th: "นำเครื่องนี้ออก", en: "Remove this device" })}
                      <span class="visually-hidden"> ({name})</span>
                    </button>
                  </li>
                );
              })}
            </ul>
          )
        }
      </Loaded>
      <div class="actions">
        <button type="button" class="primary" onClick={() => void turnOn()}>
          {t("turnOnNotifications")}
        </button>
        <button
          type="button"
          onClick={() => request("POST", "/api/v1/demo/push-device").then(reload, (error: ApiError) => setProblem(say(error)))}
        >
          {t("demoPhone")}
        </button>
      </div>
      <p role="status">{said && tr(said)}</p>
      <ErrorNotice text={problem} />
    </section>
  );
}

const hhmm = (time: string) => time.slice(0, 5);

function PreferencesForm({ saved, sources }: { saved: Preferences; sources: Sources }) {
  const { tr, pick, problem: say } = useApp();
  const [quiet, setQuiet] = useState(saved.quiet_hours != null);
  const [start, setStart] = useState(hhmm(saved.quiet_hours?.start ?? "21:00"));
  const [end, setEnd] = useState(hhmm(saved.quiet_hours?.end ?? "07:00"));
  const [agencies, setAgencies] = useState(new Set(saved.opt_out_agencies ?? []));
  const [categories, setCategories] = useState(new Set(saved.opt_out_categories ?? []));
  const [said, setSaid] = useState(false);
  const [problem, setProblem] = useState("");
  const [busy, setBusy] = useState(false);

  function toggle<T>(set: Set<T>, value: T, receive: boolean): Set<T> {
    const next = new Set(set);
    if (receive) next.delete(value);
    else next.add(value);
    return next;
  }

  async function save(event: Event) {
    event.preventDefault();
    setSaid(false);
    setProblem("");
    if (quiet && start === end) {
      setProblem(tr({ th: "เวลาเริ่มและเวลาสิ้นสุดต้องไม่ใช่เวลาเดียวกัน", en: "The start and end times must differ" }));
      return;
    }
    setBusy(true);
    try {
      await request("PUT", "/api/v1/me/notification-preferences", {
        body: {
          quiet_hours: quiet ? { start: `${start}:00`, end: `${end}:00` } : null,
          timezone: saved.timezone ?? "Asia/Bangkok",
          opt_out_agencies: [...agencies],
          opt_out_categories: [...categories],
        },
      });
      setSaid(true);
    } catch (error) {
      if (error instanceof ApiError) setProblem(say(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="preferences" onSubmit={save}>
      <p>
        {tr({
          th: "ข้อความทุกฉบับยังเข้ากล่องข้อความเสมอ การตั้งค่านี้เลือกเฉพาะว่าจะให้โทรศัพท์แจ้งเตือนหรือไม่",
          en: "Every message still reaches your inbox: these settings choose only which ones your phone alerts you to.",
        })}
      </p>
      <fieldset>
        <legend>{tr({ th: "ช่วงเวลาพัก (ไม่แจ้งเตือน)", en: "Quiet hours (no alerts)" })}</legend>
        <label class="option">
          <input type="checkbox" checked={quiet} onChange={(e) => setQuiet(e.currentTarget.checked)} />
          <span>{tr({ th: "ไม่แจ้งเตือนในช่วงเวลานี้ทุกวัน", en: "No alerts between these times every day" })}</span>
        </label>
        <div class="times">
          <label class="form-label" for="quiet-start">
            {tr({ th: "ตั้งแต่", en: "From" })}
          </label>
          <input id="quiet-start" type="time" value={start} disabled={!quiet} onInput={(e) => setStart(e.currentTarget.value)} />
          <label class="form-label" for="quiet-end">
            {tr({ th: "ถึง", en: "Until" })}
          </label>
          <input id="quiet-end" type="time" value={end} disabled={!quiet} onInput={(e) => setEnd(e.currentTarget.value)} />
        </div>
        <p class="form-help">
          {tr({
            th: "การแจ้งเตือนในช่วงนี้จะรอส่งเมื่อพ้นเวลาพัก ยกเว้นข้อความด่วนเรื่องเงินของคุณหรือความปลอดภัย เช่น การยืนยันการชำระเงิน หรือการแจ้งเตือนภัยฉุกเฉินจากหน่วยงานที่ได้รับอนุมัติ ซึ่งจะแจ้งทันทีเสมอ",
            en: "Alerts in these hours wait until they end, except urgent messages about your own money or safety, such as a payment confirmation or an emergency warning from an approved agency: those always alert you at once.",
          })}
        </p>
      </fieldset>
      {sources.agencies.length > 0 && (
        <fieldset>
          <legend>{tr({ th: "แจ้งเตือนข้อความจากหน่วยงาน", en: "Alert me to messages from" })}</legend>
          {sources.agencies.map((agency) => (
            <label key={agency.id} class="option">
              <input
                type="checkbox"
                checked={!agencies.has(agency.id)}
                onChange={(e) => setAgencies(toggle(agencies, agency.id, e.currentTarget.checked))}
              />
              <span>{pick(agency, "name")}</span>
            </label>
          ))}
        </fieldset>
      )}
      {sources.categories.length > 0 && (
        <fieldset>
          <legend>{tr({ th: "แจ้งเตือนข้อความประเภท", en: "Alert me to these kinds of message" })}</legend>
          {sources.categories.map((category) => (
            <label key={category.key} class="option">
              <input
                type="checkbox"
                checked={!categories.has(category.key)}
                onChange={(e) => setCategories(toggle(categories, category.key, e.currentTarget.checked))}
              />
              <span>
                {pick(category, "name")}
                {category.urgent_passes && (
                  <span class="meta"> ({tr({ th: "ข้อความด่วนยังแจ้งเตือนเสมอ", en: "urgent ones always alert you" })})</span>
                )}
              </span>
            </label>
          ))}
        </fieldset>
      )}
      <button type="submit" class="primary" disabled={busy}>
        {tr({ th: "บันทึกการตั้งค่าการแจ้งเตือน", en: "Save notification settings" })}
      </button>
      <p role="status">
        {said && tr({ th: "บันทึกการตั้งค่าการแจ้งเตือนแล้ว", en: "Your notification settings are saved" })}
      </p>
      <ErrorNotice text={problem} />
    </form>
  );
}

export function NotificationSettings() {
  const { t } = useApp();
  const [preferences, reloadPreferences] = useLoad("/api/v1/me/notification-preferences");
  const [sources, reloadSources] = useLoad("/api/v1/me/notification-sources");
  return (
    <section aria-labelledby="notifications-title">
      <h2 id="notifications-title">{t("notifications")}</h2>
      <Devices />
      <Loaded load={preferences} reload={reloadPreferences}>
        {(saved) => (
          <Loaded load={sources} reload={reloadSources}>
            {(found) => <PreferencesForm saved={saved} sources={found} />}
          </Loaded>
        )}
      </Loaded>
    </section>
  );
}
