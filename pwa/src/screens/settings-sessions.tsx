// Where the citizen is logged in, in words ("Chrome บน Android · ใช้ล่าสุด 21:15 · อุปกรณ์นี้"): end one
// other session, or all of them (this one too, after a confirmation).
import { useState } from "preact/hooks";

import { ApiError, request, type Schema } from "../api";
import type { Bilingual } from "../i18n";
import { useApp, useLoad } from "../state";
import { Loaded } from "../ui/loaded";
import { ErrorNotice } from "../ui/notice";
import { deviceName, when } from "./device-words";

export function Sessions() {
  const { tr, language, problem: say } = useApp();
  const [sessions, reload] = useLoad("/api/v1/me/sessions");
  /** Kept in both languages, so that it follows a change of language. */
  const [said, setSaid] = useState<Bilingual | null>(null);
  const [problem, setProblem] = useState("");
  const [confirming, setConfirming] = useState(false);

  async function end(id: string, device: Schema<"DeviceWords">) {
    setProblem("");
    try {
      await request("DELETE", "/api/v1/me/sessions/{session_id}", { path: { session_id: id } });
      setSaid({ th: `ออกจากระบบบน ${deviceName("th", device)} แล้ว`, en: `${deviceName("en", device)} is logged out` });
    } catch (error) {
      if (error instanceof ApiError) setProblem(say(error));
    }
    reload();
  }

  async function endAll() {
    try {
      await request("DELETE", "/api/v1/me/sessions");
      window.location.assign("/");
    } catch (error) {
      if (error instanceof ApiError) setProblem(say(error));
    }
  }

  return (
    <section aria-labelledby="sessions-title">
      <h2 id="sessions-title">{tr({ th: "เครื่องที่เข้าสู่ระบบอยู่", en: "Where you are logged in" })}</h2>
      <p class="meta">
        {tr({
          th: "หากเห็นเครื่องที่คุณไม่รู้จัก ให้ออกจากระบบเครื่องนั้น แล้วเข้าสู่ระบบด้วยดิจิทัลไอดีใหม่",
          en: "If you see a device you do not know, log it out, then log in again with your digital ID.",
        })}
      </p>
      <Loaded load={sessions} reload={reload}>
        {(items) => (
          <ul class="plain sessions">
            {items.map((session) => {
              const name = deviceName(language, session.device);
              return (
                <li key={session.id} class="session">
                  <p>
                    <strong>{name}</strong>
                    {" · "}
                    {tr({ th: "ใช้ล่าสุด", en: "last used" })} {when(language, session.last_seen_at)}
                    {session.current && (
                      <>
                        {" · "}
                        <strong class="ok">{tr({ th: "อุปกรณ์นี้", en: "this device" })}</strong>
                      </>
                    )}
                  </p>
                  {!session.current && (
                    <button type="button" onClick={() => void end(session.id, session.device)}>
                      {tr({ th: "ออกจากระบบเครื่องนั้น", en: "Log that device out" })}
                      <span class="visually-hidden"> ({name})</span>
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </Loaded>
      <p role="status">{said && tr(said)}</p>
      <ErrorNotice text={problem} />
      {confirming ? (
        <div class="notice confirm" role="group" aria-labelledby="end-all-question">
          <p id="end-all-question">
            {tr({
              th: "ออกจากระบบทุกเครื่อง รวมถึงเครื่องนี้ใช่ไหม คุณต้องเข้าสู่ระบบใหม่ทุกเครื่อง",
              en: "Log out everywhere, this device included? You will need to log in again on each.",
            })}
          </p>
          <div class="actions">
            <button type="button" class="primary" onClick={() => void endAll()}>
              {tr({ th: "ใช่ ออกจากระบบทุกเครื่อง", en: "Yes, log out everywhere" })}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              {tr({ th: "ยกเลิก", en: "Cancel" })}
            </button>
          </div>
        </div>
      ) : (
        <button type="button" onClick={() => setConfirming(true)}>
          {tr({ th: "ออกจากระบบทุกเครื่อง", en: "Log out everywhere" })}
        </button>
      )}
    </section>
  );
}
