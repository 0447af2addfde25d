// Acting for each other (docs/delegation.md): ask someone in the family to act for you, in the parts of
// your affairs you choose and until a date at most a year away; answer someone who asked you; end either
// at any time. Asking and renewing need a recent login: the API says so (RFC 9470) and the app sends the
// citizen to log in again and brings them back here.
import { useState } from "preact/hooks";

import { startActing } from "../acting";
import { ApiError, request, type Schema, stepUpUrl } from "../api";
import { type Bilingual, formatDate } from "../i18n";
import { useApp, useLoad } from "../state";
import { Loaded } from "../ui/loaded";
import { ErrorNotice } from "../ui/notice";
import { label } from "../vocabulary";
import { FamilyForm } from "./settings-family";

type Grant = Schema<"DelegationView">;
type Status = Grant["status"];

const STATUS: Record<Status, Bilingual> = {
  invited: { th: "รอตอบรับ", en: "Waiting for an answer" },
  active: { th: "ใช้งานอยู่", en: "Active" },
  declined: { th: "ปฏิเสธแล้ว", en: "Declined" },
  ended: { th: "สิ้นสุดแล้ว", en: "Ended" },
};
/** How long, in months: plain choices rather than a date to type (at most a year, as the API allows). */
const DURATIONS: [number, Bilingual][] = [
  [1, { th: "1 เดือน", en: "1 month" }],
  [3, { th: "3 เดือน", en: "3 months" }],
  [6, { th: "6 เดือน", en: "6 months" }],
  [12, { th: "1 ปี", en: "1 year" }],
];

/** The ISO day `months` after today in Bangkok, no later than the API's latest end date. */
export function endAfter(months: number, latest: string, now = new Date()): string {
  const bangkok = new Date(now.getTime() + 7 * 3600_000);
  const end = new Date(Date.UTC(bangkok.getUTCFullYear(), bangkok.getUTCMonth() + months, bangkok.getUTCDate()));
  const iso = end.toISOString().slice(0, 10);
  return iso < latest ? iso : latest;
}

/** A refusal in the citizen's words, from the field the API names. */
function refusal(error: ApiError): Bilingual | null {
  const fields = (error.errors ?? []).map((item) => `${item.field.split("[")[0]}:${item.message}`);
  if (fields.some((field) => field === "national_id:has not used the app"))
    return {
      th: "คนนี้ยังไม่เคยเข้าสู่ระบบแอป ให้เขาเข้าสู่ระบบด้วยดิจิทัลไอดีหนึ่งครั้งก่อน แล้วลองอีกครั้ง",
      en: "This person has not logged in to the app yet. Ask them to log in once with their digital ID, then try again.",
    };
  if (fields.some((field) => field === "national_id:is your own"))
    return { th: "ใส่เลขประจำตัวประชาชนของคุณเองไม่ได้", en: "You cannot enter your own national ID number" };
  if (fields.some((field) => field.startsWith("national_id:")))
    return { th: "เลขประจำตัวประชาชนไม่ถูกต้อง ตรวจสอบทั้ง 13 หลัก", en: "That national ID number is not valid: check all 13 digits" };
  if (fields.some((field) => field.startsWith("ends_on:")))
    return { th: "วันสิ้นสุดต้องไม่เกิน 1 ปีจากวันนี้", en: "The end date may be at most a year from today" };
  if (error.type === "/problems/too-many-delegations")
    return {
      th: "คนนี้ทำแทนคนอื่นครบจำนวนสูงสุดแล้ว ให้เขาเลิกทำแทนใครสักคนก่อน",
      en: "This person already acts for as many people as one may. They must stop acting for someone first.",
    };
  if (error.status === 409)
    return {
      th: "คนนี้ทำแทนคุณอยู่แล้ว หรือมีคำขอที่รอตอบรับอยู่ ต่ออายุหรือยกเลิกรายการเดิมแทน",
      en: "This person already acts for you or has your request: renew or end that one instead",
    };
  return null;
}

