// Help at a service counter (docs/delegation.md, assisted mode): a counter staff member may act for the
// citizen for one hour, only once the citizen says so here: by confirming the staff member's request, or
// by making a one-time code to read out. The citizen chooses what the staff member may do, sees how
// long is left, ends it at any time, and finds every session here and in "Who accessed my data".
import { useEffect, useState } from "preact/hooks";

import { ApiError, apiPath, request, type Schema, stepUpUrl } from "../api";
import { type Bilingual, formatDate, formatTime } from "../i18n";
import { useLive } from "../live";
import { useApp, useLoad } from "../state";
import { ErrorNotice } from "../ui/notice";

type Grant = Schema<"DelegationView">;
type Scope = Schema<"AssistConsent">["scopes"][number];
type Code = Schema<"AssistCodeView">;
/** Ticked at first: what people come to a counter for. */
const DEFAULT_SCOPES: Scope[] = ["entitlements", "bills", "applications"];

const live = (grant: Grant) => grant.ends_at != null && new Date(grant.ends_at).getTime() > Date.now();

function ScopeChoice({ scopes, chosen, choose }: { scopes: Schema<"ScopeView">[]; chosen: Scope[]; choose: (next: Scope[]) => void }) {
  const { tr, pick } = useApp();
  return (
    <fieldset>
      <legend>{tr({ th: "ให้เจ้าหน้าที่ช่วยในเรื่อง", en: "What the staff member may do for you" })}</legend>
      {scopes.map((scope) => (
        <label key={scope.key} class="choice block">
          <input
            type="checkbox"
            name="assisted-scope"
            value={scope.key}
            checked={chosen.includes(scope.key)}
            onChange={(event) => choose(event.currentTarget.checked ? [...chosen, scope.key] : chosen.filter((key) => key !== scope.key))}
          />
          {pick(scope, "label")}
        </label>
      ))}
    </fieldset>
  );
}

