// Agency console: message templates (each save a new version if the key exists), and sending one to
// followers or an age range with the campaign's progress live (polled every second; counts and a chart).
import { useEffect, useState } from "preact/hooks";

import { type Defaulted, request, type Schema } from "../api";
import { useLoad } from "../state";
import { Field } from "../ui/field";
import { Loaded } from "../ui/loaded";
import { CampaignChart, type Sample } from "./chart";
import { useProblemText } from "./problems";
import { useWords } from "./words";

export function TemplatesPanel({ agencyId }: { agencyId: number }) {
  const { w, pick } = useWords();
  const problemText = useProblemText();
  const [load, reload] = useLoad("/api/v1/agency/{agency_id}/notification-templates", { path: { agency_id: agencyId } });
  const [form, setForm] = useState({ key: "", category: "general", title_th: "", title_en: "", body_th: "", body_en: "" });
  const [message, setMessage] = useState("");
  const set = (key: keyof typeof form) => (event: Event) =>
    setForm({ ...form, [key]: (event.currentTarget as HTMLInputElement).value });
  async function save(event: Event) {
    event.preventDefault();
    try {
      await request("POST", "/api/v1/agency/{agency_id}/notification-templates", { path: { agency_id: agencyId }, body: form });
      setMessage(w("templateSaved"));
      reload();
    } catch (error) {
      setMessage(problemText(error));
    }
  }
  return (
    <>
      <Loaded load={load} reload={reload}>
        {(templates) => (
          <table>
            <thead><tr><th scope="col">{w("key")}</th><th scope="col">{w("version")}</th><th scope="col">{w("title")}</th><th scope="col">{w("placeholders")}</th></tr></thead>
            <tbody>
              {templates.map((template) => (
                <tr key={template.id}>
                  <td><code>{template.key}</code></td>
                  <td>{template.version}</td>
                  <td>{pick(template, "title")}</td>
                  <td>{template.placeholders.join(", ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loaded>
      <h3>{w("newTemplate")}</h3>
      <form onSubmit={save}>
        <Field label={w("key")}><input required pattern="[a-z][a-z0-9-]{1,59}" value={form.key} onInput={set("key")} /></Field>
        <Field label={w("category")}><input required value={form.category} onInput={set("category")} /></Field>
        <Field label={w("titleTh")}><input required value={form.title_th} onInput={set("title_th")} /></Field>
        <Field label={w("titleEn")}><input required value={form.title_en} onInput={set("title_en")} /></Field>
        <Field label={w("textTh")}><textarea required value={form.body_th} onInput={set("body_th")} /></Field>
        <Field label={w("textEn")}><textarea required value={form.body_en} onInput={set("body_en")} /></Field>
        <button type="submit" class="primary">{w("saveTemplate")}</button>
        {message && <p role="status">{message}</p>}
      </form>
    </>
  );
}

type Progress = Schema<"CampaignProgress">;

export function SendPanel({ agencyId }: { agencyId: number }) {
  const { w, pick } = useWords();
  const problemText = useProblemText();
  const [templates] = useLoad("/api/v1/agency/{agency_id}/notification-templates", { path: { agency_id: agencyId } });
  const [template, setTemplate] = useState("");
  const [audience, setAudience] = useState("agency-followers");
  const [ages, setAges] = useState({ min: "60", max: "120" });
  const [campaign, setCampaign] = useState<Progress | null>(null);
  const [samples, setSamples] = useState<Sample[]>([]);
  const [message, setMessage] = useState("");

  useEffect(() => {
    if (!campaign) return;
    const started = Date.now();
    // Polled once a second while the campaign is under way: the API answers from one indexed query.
    const timer = window.setInterval(async () => {
      try {
        const { data } = await request("GET", "/api/v1/agency/{agency_id}/notification-campaigns/{campaign_id}", {
          path: { agency_id: agencyId, campaign_id: campaign.id },
        });
        setCampaign(data);
        setSamples((previous) => [...previous.slice(-119), { seconds: (Date.now() - started) / 1000, counts: data.counts }]);
        const open = (data.counts.created ?? 0) + (data.counts.sending ?? 0);
        if (data.status === "expanded" && open === 0) window.clearInterval(timer);
      } catch {
        /* the next tick tries again */
      }
    }, 1000);
    return () => window.clearInterval(timer);
  }, [campaign?.id]);

  async function start(event: Event) {
    event.preventDefault();
    setMessage("");
    const chosen = template || (templates.status === "ok" ? templates.data[0]?.key : "");
    const body: Defaulted<Schema<"NewCampaign">, "urgency" | "ttl_seconds"> = {
      agency_id: agencyId,
      template: chosen as string, // none when the agency has no template yet: the API says so
      audience:
        audience === "age-range"
          ? { kind: "age-range", min_age: Number(ages.min), max_age: Number(ages.max) }
          : { kind: "agency-followers" },
      idempotency_key: crypto.randomUUID(),
    };
    try {
      const { data: started } = await request("POST", "/api/v1/agency/notification-campaigns", {
        body: body as Schema<"NewCampaign">,
      });
      setSamples([{ seconds: 0, counts: started.counts }]);
      setCampaign(started);
    } catch (error) {
      setMessage(problemText(error));
    }
  }

  return (
    <>
      <form onSubmit={start}>
        <Field label={w("template")}>
          <select
            value={template || (templates.status === "ok" ? templates.data[0]?.key : "")}
            onChange={(event) => setTemplate(event.currentTarget.value)}
          >
            {templates.status === "ok" &&
              templates.data.map((t) => <option key={t.id} value={t.key}>{t.key}: {pick(t, "title")}</option>)}
          </select>
        </Field>
        <Field label={w("audience")}>
          <select value={audience} onChange={(event) => setAudience(event.currentTarget.value)}>
            <option value="agency-followers">{w("followers")}</option>
            <option value="age-range">{w("ageRange")}</option>
          </select>
        </Field>
        {audience === "age-range" && (
          <div class="actions">
            <Field label={w("minAge")}><input type="number" min={0} max={150} value={ages.min} onInput={(e) => setAges({ ...ages, min: e.currentTarget.value })} /></Field>
            <Field label={w("maxAge")}><input type="number" min={0} max={150} value={ages.max} onInput={(e) => setAges({ ...ages, max: e.currentTarget.value })} /></Field>
          </div>
        )}
        <button type="submit" class="primary">{w("send")}</button>
        {message && <p role="alert">{message}</p>}
      </form>
      {campaign && (
        <section aria-labelledby="progress-title" class="progress">
          <h3 id="progress-title">{w("progress")}</h3>
          <p role="status" aria-live="polite">
            {w(campaign.status === "expanded" ? "allAdded" : "adding")}: {campaign.recipients} {w("recipients")};{" "}
            {Object.entries(campaign.counts).map(([status, count]) => `${status} ${count}`).join(", ") || w("noMessagesYet")}
          </p>
          <CampaignChart samples={samples} label={w("chart")} />
        </section>
      )}
    </>
  );
}
