import { useState } from "preact/hooks";

import { request, type Schema } from "../api";
import { formatDate, type Language } from "../i18n";
import { useApp, useLoad } from "../state";
import { Loaded } from "../ui/loaded";

const TEXT_SIZES = [100, 125, 150, 200];
/** Each language by its own name, whichever language the app is in. */
const LANGUAGE_NAMES: Record<Language, string> = { th: "ไทย", en: "English" };

function base64UrlToBytes(text: string): Uint8Array<ArrayBuffer> {
  const padded = (text + "=".repeat((4 - (text.length % 4)) % 4)).replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

export function Settings() {
  const { t, language, setLanguage } = useApp();
  const [textSize, setTextSize] = useState(Number(localStorage.getItem("text-size") ?? 100));
  const [devices, reloadDevices] = useLoad("/api/v1/push/subscriptions");
  const [sessions, reloadSessions] = useLoad("/api/v1/me/sessions");
  const [pushMessage, setPushMessage] = useState("");

  function chooseTextSize(size: number) {
    localStorage.setItem("text-size", String(size));
    document.documentElement.style.fontSize = `${size}%`;
    document.documentElement.dataset.textSize = String(size);
    setTextSize(size);
  }

  async function turnOnNotifications() {
    // Permission is asked only here, after the citizen's own tap.
    if (!("Notification" in window) || !("serviceWorker" in navigator)) {
      setPushMessage(t("notificationsBlocked"));
      return;
    }
    if ((await Notification.requestPermission()) !== "granted") {
      setPushMessage(t("notificationsBlocked"));
      return;
    }
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
      setPushMessage(t("notificationsOn"));
      reloadDevices();
    } catch (error) {
      setPushMessage(`${t("notificationsBlocked")} (${String(error)})`);
    }
  }

  async function addDemoPhone() {
    await request("POST", "/api/v1/demo/push-device");
    reloadDevices();
  }

  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">{t("settings")}</h1>
      <fieldset>
        <legend>{t("language")}</legend>
        {(["th", "en"] as Language[]).map((choice) => (
          <label key={choice} class="choice">
            <input type="radio" name="language" checked={language === choice} onChange={() => setLanguage(choice)} />
            {LANGUAGE_NAMES[choice]}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>{t("textSize")}</legend>
        {TEXT_SIZES.map((size) => (
          <label key={size} class="choice">
            <input type="radio" name="text-size" checked={textSize === size} onChange={() => chooseTextSize(size)} />
            {size}%
          </label>
        ))}
      </fieldset>
      <h2>{t("notifications")}</h2>
      <p>
        <button type="button" class="primary" onClick={turnOnNotifications}>
          {t("turnOnNotifications")}
        </button>{" "}
        <button type="button" onClick={addDemoPhone}>
          {t("demoPhone")}
        </button>
      </p>
      {pushMessage && <p role="status">{pushMessage}</p>}
      <h2>{t("devices")}</h2>
      <Loaded load={devices} reload={reloadDevices}>
        {(items) => (
          <ul class="plain">
            {items.map((device) => (
              <li key={device.id}>
                {device.user_agent || device.push_service} ·{" "}
                <span class={device.healthy ? "ok" : "warn"}>
                  {device.healthy ? t("healthy") : t("failing")}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Loaded>
      <h2>{t("sessions")}</h2>
      <Loaded load={sessions} reload={reloadSessions}>
        {(items) => (
          <>
            <ul class="plain">
              {items.map((session) => (
                <li key={session.id}>
                  {session.current ? `${t("thisDevice")} · ` : ""}
                  {session.user_agent.slice(0, 60)} · {formatDate(language, session.last_seen_at, true)}{" "}
                  {!session.current && (
                    <button
                      type="button"
                      onClick={async () => {
                        await request("DELETE", "/api/v1/me/sessions/{session_id}", { path: { session_id: session.id } });
                        reloadSessions();
                      }}
                    >
                      {t("endSession")}
                    </button>
                  )}
                </li>
              ))}
            </ul>
            <button
              type="button"
              onClick={async () => {
                await request("DELETE", "/api/v1/me/sessions");
                window.location.assign("/");
              }}
            >
              {t("endAll")}
            </button>
          </>
        )}
      </Loaded>
    </section>
  );
}
