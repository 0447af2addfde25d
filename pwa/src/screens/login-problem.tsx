// Where a browser is sent when a login could not go on (backend/core/login_navigation.py): in a rush
// the service turns new logins away for a few seconds, a phone may have tried too often, or the login
// itself failed. It says which in the citizen's language and when to try again, never a raw problem;
// the wait is the server's Retry-After plus a little at random, so that a crowd turned away together
// does not all come back in the same second.
import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";

import { useApp } from "../state";

type Words = { th: string; en: string };

const PROBLEMS: Record<string, { title: Words; body: Words }> = {
  "service-unavailable": {
    // Also what an outage of the identity provider, the database or Redis answers: not only a rush.
    title: { th: "ขณะนี้ระบบเข้าสู่ระบบไม่ว่าง", en: "Logging in is busy right now" },
    body: {
      th: "อาจมีผู้เข้าใช้งานจำนวนมาก หรือระบบขัดข้องชั่วคราว เพื่อให้ทุกคนใช้งานได้ ระบบจึงรับการเข้าสู่ระบบได้ครั้งละจำนวนหนึ่ง กรุณารอสักครู่แล้วลองอีกครั้ง ท่านไม่ได้ทำอะไรผิด",
      en: "Many people may be logging in, or the service is briefly unavailable. To keep it working for everyone, only so many people can log in at once. Please wait a moment and try again. You did nothing wrong.",
    },
  },
  "rate-limited": {
    title: { th: "ลองเข้าสู่ระบบหลายครั้งเกินไป", en: "Too many login attempts" },
    body: {
      th: "เพื่อความปลอดภัยของบัญชี กรุณารอสักครู่ก่อนลองเข้าสู่ระบบอีกครั้ง",
      en: "To keep accounts safe, please wait a little before you try to log in again.",
    },
  },
  "login-failed": {
    title: { th: "เข้าสู่ระบบไม่สำเร็จ", en: "You could not be logged in" },
    body: {
      th: "การเข้าสู่ระบบไม่เสร็จสิ้น ถูกยกเลิก หรือใช้เวลานานเกินไป กรุณาเข้าสู่ระบบใหม่อีกครั้ง",
      en: "The login did not finish, was cancelled or took too long. Please log in again.",
    },
  },
};
const ANYTHING_ELSE = {
  title: { th: "เข้าสู่ระบบไม่สำเร็จ", en: "You could not be logged in" },
  body: {
    th: "เกิดข้อผิดพลาดระหว่างเข้าสู่ระบบ กรุณาลองอีกครั้ง หากยังไม่ได้ โทร 1111",
    en: "Something went wrong while logging in. Please try again. If it still fails, call 1111.",
  },
};
const LONGEST_WAIT_SECONDS = 120;
// What /auth/login takes (backend/core/login_navigation.py): more would be refused on every try.
const MAX_AGE_LONGEST = 86400;
const NEXT_LONGEST = 2000;

/** The words for a problem's kind; a kind we do not know (or a name like "constructor") is "anything else". */
export function problemFor(kind: string | undefined): { title: Words; body: Words } {
  return kind !== undefined && Object.prototype.hasOwnProperty.call(PROBLEMS, kind) ? PROBLEMS[kind] : ANYTHING_ELSE;
}

/** The seconds to wait: the server's, plus up to half again (at least a second) at random. */
export function waitSeconds(retry: string | undefined, random: () => number = Math.random): number {
  const asked = Math.min(LONGEST_WAIT_SECONDS, Math.max(0, Number.parseInt(retry ?? "", 10) || 0));
  return asked === 0 ? 0 : asked + Math.floor(random() * (asked / 2 + 1));
}

/** The login the citizen was on its way to: a path on this site, else the home screen. */
export function nextPath(next: string | undefined): string {
  return next && next.length <= NEXT_LONGEST && next.startsWith("/") && !next.startsWith("//") && !next.includes("\\")
    ? next
    : "/";
}

/** The login to try again: where it was going, and a step-up's terms when it was one (the server checks
 * them again). */
export function loginAgain(query: Record<string, string | undefined>): string {
  const params = new URLSearchParams({ next: nextPath(query.next) });
  if (query.acr_values && /^[\w:.\-/ ]{1,200}$/.test(query.acr_values)) params.set("acr_values", query.acr_values);
  if (query.max_age && /^\d{1,5}$/.test(query.max_age) && Number(query.max_age) <= MAX_AGE_LONGEST)
    params.set("max_age", query.max_age);
  return `/auth/login?${params.toString()}`;
}

export function LoginProblem() {
  const { t, tr } = useApp();
  const { query } = useLocation();
  const problem = problemFor(query.problem);
  const [left, setLeft] = useState(() => waitSeconds(query.retry));
  useEffect(() => {
    if (left <= 0) return;
    const tick = setTimeout(() => setLeft(left - 1), 1000);
    return () => clearTimeout(tick);
  }, [left]);
  const again = loginAgain(query);
  return (
    <section class="panel login-problem" aria-labelledby="login-problem-title">
      <h1 id="login-problem-title">{tr(problem.title)}</h1>
      <p>{tr(problem.body)}</p>
      {/* Announced once when the wait is over, not every second of the countdown. */}
      <p role="status" aria-live="polite" class="visually-hidden">
        {left > 0 ? "" : tr({ th: "ลองเข้าสู่ระบบอีกครั้งได้แล้ว", en: "You can try logging in again now" })}
      </p>
      <p>
        {left > 0 ? (
          <button type="button" class="primary" disabled>
            {tr({ th: "ลองอีกครั้งได้ในอีก {n} วินาที", en: "You can try again in {n} seconds" }).replace("{n}", String(left))}
          </button>
        ) : (
          <a class="button primary" href={again}>
            {tr({ th: "ลองเข้าสู่ระบบอีกครั้ง", en: "Try logging in again" })}
          </a>
        )}
      </p>
      <p>
        <a href="/">{t("home")}</a>
      </p>
    </section>
  );
}