function GrantItem({
  grant,
  latest,
  onChange,
}: {
  grant: Grant;
  /** The furthest end date a renewal today may have. */
  latest: string;
  onChange: (said: Bilingual, error?: ApiError) => void;
}) {
  const { tr, language, pick, navigate } = useApp();
  const open = grant.status === "invited" || grant.status === "active";
  const name = pick(grant.other, "name") ?? grant.other.name_th;

  async function act(action: "accept" | "end" | "renew", said: Bilingual) {
    const path = { delegation_id: grant.id };
    try {
      if (action === "accept") await request("POST", "/api/v1/me/delegations/{delegation_id}/accept", { path });
      else if (action === "end") await request("POST", "/api/v1/me/delegations/{delegation_id}/end", { path, body: { reason: "" } });
      else await request("POST", "/api/v1/me/delegations/{delegation_id}/renew", { path, body: { ends_on: latest, reason: "" } });
      onChange(said);
    } catch (error) {
      if (!(error instanceof ApiError)) return;
      const stepUp = stepUpUrl(error, "/settings");
      if (stepUp) window.location.assign(stepUp);
      else onChange({ th: "", en: "" }, error);
    }
  }

  return (
    <li class="delegation">
      <p>
        <strong>{name}</strong> <span class={`badge delegation-${grant.status}`}>{tr(STATUS[grant.status])}</span>
      </p>
      {grant.kind !== "chosen" && (
        <p class="meta">
          {grant.direction === "received"
            ? tr({ th: "คุณเป็น", en: "You are their" })
            : tr({ th: "เป็น", en: "Your" })}{" "}
          {label(language, "delegationKind", grant.kind)} · {tr({ th: "ทะเบียนยืนยันแล้ว", en: "confirmed by the registry" })}
        </p>
      )}
      <p class="meta">
        {grant.direction === "given"
          ? tr({ th: "ทำแทนคุณได้ในเรื่อง", en: "May act for you to" })
          : tr({ th: "คุณทำแทนเขาได้ในเรื่อง", en: "You may act for them to" })}
        : {grant.scopes.map((scope) => pick(scope, "label")).join(", ")}
      </p>
      <p class="meta">
        {open
          ? tr({ th: "ถึงวันที่", en: "Until" })
          : tr({ th: "สิ้นสุดเมื่อ", en: "Ended on" })}{" "}
        {formatDate(language, open ? grant.ends_on : (grant.ended_at ?? grant.ends_on))}
      </p>
      {open && (
        <div class="actions">
          {grant.direction === "received" && grant.status === "invited" && (
            <button
              type="button"
              class="primary"
              onClick={() => void act("accept", { th: `คุณตอบรับทำแทน ${grant.other.name_th} แล้ว`, en: `You now act for ${grant.other.name_en}` })}
            >
              {tr({ th: "ตอบรับ", en: "Accept" })}
              <span class="visually-hidden"> ({name})</span>
            </button>
          )}
          {grant.direction === "received" && grant.status === "active" && (
            <button
              type="button"
              class="primary"
              onClick={() => {
                startActing({
                  id: grant.id,
                  name_th: grant.other.name_th,
                  name_en: grant.other.name_en,
                  scopes: grant.scopes.map((scope) => scope.key),
                });
                navigate("/");
              }}
            >
              {tr({ th: `ทำแทน ${grant.other.name_th}`, en: `Act for ${grant.other.name_en}` })}
            </button>
          )}
          {grant.direction === "given" && grant.kind === "chosen" && grant.ends_on < latest && (
            <button
              type="button"
              onClick={() =>
                void act("renew", {
                  th: `ต่ออายุถึง ${formatDate("th", latest)} แล้ว`,
                  en: `Renewed until ${formatDate("en", latest)}`,
                })
              }
            >
              {tr({ th: "ต่ออายุอีก 1 ปี", en: "Renew for a year" })}
              <span class="visually-hidden"> ({name})</span>
            </button>
          )}
          <button
            type="button"
            onClick={() =>
              void act("end", {
                th: grant.direction === "given" ? `ยกเลิกสิทธิ์ของ ${grant.other.name_th} แล้ว` : `เลิกทำแทน ${grant.other.name_th} แล้ว`,
                en: grant.direction === "given" ? `${grant.other.name_en} no longer acts for you` : `You no longer act for ${grant.other.name_en}`,
              })
            }
          >
            {grant.direction === "given"
              ? tr({ th: "ยกเลิกสิทธิ์", en: "End it" })
              : grant.status === "invited"
                ? tr({ th: "ปฏิเสธ", en: "Decline" })
                : tr({ th: "เลิกทำแทน", en: "Stop acting for them" })}
            <span class="visually-hidden"> ({name})</span>
          </button>
        </div>
      )}
    </li>
  );
}

