// A warning before an idle session ends (GOV.UK's pattern): the backend ends a session nothing has used
// for SESSION_IDLE_MINUTES (the profile's session_idle_seconds), and any answer from the API, GET /api/v1/me
// included, starts that time again. Two minutes before, a dialog offers "stay logged in"; at the end the
// app logs out itself (and deletes what this browser kept) and says why.
import { useEffect, useRef, useState } from "preact/hooks";

import { onAnswer, request } from "./api";
import { fill } from "./i18n";
import { useApp } from "./state";

/** The backend's default SESSION_IDLE_MINUTES, until the profile says otherwise. */
export const IDLE_MINUTES = 30;
let idleMs = IDLE_MINUTES * 60_000;

/** What the profile (GET /api/v1/me) says a session lasts unused. */
export function setSessionIdleSeconds(seconds: number): void {
  if (seconds > 0) idleMs = seconds * 1000;
}
export const WARN_BEFORE_MS = 2 * 60_000;
/** The backend extends a session at most once a minute, so it may end up to a minute before its idle
 * time after the last answer: the app counts from a minute earlier. */
const TOUCH_SLACK_MS = 60_000;
/** Shared by the app's tabs: one used in another tab keeps the same session alive. */
const LAST_ANSWER = "session-last-answer";

function noteAnswer(): void {
  localStorage.setItem(LAST_ANSWER, String(Date.now()));
}

/** When the session is expected to end if nothing happens. */
export function sessionEndsAt(): number {
  return Number(localStorage.getItem(LAST_ANSWER) ?? 0) + idleMs - TOUCH_SLACK_MS;
}

function minutesAndSeconds(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/** Shown to a logged-in citizen: nothing until two minutes before the session would end. */
export function IdleWarning({ onEnd }: { onEnd: () => void }) {
  const { t } = useApp();
  // The profile that showed this was an answer: counted before the first look at the time left.
  const [now, setNow] = useState(() => {
    noteAnswer();
    return Date.now();
  });
  const [checking, setChecking] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const stop = onAnswer(() => {
      noteAnswer();
      setNow(Date.now());
    });
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => {
      stop();
      clearInterval(timer);
    };
  }, []);
  const left = sessionEndsAt() - now;
  const warning = left <= WARN_BEFORE_MS;
  useEffect(() => {
    if (left <= 0) onEnd();
  }, [left <= 0]);
  useEffect(() => {
    const shown = dialog.current;
    if (!shown) return;
    if (warning && !shown.open) shown.showModal?.();
    if (!warning && shown.open) shown.close();
  }, [warning]);

  async function stay() {
    setChecking(true);
    try {
      await request("GET", "/api/v1/me"); // an answer: the session's idle time starts again
    } catch {
      onEnd();
    } finally {
      setChecking(false);
    }
  }

  return (
    <dialog
      ref={dialog}
      class="modal"
      aria-labelledby="idle-title"
      aria-describedby="idle-text"
      onCancel={(event) => {
        event.preventDefault(); // Escape means "I am here"
        void stay();
      }}
    >
      {warning && (
        <>
          <h2 id="idle-title">{t("idleTitle")}</h2>
          <p id="idle-text">{fill(t("idleText"), { time: minutesAndSeconds(left) })}</p>
          <p>
            <button type="button" class="primary" onClick={stay} disabled={checking} autoFocus>
              {t("stayLoggedIn")}
            </button>
          </p>
        </>
      )}
    </dialog>
  );
}

/** After the app logged an idle citizen out: why, and the way back in to where they were. */
export function SessionEnded({ path }: { path: string }) {
  const { t } = useApp();
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    if (dialog.current && !dialog.current.open) dialog.current.showModal?.();
  }, []);
  return (
    <dialog ref={dialog} class="modal" aria-labelledby="ended-title" aria-describedby="ended-text">
      <h2 id="ended-title">{t("loggedOutIdleTitle")}</h2>
      <p id="ended-text">{fill(t("loggedOutIdle"), { n: Math.round(idleMs / 60_000) })}</p>
      <p class="actions">
        <a class="button primary" href={`/auth/login?next=${encodeURIComponent(path)}`}>
          {t("logInAgain")}
        </a>
        <a class="button" href="/" onClick={() => dialog.current?.close()}>
          {t("goHome")}
        </a>
      </p>
    </dialog>
  );
}
