// Agency console: sending a message, to one citizen (national ID) or to an audience (the agency's
// followers, a tile's, an age range, citizens in an entitlement state from this agency's connectors).
// The template's placeholders are form fields; the Thai and English message is previewed as the phone
// shows it; it goes now or at a time chosen (send_at); a confirmation says how many citizens it will
// reach before anything is sent; then progress in words, where "in the inbox only (no device)" is not
// a failure. Placeholders are written {name} (a-z, 0-9, _), as the backend reads them
// (notifications/service.py); fillTemplate is the same substitution, for the preview.
import { useEffect, useState } from "preact/hooks";

import { request, type Schema } from "../api";
import { formatDate, locale } from "../i18n";
import { useLoad } from "../state";
import { DateInput } from "../ui/date-input";
import { Field } from "../ui/field";
import { isNationalId } from "./bill-form";
import { Progress } from "./send-progress";
import { useAgencyWords } from "./agency-words";
import { useProblemText } from "./problems";
import { useWords } from "./words";

type Template = Schema<"TemplateView">;
type Audience = Schema<"NewCampaign">["audience"];
type Sent = { kind: "one"; id: string } | { kind: "many"; id: string };

/** The text with each {name} replaced by its value (an unfilled one stays as written). */
export function fillTemplate(text: string, params: Record<string, string>): string {
  return text.replace(/\{([a-z_][a-z0-9_]{0,39})\}/g, (whole, name: string) => params[name] || whole);
}

const AUDIENCES = ["one", "agency-followers", "tile-followers", "age-range", "entitlement-state"] as const;
type To = (typeof AUDIENCES)[number];
const STATES = ["eligible_not_enrolled", "receiving", "pending", "not_eligible"] as const;

/** When: now, or a date (Buddhist era in Thai) and a time in Bangkok. */
function sendAt(date: string, time: string): string | null {
  return date && time ? `${date}T${time}:00+07:00` : null;
}