export function Assisted() {
  const { tr, pick, language, problem: say } = useApp();
  const [load, reload, show] = useLoad("/api/v1/me/delegations");
  const [chosen, setChosen] = useState<Scope[]>(DEFAULT_SCOPES);
  const [code, setCode] = useState<Code | null>(null);
  const [said, setSaid] = useState<Bilingual | null>(null);
  const [problem, setProblem] = useState<Bilingual | string>("");

  const mine = load.status === "ok" ? load.data.given.filter((grant) => grant.kind === "assisted") : [];
  const asking = mine.filter((grant) => grant.status === "invited" && live(grant));
  const helping = mine.filter((grant) => grant.status === "active" && live(grant));
  // While a request waits, help is on or a code waits to be typed, the server tells of each change as it
  // happens (the staff member's request, the start, the end); the stream is closed when none waits.
  const codeWaits = code !== null && new Date(code.expires_at).getTime() > Date.now();
  const watching = codeWaits || asking.length > 0 || helping.length > 0;
  useLive<Schema<"Delegations">>(watching ? apiPath("/api/v1/me/delegations/live") : null, "delegations", show);
  // Come from the home screen's card or the request's notice ("/settings#assisted"): show this section.
  const loaded = load.status === "ok";
  useEffect(() => {
    if (loaded && window.location.hash === "#assisted") document.getElementById("assisted")?.scrollIntoView();
  }, [loaded]);
  // The code has been used once help starts: it is not shown again.
  useEffect(() => {
    if (helping.length === 0) return;
    setCode(null);
    setSaid(null);
  }, [helping.length]);

  async function act(run: () => Promise<unknown>, words: Bilingual) {
    setSaid(null);
    setProblem("");
    if (chosen.length === 0) {
      setProblem({ th: "เลือกอย่างน้อยหนึ่งเรื่องที่ให้เจ้าหน้าที่ช่วย", en: "Choose at least one thing the staff member may do" });
      return;
    }
    try {
      await run();
      setSaid(words);
      reload();
    } catch (error) {
      if (!(error instanceof ApiError)) return;
      const stepUp = stepUpUrl(error, "/settings");
      if (stepUp) window.location.assign(stepUp);
      else if (error.status === 409)
        setProblem({ th: "คำขอนี้หมดเวลาแล้ว ให้เจ้าหน้าที่ส่งคำขอใหม่", en: "This request has lapsed: ask the staff member to send a new one" });
      else setProblem(say(error));
    }
  }

  const makeCode = () =>
    act(async () => setCode((await request("POST", "/api/v1/me/assisted/codes", { body: { scopes: chosen } })).data), {
      th: "สร้างรหัสแล้ว อ่านรหัสให้เจ้าหน้าที่ฟัง",
      en: "Code made: read it out to the staff member",
    });
  const allowHelp = (grant: Grant) =>
    act(() => request("POST", "/api/v1/me/assisted/{delegation_id}/confirm", { path: { delegation_id: grant.id }, body: { scopes: chosen } }), {
      th: `อนุญาตให้ ${grant.other.name_th} ช่วย 1 ชั่วโมงแล้ว`,
      en: `${grant.other.name_en} may now help you for one hour`,
    });
  async function end(grant: Grant) {
    setSaid(null);
    try {
      await request("POST", "/api/v1/me/delegations/{delegation_id}/end", { path: { delegation_id: grant.id }, body: { reason: "" } });
      setSaid({ th: "หยุดการช่วยเหลือแล้ว", en: "The help has ended" });
    } catch (error) {
      if (error instanceof ApiError) setProblem(say(error));
    }
    reload();
  }

  const where = (grant: Grant) => `${pick(grant.other, "name") ?? grant.other.name_th} (${grant.service_point ?? ""})`;
  return (
    <section id="assisted" aria-labelledby="assisted-title" class="assisted">
      <h2 id="assisted-title">{tr({ th: "ให้เจ้าหน้าที่ช่วยที่เคาน์เตอร์", en: "Help at a service counter" })}</h2>
      <p class="meta">
        {tr({
          th: "เจ้าหน้าที่ที่จุดบริการช่วยทำรายการแทนคุณได้ 1 ชั่วโมง เฉพาะเรื่องที่คุณเลือก เมื่อคุณยืนยันหรือให้รหัส หยุดได้ทุกเมื่อ",
          en: "Staff at a service point can help you for one hour, in only the things you choose, once you confirm or give them a code. You can stop it at any time.",
        })}
      </p>
      {load.status === "ok" && (
        <>
          {asking.map((grant) => (
            <div key={grant.id} class="notice assisted-ask" role="alert">
              <p>
                <strong>
                  {tr({
                    th: `เจ้าหน้าที่ ${grant.other.name_th} ที่ ${grant.service_point ?? ""} ขอช่วยทำรายการแทนคุณ 1 ชั่วโมง`,
                    en: `${grant.other.name_en} at ${grant.service_point ?? ""} asks to help you for one hour`,
                  })}
                </strong>
              </p>
              <ScopeChoice scopes={load.data.scopes} chosen={chosen} choose={setChosen} />
              <div class="actions">
                <button type="button" class="primary" onClick={() => void allowHelp(grant)}>
                  {tr({ th: "อนุญาต 1 ชั่วโมง", en: "Allow for one hour" })}
                </button>
                <button type="button" onClick={() => void end(grant)}>
                  {tr({ th: "ไม่อนุญาต", en: "Do not allow" })}
                </button>
              </div>
            </div>
          ))}
          {helping.map((grant) => (
            <div key={grant.id} class="notice assisted-on" role="status">
              <p>
                {tr({ th: "กำลังช่วยคุณ", en: "Helping you now" })}: <strong>{where(grant)}</strong>
              </p>
              <p class="meta">
                {tr({ th: "ถึงเวลา", en: "Until" })} {formatTime(language, grant.ends_at ?? "")} ·{" "}
                {grant.scopes.map((scope) => pick(scope, "label")).join(", ")}
              </p>
              <button type="button" class="primary" onClick={() => void end(grant)}>
                {tr({ th: "หยุดทันที", en: "Stop now" })}
              </button>
            </div>
          ))}
          {code && helping.length === 0 ? (
            <div class="assisted-code">
              <p>{tr({ th: "อ่านรหัสนี้ให้เจ้าหน้าที่ฟัง", en: "Read this code to the staff member" })}</p>
              <p class="code" aria-label={code.code.split("").join(" ")}>
                {code.code}
              </p>
              <p class="meta">
                {tr({ th: "ใช้ได้ครั้งเดียว ถึงเวลา", en: "Works once, until" })} {formatTime(language, code.expires_at)}
              </p>
            </div>
          ) : (
            asking.length === 0 &&
            helping.length === 0 && (
              <div>
                <ScopeChoice scopes={load.data.scopes} chosen={chosen} choose={setChosen} />
                <button type="button" class="primary" onClick={() => void makeCode()}>
                  {tr({ th: "สร้างรหัสให้เจ้าหน้าที่", en: "Make a code for the staff member" })}
                </button>
              </div>
            )
          )}
          <p role="status">{said && tr(said)}</p>
          <ErrorNotice text={typeof problem === "string" ? problem : tr(problem)} />
          {mine.length > 0 && (
            <>
              <h3>{tr({ th: "ประวัติการช่วยที่เคาน์เตอร์", en: "Help at a counter so far" })}</h3>
              <ul class="plain">
                {mine.map((grant) => (
                  <li key={grant.id} class="delegation">
                    <p>
                      <strong>{where(grant)}</strong>
                    </p>
                    <p class="meta">
                      {formatDate(language, grant.accepted_at ?? grant.created_at, true)} ·{" "}
                      {grant.accepted_at
                        ? tr({ th: "ช่วยแล้ว", en: "Helped you" })
                        : tr({ th: "ไม่ได้อนุญาต", en: "Not allowed" })}
                    </p>
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </section>
  );
}
