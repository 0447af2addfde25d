// Programme registration behind the waiting room (docs/waiting-room.md): the programmes open or about to
// open, and one programme's page: when it opens, joining the line, the place and the wait while waiting
// (asked again when the server says), then the confirmation when it is the citizen's turn, then the
// reference. Written for a rush of elderly people on small phones: one thing on the screen at a time,
// large numbers, and plainly told that they may close the app because a notification will come.
import { useEffect, useState } from "preact/hooks";

import { useActing } from "../acting";
import { ApiError, request, type Schema } from "../api";
import { fill, formatDate, formatTime, type Language, locale } from "../i18n";
import { useApp, useLoad } from "../state";
import { Loaded } from "../ui/loaded";
import { ErrorNotice } from "../ui/notice";

type Programme = Schema<"Programme">;
type QueueState = Schema<"QueueState">;

const STATUS = {
  upcoming: { th: "ยังไม่เปิดลงทะเบียน", en: "Not open yet" },
  open: { th: "เปิดลงทะเบียนแล้ว", en: "Open for registration" },
  closed: { th: "ปิดรับลงทะเบียนแล้ว", en: "Registration closed" },
} as const;

/** "about 8 minutes", "about 1 hour 5 minutes", "less than a minute", in the citizen's language. */
export function waitInWords(language: Language, seconds: number): string {
  const t = (pair: { th: string; en: string }) => pair[language];
  if (seconds < 60) return t({ th: "ไม่ถึง 1 นาที", en: "less than a minute" });
  const minutes = Math.ceil(seconds / 60);
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  const number = (n: number) => new Intl.NumberFormat(locale(language)).format(n);
  if (hours === 0) return fill(t({ th: "ประมาณ {m} นาที", en: "about {m} minutes" }), { m: number(minutes) });
  if (rest === 0) return fill(t({ th: "ประมาณ {h} ชั่วโมง", en: "about {h} hours" }), { h: number(hours) });
  return fill(t({ th: "ประมาณ {h} ชั่วโมง {m} นาที", en: "about {h} hours {m} minutes" }), {
    h: number(hours),
    m: number(rest),
  });
}

function OpensOn({ programme }: { programme: Programme }) {
  const { tr, language } = useApp();
  return (
    <p class="notice info">
      {fill(tr({ th: "เปิดลงทะเบียนวันที่ {when} น.", en: "Registration opens on {when}" }), {
        when: formatDate(language, programme.opens_at, true),
      })}
    </p>
  );
}