export function Delegation() {
  const { tr, pick, language, problem: say } = useApp();
  const [load, reload] = useLoad("/api/v1/me/delegations");
  const [nationalId, setNationalId] = useState("");
  const [scopes, setScopes] = useState<string[]>([]);
  const [months, setMonths] = useState(3);
  const [reason, setReason] = useState("");
  const [said, setSaid] = useState<Bilingual | null>(null);
  const [problem, setProblem] = useState<Bilingual | string>("");

  function changed(words: Bilingual, error?: ApiError) {
    if (error) {
      setSaid(null);
      setProblem(refusal(error) ?? say(error));
    } else {
      setProblem("");
      setSaid(words);
    }
    reload();
  }

  async function invite(event: Event, latest: string) {
    event.preventDefault();
    setSaid(null);
    if (!/^\d{13}$/.test(nationalId)) {
      setProblem({ th: "ใส่เลขประจำตัวประชาชน 13 หลัก", en: "Enter the 13-digit national ID number" });
      return;
    }
    if (scopes.length === 0) {
      setProblem({ th: "เลือกอย่างน้อยหนึ่งเรื่องที่ให้ทำแทน", en: "Choose at least one thing they may do for you" });
      return;
    }
    try {
      const made = await request("POST", "/api/v1/me/delegations", {
        body: { national_id: nationalId, scopes: scopes as Schema<"NewDelegation">["scopes"], ends_on: endAfter(months, latest), reason },
      });
      setNationalId("");
      setScopes([]);
      setReason("");
      changed({
        th: `ส่งคำขอให้ ${made.data.other.name_th} แล้ว รอให้เขาตอบรับในแอปของเขา`,
        en: `Sent to ${made.data.other.name_en}. They accept it in their own app.`,
      });
    } catch (error) {
      if (!(error instanceof ApiError)) return;
      const stepUp = stepUpUrl(error, "/settings");
      if (stepUp) window.location.assign(stepUp);
      else changed({ th: "", en: "" }, error);
    }
  }

  return (
    <section aria-labelledby="delegation-title" class="delegations">
      <h2 id="delegation-title">{tr({ th: "ให้คนในครอบครัวทำแทน", en: "Someone to act for you" })}</h2>
      <p class="meta">
        {tr({
          th: "ลูกหลานหรือผู้ดูแลทำเรื่องแทนคุณได้เฉพาะเรื่องที่คุณเลือก จนถึงวันที่กำหนด ทุกอย่างที่เขาทำจะแสดงในหน้า \"ใครเข้าถึงข้อมูลของฉัน\" และยกเลิกได้ทุกเมื่อ",
          en: "A child or carer can act for you in only the things you choose, until the date you set. Everything they do shows in \"Who accessed my data\", and you can end it at any time.",
        })}
      </p>
      <Loaded load={load} reload={reload}>
        {(loaded) => {
          // Help at a counter has its own section (settings-assisted.tsx).
          const family = (grant: Grant) => grant.kind !== "assisted";
          const data = { ...loaded, given: loaded.given.filter(family), received: loaded.received.filter(family) };
          return (
          <>
            <h3>{tr({ th: "คนที่ทำแทนคุณ", en: "People who act for you" })}</h3>
            {data.given.length === 0 ? (
              <p>{tr({ th: "ยังไม่มี", en: "No one yet" })}</p>
            ) : (
              <ul class="plain">
                {data.given.map((grant) => <GrantItem key={grant.id} grant={grant} latest={data.latest_end} onChange={changed} />)}
              </ul>
            )}
            <h3>{tr({ th: "คนที่คุณทำแทน", en: "People you act for" })}</h3>
            {data.received.length === 0 ? (
              <p>{tr({ th: "ยังไม่มี", en: "No one yet" })}</p>
            ) : (
              <ul class="plain">
                {data.received.map((grant) => <GrantItem key={grant.id} grant={grant} latest={data.latest_end} onChange={changed} />)}
              </ul>
            )}
            <p role="status">{said && tr(said)}</p>
            <ErrorNotice text={typeof problem === "string" ? problem : tr(problem)} />
            <form class="invite" onSubmit={(event) => void invite(event, data.latest_end)} noValidate>
              <h3>{tr({ th: "ขอให้คนในครอบครัวทำแทน", en: "Ask someone to act for you" })}</h3>
              <label class="field">
                <span>{tr({ th: "เลขประจำตัวประชาชนของคนที่จะทำแทน", en: "Their national ID number" })}</span>
                <input
                  name="national_id"
                  inputMode="numeric"
                  autoComplete="off"
                  maxLength={13}
                  value={nationalId}
                  onInput={(event) => setNationalId(event.currentTarget.value.replace(/\D/g, ""))}
                />
              </label>
              <fieldset>
                <legend>{tr({ th: "ให้ทำแทนในเรื่อง", en: "What they may do for you" })}</legend>
                {data.scopes.map((scope) => (
                  <label key={scope.key} class="choice block">
                    <input
                      type="checkbox"
                      name="scope"
                      value={scope.key}
                      checked={scopes.includes(scope.key)}
                      onChange={(event) =>
                        setScopes(event.currentTarget.checked ? [...scopes, scope.key] : scopes.filter((key) => key !== scope.key))
                      }
                    />
                    {pick(scope, "label")}
                  </label>
                ))}
              </fieldset>
              <fieldset>
                <legend>{tr({ th: "นานเท่าไร", en: "For how long" })}</legend>
                {DURATIONS.map(([count, words]) => (
                  <label key={count} class="choice">
                    <input type="radio" name="duration" checked={months === count} onChange={() => setMonths(count)} />
                    {tr(words)}
                  </label>
                ))}
                <p class="meta">
                  {tr({ th: "ถึงวันที่", en: "Until" })} {formatDate(language, endAfter(months, data.latest_end))}
                </p>
              </fieldset>
              <label class="field">
                <span>{tr({ th: "เหตุผล (ไม่บังคับ)", en: "Why (optional)" })}</span>
                <input name="reason" maxLength={300} value={reason} onInput={(event) => setReason(event.currentTarget.value)} />
              </label>
              <button type="submit" class="primary">
                {tr({ th: "ส่งคำขอ", en: "Send the request" })}
              </button>
            </form>
            <FamilyForm onAdded={(words) => changed(words)} />
          </>
          );
        }}
      </Loaded>
    </section>
  );
}