export function SendPanel({ agencyId }: { agencyId: number }) {
  const { w, pick, language } = useWords();
  const { a, named } = useAgencyWords();
  const problemText = useProblemText();
  const path = { agency_id: agencyId };
  const [templates] = useLoad("/api/v1/agency/{agency_id}/notification-templates", { path });
  const [tiles] = useLoad("/api/v1/agency/{agency_id}/tiles", { path });
  const [key, setKey] = useState("");
  const [params, setParams] = useState<Record<string, string>>({});
  const [to, setTo] = useState<To>("one");
  const [nationalId, setNationalId] = useState("");
  const [tileId, setTileId] = useState("");
  const [ages, setAges] = useState({ min: "60", max: "120" });
  const [state, setState] = useState<(typeof STATES)[number]>("eligible_not_enrolled");
  const [later, setLater] = useState(false);
  const [date, setDate] = useState("");
  const [time, setTime] = useState("09:00");
  const [confirm, setConfirm] = useState<number | null>(null);
  const [sent, setSent] = useState<Sent | null>(null);
  const [problem, setProblem] = useState("");

  const list: Template[] = templates.status === "ok" ? templates.data : [];
  const template = list.find((t) => t.key === key) ?? list[0];
  const published = tiles.status === "ok" ? tiles.data.filter((tile) => tile.published) : [];
  const audience = (): Audience => {
    if (to === "tile-followers") return { kind: "tile-followers", tile_id: Number(tileId || published[0]?.id) };
    if (to === "age-range") return { kind: "age-range", min_age: Number(ages.min), max_age: Number(ages.max) };
    if (to === "entitlement-state") return { kind: "entitlement-state", status: state, scheme_id: null };
    return { kind: "agency-followers" };
  };
  useEffect(() => setConfirm(null), [key, to, nationalId, tileId, ages, state, later, date, time, params]);

  /** First press: check, count who it reaches and show the confirmation; nothing is sent yet. */
  async function check(event: Event) {
    event.preventDefault();
    setProblem("");
    if (!template) return setProblem(a("noTemplate"));
    const missing = template.placeholders.filter((name) => !params[name]?.trim());
    if (missing.length > 0) return setProblem(`${a("fillPlaceholders")}: ${missing.join(", ")}`);
    if (to === "one" && !isNationalId(nationalId)) return setProblem(a("badNationalId"));
    if (later && !sendAt(date, time)) return setProblem(a("chooseWhen"));
    try {
      if (to === "one") return setConfirm(1);
      const { data } = await request("POST", "/api/v1/agency/{agency_id}/notification-campaigns/reach", { path, body: { audience: audience() } });
      setConfirm(data.citizens);
    } catch (error) {
      setProblem(problemText(error));
    }
  }

  async function send() {
    if (!template) return;
    setProblem("");
    const common = {
      agency_id: agencyId, template: template.key, idempotency_key: crypto.randomUUID(),
      params: Object.fromEntries(template.placeholders.map((name) => [name, params[name]?.trim() ?? ""])),
      send_at: later ? sendAt(date, time) : null,
    };
    try {
      if (to === "one") {
        const { data } = await request("POST", "/api/v1/agency/notifications", { body: { ...common, national_id: nationalId } as Schema<"NewNotification"> });
        setSent({ kind: "one", id: data.id });
      } else {
        const { data } = await request("POST", "/api/v1/agency/notification-campaigns", { body: { ...common, audience: audience() } as Schema<"NewCampaign"> });
        setSent({ kind: "many", id: data.id });
      }
      setConfirm(null);
    } catch (error) {
      setProblem(problemText(error));
    }
  }

  const filled = (field: "title" | "body", lang: "th" | "en") => (template ? fillTemplate(template[`${field}_${lang}`], params) : "");
  return (
    <>
      <form onSubmit={check} aria-labelledby="send-title">
        <h3 id="send-title">{w("sendMessage")}</h3>
        <Field label={w("template")}>
          <select value={template?.key ?? ""} onChange={(event) => { setKey(event.currentTarget.value); setParams({}); }}>
            {list.map((t) => <option key={t.id} value={t.key}>{pick(t, "title")}</option>)}
          </select>
        </Field>
        {template && template.placeholders.length > 0 && (
          <fieldset>
            <legend>{a("placeholderFields")}</legend>
            {template.placeholders.map((name) => (
              <Field key={name} label={`{${name}}`}>
                <input value={params[name] ?? ""} onInput={(event) => setParams({ ...params, [name]: event.currentTarget.value })} />
              </Field>
            ))}
          </fieldset>
        )}
        <Field label={w("audience")}>
          <select value={to} onChange={(event) => setTo(event.currentTarget.value as To)}>
            {AUDIENCES.map((kind) => <option key={kind} value={kind}>{named("to_", kind)}</option>)}
          </select>
        </Field>
        {to === "one" && (
          <Field label={a("recipientNationalId")}><input inputMode="numeric" maxLength={13} autoComplete="off" value={nationalId} onInput={(event) => setNationalId(event.currentTarget.value)} /></Field>
        )}
        {to === "tile-followers" && (
          <Field label={a("whichTile")}>
            <select value={tileId || String(published[0]?.id ?? "")} onChange={(event) => setTileId(event.currentTarget.value)}>
              {published.map((tile) => <option key={tile.id} value={tile.id}>{tile.published && pick(tile.published, "title")}</option>)}
            </select>
          </Field>
        )}
        {to === "age-range" && (
          <div class="actions">
            <Field label={w("minAge")}><input type="number" min={0} max={150} value={ages.min} onInput={(e) => setAges({ ...ages, min: e.currentTarget.value })} /></Field>
            <Field label={w("maxAge")}><input type="number" min={0} max={150} value={ages.max} onInput={(e) => setAges({ ...ages, max: e.currentTarget.value })} /></Field>
          </div>
        )}
        {to === "entitlement-state" && (
          <Field label={a("entitlementState")}>
            <select value={state} onChange={(event) => setState(event.currentTarget.value as (typeof STATES)[number])}>
              {STATES.map((s) => <option key={s} value={s}>{named("entitlement_", s)}</option>)}
            </select>
          </Field>
        )}
        <fieldset>
          <legend>{a("when")}</legend>
          <label class="check"><input type="radio" name="when" checked={!later} onChange={() => setLater(false)} /> {a("sendNow")}</label>
          <label class="check"><input type="radio" name="when" checked={later} onChange={() => setLater(true)} /> {a("sendLater")}</label>
          {later && (
            <>
              <DateInput id="send-date" value={date} onChange={(iso) => setDate(iso ?? "")} />
              <Field label={a("timeBangkok")}><input type="time" value={time} onInput={(event) => setTime(event.currentTarget.value)} /></Field>
            </>
          )}
        </fieldset>
        {template && (
          <section class="message-preview" aria-labelledby="preview-title">
            <h4 id="preview-title">{a("previewPhone")}</h4>
            {(["th", "en"] as const).map((lang) => (
              <div class="phone-message" lang={lang} key={lang}>
                <strong>{filled("title", lang)}</strong>
                <p>{filled("body", lang)}</p>
              </div>
            ))}
          </section>
        )}
        <button type="submit" class="primary">{a("checkBeforeSending")}</button>
        {problem && <p role="alert" class="notice error">{problem}</p>}
      </form>
      {confirm !== null && (
        <section class="notice confirm" aria-labelledby="confirm-title">
          <h3 id="confirm-title">{a("confirmSend")}</h3>
          <p role="status">
            {a("willReach")} <strong>{confirm.toLocaleString(locale(language))} {a("people")}</strong>{" "}
            {later && date ? `${a("at")} ${formatDate(language, sendAt(date, time) as string, true)}` : a("rightAway")}
          </p>
          <div class="actions">
            <button type="button" class="primary" onClick={send}>{a("sendIt")}</button>
            <button type="button" onClick={() => setConfirm(null)}>{a("backToEdit")}</button>
          </div>
        </section>
      )}
      {sent && <Progress agencyId={agencyId} sent={sent} key={sent.id} />}
    </>
  );
}