export function Programmes() {
  const { tr, pick } = useApp();
  const [load, reload] = useLoad("/api/v1/programmes");
  return (
    <section aria-labelledby="programmes-title">
      <h1 id="programmes-title">{tr({ th: "ลงทะเบียนโครงการ", en: "Register for a programme" })}</h1>
      <Loaded load={load} reload={reload}>
        {(programmes) =>
          programmes.length === 0 ? (
            <p>{tr({ th: "ขณะนี้ไม่มีโครงการที่เปิดลงทะเบียน", en: "No programme is open for registration now" })}</p>
          ) : (
            <ul class="plain-list">
              {programmes.map((programme) => (
                <li key={programme.id} class="panel">
                  <h2>
                    <a href={`/programmes/${programme.id}`}>{pick(programme, "name")}</a>
                  </h2>
                  <p>{pick(programme, "agency_name")}</p>
                  <p>{tr(STATUS[programme.status])}</p>
                  {programme.status === "upcoming" && <OpensOn programme={programme} />}
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}

/** The citizen's place in line, asked again when the server suggests (a missing place is null). */
function usePlace(programmeId: string): [QueueState | null | undefined, (state: QueueState) => void, string] {
  const [state, setState] = useState<QueueState | null | undefined>(undefined);
  const [failed, setFailed] = useState("");
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    request("GET", "/api/v1/programmes/{programme_id}/queue", { path: { programme_id: programmeId } }).then(
      ({ data }) => {
        if (current) {
          setState(data);
          setFailed("");
        }
      },
      (error: unknown) => {
        if (!current) return;
        if (error instanceof ApiError && error.status === 404) setState(null);
        else setFailed(error instanceof ApiError ? String(error.status) : "0");
      },
    );
    return () => {
      current = false;
    };
  }, [programmeId, generation]);
  // Ask again when the server says (a failed ask, after a minute): the line moves on without the app.
  const after = failed ? 60 : state ? state.poll_after_seconds : null;
  useEffect(() => {
    if (after === null) return;
    const timer = window.setTimeout(() => setGeneration((n) => n + 1), after * 1000);
    return () => window.clearTimeout(timer);
  }, [after, generation]);
  return [state, setState, failed];
}

/** Milliseconds until a page opened before the opening time reads the programme again (so that the
 * Join button appears by itself), spread over a few seconds so that a crowd does not ask at once; null
 * when it is open already or too far off for a timer. Asked again until the server says it is open: a
 * phone's clock may run ahead of the server's. */
export function untilOpening(opensAt: string, now: number, spread: number): number | null {
  const wait = Date.parse(opensAt) - now;
  if (!(wait > 0) || wait > 2 ** 31 - 1) return null;
  return wait + 1000 + Math.round(spread * 4000);
}

export function ProgrammeScreen({ param }: { param: string }) {
  const { tr, pick } = useApp();
  const path = { programme_id: param };
  const [load, reload, show] = useLoad("/api/v1/programmes/{programme_id}", { path });
  const opensAt = load.status === "ok" && load.data.status === "upcoming" ? load.data.opens_at : null;
  useEffect(() => {
    if (opensAt === null) return;
    let skew = 0; // the phone's clock ahead of the server's, once an answer has said
    let timer = 0;
    const ask = () =>
      request("GET", "/api/v1/programmes/{programme_id}", { path }).then(
        ({ data, serverDate }) => {
          if (serverDate) skew = Date.now() - serverDate.getTime();
          if (data.status !== "upcoming") show(data);
          else timer = window.setTimeout(ask, Math.max(2000, untilOpening(opensAt, Date.now() - skew, Math.random()) ?? 0));
        },
        () => (timer = window.setTimeout(ask, 5000)), // busy at the rush: what is shown stays, asked again
      );
    const wait = untilOpening(opensAt, Date.now(), Math.random());
    if (wait !== null) timer = window.setTimeout(ask, wait);
    return () => window.clearTimeout(timer);
  }, [opensAt]);
  return (
    <Loaded load={load} reload={reload}>
      {(programme) => (
        <section aria-labelledby="programme-title">
          <h1 id="programme-title">{pick(programme, "name")}</h1>
          <p>{pick(programme, "agency_name")}</p>
          <p>{pick(programme, "description")}</p>
          <WaitingRoom programme={programme} />
          <p>
            <a href="/programmes">{tr({ th: "โครงการอื่น", en: "Other programmes" })}</a>
          </p>
        </section>
      )}
    </Loaded>
  );
}

function WaitingRoom({ programme }: { programme: Programme }) {
  const { tr, problem } = useApp();
  const [place, setPlace, failed] = usePlace(programme.id);
  const [busy, setBusy] = useState(false);
  const [refused, setRefused] = useState("");
  const path = { programme_id: programme.id };

  async function act(send: () => Promise<void>) {
    setBusy(true);
    setRefused("");
    try {
      await send();
    } catch (error) {
      setRefused(error instanceof ApiError ? refusal(error) : tr({ th: "เกิดข้อผิดพลาด", en: "Something went wrong" }));
    } finally {
      setBusy(false);
    }
  }
  function refusal(error: ApiError): string {
    const words: Record<string, { th: string; en: string }> = {
      "/problems/programme-not-open": { th: "ยังไม่ถึงเวลาเปิดลงทะเบียน", en: "Registration has not opened yet" },
      "/problems/programme-closed": { th: "ปิดรับลงทะเบียนแล้ว", en: "Registration has closed" },
      "/problems/not-your-turn": { th: "ยังไม่ถึงคิวของคุณ โปรดรอสักครู่", en: "It is not your turn yet. Please wait." },
      "/problems/admission-lapsed": { th: "หมดเวลาลงทะเบียนของคุณแล้ว", en: "Your time to register has run out" },
      "/problems/line-busy": {
        th: "มีผู้เข้าคิวพร้อมกันจำนวนมาก โปรดกดเข้าคิวอีกครั้ง",
        en: "Many people joined at the same moment. Please press Join again.",
      },
    };
    const said = words[error.type];
    if (said) return tr(said);
    if (error.status === 503 || error.status === 429)
      return tr({ th: "ขณะนี้มีผู้ใช้งานจำนวนมาก โปรดลองอีกครั้งในอีกสักครู่", en: "Many people are using the service. Please try again shortly." });
    return problem(error);
  }
  const join = () =>
    act(async () => setPlace((await request("POST", "/api/v1/programmes/{programme_id}/queue", { path })).data));
  const register = () =>
    act(async () => {
      const { data } = await request("POST", "/api/v1/programmes/{programme_id}/registrations", { path });
      // Registered: shown from the answer itself, so a busy moment after it cannot hide the reference.
      setPlace({ ...(place as QueueState), state: "registered", reference: data.reference, position: null, eta_seconds: null });
    });

  if (place === undefined && !failed) return <p role="status" class="loading">{tr({ th: "กำลังโหลด…", en: "Loading…" })}</p>;
  if (place === undefined) {
    return (
      <p class="notice offline" role="status">
        {tr({ th: "ยังดูคิวของคุณไม่ได้ จะลองใหม่อีกครั้งในอีกสักครู่", en: "Your place cannot be read now; trying again shortly." })}
      </p>
    );
  }
  if (!place) {
    if (programme.status === "upcoming") return <OpensOn programme={programme} />;
    if (programme.status === "closed") return <p class="notice info">{tr(STATUS.closed)}</p>;
    return (
      <div>
        <p>
          {tr({
            th: "กดเข้าคิวเพื่อรอลงทะเบียน ระบบจะเรียกตามลำดับผู้ที่เข้าคิวก่อน",
            en: "Join the line to register. People are called in the order they joined.",
          })}
        </p>
        <ErrorNotice text={refused} />
        <button type="button" class="button primary" disabled={busy} onClick={join}>
          {tr({ th: "เข้าคิว", en: "Join the line" })}
        </button>
      </div>
    );
  }
  return <Place place={place} busy={busy} refused={refused} register={register} rejoin={join} />;
}

function Place({
  place,
  busy,
  refused,
  register,
  rejoin,
}: {
  place: QueueState;
  busy: boolean;
  refused: string;
  register: () => void;
  rejoin: () => void;
}) {
  const { tr, language, pick } = useApp();
  const acting = useActing();
  const number = (n: number) => new Intl.NumberFormat(locale(language)).format(n);
  if (place.state === "waiting") {
    return (
      <div class="panel waiting-room" role="status" aria-live="polite">
        <p class="queue-number">
          {fill(tr({ th: "คุณอยู่คิวที่ {n}", en: "You are number {n} in line" }), { n: number(place.position ?? 1) })}
        </p>
        {place.eta_seconds != null && (
          <p>
            {fill(tr({ th: "รออีก{wait}", en: "Wait: {wait}" }), { wait: waitInWords(language, place.eta_seconds) })}
          </p>
        )}
        <p>
          {acting
            ? // The turn's notice goes to the person acted for, not to whoever acts: keep the page open.
              fill(
                tr({
                  th: "เมื่อถึงคิว การแจ้งเตือนจะส่งไปที่ {name} ไม่ใช่ที่คุณ โปรดเปิดหน้านี้ไว้ หน้านี้จะแสดงเมื่อถึงคิว",
                  en: "When it is the turn, the notification goes to {name}, not to you. Keep this page open: it shows when the turn comes.",
                }),
                { name: pick(acting, "name") },
              )
            : tr({
                th: "ปิดแอปได้เลย เมื่อถึงคิวของคุณ เราจะส่งการแจ้งเตือนและข้อความไปที่กล่องข้อความ",
                en: "You can close the app. When it is your turn we will send a notification and a message to your inbox.",
              })}
        </p>
        <p class="small">
          {fill(tr({ th: "บัตรคิวเลขที่ {ticket}", en: "Ticket number {ticket}" }), { ticket: number(place.ticket) })}
        </p>
      </div>
    );
  }
  if (place.state === "admitted") {
    return (
      <div class="panel waiting-room">
        <h2>{tr({ th: "ถึงคิวของคุณแล้ว", en: "It's your turn" })}</h2>
        <p class="queue-number">
          {fill(tr({ th: "กรุณาลงทะเบียนก่อนเวลา {time} น.", en: "Please register before {time}" }), {
            time: formatTime(language, place.admitted_until ?? ""),
          })}
        </p>
        <p>
          {tr({
            th: "ใช้ข้อมูลจากดิจิทัลไอดีของคุณ ไม่ต้องกรอกเพิ่ม กดยืนยันเพื่อลงทะเบียน",
            en: "Your digital ID details are used; nothing to fill in. Confirm to register.",
          })}
        </p>
        <ErrorNotice text={refused} />
        <button type="button" class="button primary" disabled={busy} onClick={register}>
          {tr({ th: "ยืนยันลงทะเบียน", en: "Confirm registration" })}
        </button>
      </div>
    );
  }
  if (place.state === "registered") {
    return (
      <div class="panel waiting-room">
        <p class="notice success" role="status">
          {tr({ th: "ลงทะเบียนเรียบร้อยแล้ว", en: "You are registered" })}
        </p>
        <p>
          {tr({ th: "เลขที่อ้างอิง", en: "Reference" })}: <strong class="reference">{place.reference}</strong>
        </p>
        <p>{tr({ th: "เก็บเลขนี้ไว้ใช้ติดต่อสอบถามที่ 1111", en: "Keep this number to ask about it at 1111" })}</p>
      </div>
    );
  }
  if (place.state === "lapsed") {
    return (
      <div class="panel waiting-room">
        <p class="notice error" role="alert">
          {tr({
            th: "หมดเวลาลงทะเบียนของคุณแล้ว คุณต่อคิวใหม่ได้ โดยจะได้คิวต่อจากผู้ที่รออยู่ตอนนี้",
            en: "Your time to register has run out. You can join the line again, behind those waiting now.",
          })}
        </p>
        <ErrorNotice text={refused} />
        <button type="button" class="button primary" disabled={busy} onClick={rejoin}>
          {tr({ th: "ต่อคิวใหม่", en: "Join the line again" })}
        </button>
        <p class="small">{tr({ th: "สอบถามได้ที่ 1111", en: "Questions: call 1111" })}</p>
      </div>
    );
  }
  return <p class="notice info">{tr(STATUS.closed)}</p>;
}
