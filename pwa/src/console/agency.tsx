// Agency console: tiles with a live preview, connectors (health and registration), message templates,
// sending with live progress, the bills the agency issued with their payments, and the applications
// citizens sent (applications.tsx).
import { useEffect, useState } from "preact/hooks";

import { get, send } from "../api";
import { Loaded } from "../components";
import { formatBaht } from "../i18n";
import { useLoad } from "../state";
import { ApplicationsPanel } from "./applications";
import { CampaignChart, type Sample } from "./chart";
import { Field, Tabs, useProblemText } from "./parts";
import { type Word, useWords } from "./words";

export interface TileContent {
  title_th: string;
  title_en: string;
  description_th: string;
  description_en: string;
  icon: string;
  category: string;
  kind: string;
  link_url: string | null;
}
export interface AgencyTile {
  id: number;
  state: string;
  review_comment: string | null;
  draft: TileContent | null;
  published: TileContent | null;
}

const CATEGORIES = ["welfare", "health", "family", "education", "work", "tax", "utilities", "documents", "transport", "housing", "agriculture", "safety"];
const ICONS: Record<string, string> = { document: "📄", health: "🩺", money: "💰", baby: "👶", elderly: "🧓", water: "💧", school: "🏫", id: "🪪" };

type AgencyTab = "applications" | "tiles" | "connectors" | "templates" | "send" | "bills";
const AGENCY_TABS: [AgencyTab, Word, string[]][] = [
  ["tiles", "tiles", ["agency_admin", "agency_editor"]],
  ["connectors", "connectors", ["agency_admin"]],
  ["templates", "templates", ["agency_admin", "agency_sender"]],
  ["send", "sendMessage", ["agency_admin", "agency_sender"]],
  ["bills", "billsTab", ["agency_admin"]],
  ["applications", "applicationsTab", ["agency_admin", "agency_officer"]],
];

export function AgencyConsole({ agencyId, name, roles }: { agencyId: number; name: string; roles: string[] }) {
  const { w } = useWords();
  // Only the sections this person's roles at this agency allow (the API refuses the rest anyway).
  const tabs = AGENCY_TABS.filter(([, , allowed]) => allowed.some((role) => roles.includes(role)));
  const [tab, setTab] = useState<AgencyTab>(tabs[0]?.[0] ?? "tiles");
  return (
    <>
      <h2>{name}</h2>
      <Tabs label={w("sections")} tabs={tabs.map(([key, word]): [AgencyTab, string] => [key, w(word)])} current={tab} choose={setTab} />
      {tab === "tiles" && <TilesPanel agencyId={agencyId} />}
      {tab === "connectors" && <ConnectorsPanel agencyId={agencyId} />}
      {tab === "templates" && <TemplatesPanel agencyId={agencyId} />}
      {tab === "send" && <SendPanel agencyId={agencyId} />}
      {tab === "bills" && <BillsPanel agencyId={agencyId} />}
      {tab === "applications" && <ApplicationsPanel agencyId={agencyId} />}
    </>
  );
}

const EMPTY_TILE: TileContent = {
  title_th: "", title_en: "", description_th: "", description_en: "", icon: "document", category: "welfare",
  kind: "link", link_url: "https://",
};

export function TilePreview({ tile }: { tile: TileContent }) {
  const { w } = useWords();
  // The same markup and classes as the citizen's home screen, in both languages.
  return (
    <div class="preview" aria-label={w("preview")}>
      {(["th", "en"] as const).map((language) => (
        <ul class="tiles" key={language} lang={language}>
          <li class="tile">
            <span class="tile-open">
              <span class="tile-icon" aria-hidden="true">{ICONS[tile.icon] ?? "🏛️"}</span>
              <span class="tile-title">{tile[`title_${language}`] || "…"}</span>
              <span class="tile-agency">{tile[`description_${language}`]}</span>
            </span>
          </li>
        </ul>
      ))}
    </div>
  );
}

function TilesPanel({ agencyId }: { agencyId: number }) {
  const { w, language } = useWords();
  const problemText = useProblemText();
  const [load, reload] = useLoad<AgencyTile[]>(`/api/v1/agency/${agencyId}/tiles`);
  const [draft, setDraft] = useState<TileContent>(EMPTY_TILE);
  const [message, setMessage] = useState("");
  const set = (key: keyof TileContent) => (event: Event) =>
    setDraft({ ...draft, [key]: (event.currentTarget as HTMLInputElement).value });

  async function save(submit: boolean) {
    setMessage("");
    try {
      const body = { ...draft, link_url: draft.kind === "link" ? draft.link_url : null };
      const tile = await send<AgencyTile>("POST", `/api/v1/agency/${agencyId}/tiles`, body);
      if (submit && tile) await send("POST", `/api/v1/agency/${agencyId}/tiles/${tile.id}/submit`);
      setMessage(w(submit ? "submitted" : "draftSaved"));
      setDraft(EMPTY_TILE);
      reload();
    } catch (error) {
      setMessage(problemText(error));
    }
  }

  return (
    <>
      <h3>{w("newTile")}</h3>
      <div class="console-grid">
        <form onSubmit={(event) => { event.preventDefault(); save(true); }}>
          <Field label={w("titleTh")}><input required value={draft.title_th} onInput={set("title_th")} /></Field>
          <Field label={w("titleEn")}><input required value={draft.title_en} onInput={set("title_en")} /></Field>
          <Field label={w("descriptionTh")}><input value={draft.description_th} onInput={set("description_th")} /></Field>
          <Field label={w("descriptionEn")}><input value={draft.description_en} onInput={set("description_en")} /></Field>
          <Field label={w("icon")}>
            <select value={draft.icon} onChange={set("icon")}>
              {Object.keys(ICONS).map((icon) => <option key={icon} value={icon}>{icon}</option>)}
            </select>
          </Field>
          <Field label={w("category")}>
            <select value={draft.category} onChange={set("category")}>
              {CATEGORIES.map((category) => <option key={category} value={category}>{category}</option>)}
            </select>
          </Field>
          <Field label={w("kind")}>
            <select value={draft.kind} onChange={set("kind")}>
              {["link", "entitlement", "bill_payment", "application"].map((kind) => <option key={kind} value={kind}>{kind}</option>)}
            </select>
          </Field>
          {draft.kind === "link" && (
            <Field label={w("link")}><input type="url" value={draft.link_url ?? ""} onInput={set("link_url")} /></Field>
          )}
          <div class="actions">
            <button type="submit" class="primary">{w("saveAndSubmit")}</button>
            <button type="button" onClick={() => save(false)}>{w("saveDraft")}</button>
          </div>
          {message && <p role="status">{message}</p>}
        </form>
        <TilePreview tile={draft} />
      </div>
      <h3>{w("agencyTiles")}</h3>
      <Loaded load={load} reload={reload}>
        {(tiles) => (
          <table>
            <thead><tr><th scope="col">{w("title")}</th><th scope="col">{w("state")}</th><th scope="col">{w("reviewComment")}</th></tr></thead>
            <tbody>
              {tiles.map((tile) => (
                <tr key={tile.id}>
                  <td>{(tile.draft ?? tile.published)?.[language === "th" ? "title_th" : "title_en"]}</td>
                  <td>{tile.state}</td>
                  <td>{tile.review_comment ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loaded>
    </>
  );
}

interface ConnectorRow {
  id: number;
  name: string;
  title_th: string;
  title_en: string;
  base_url: string;
  auth_kind: string;
  status: string;
  circuit: string;
  consent_required: boolean;
}

function ConnectorsPanel({ agencyId }: { agencyId: number }) {
  const { w, language } = useWords();
  const [load, reload] = useLoad<ConnectorRow[]>(`/api/v1/agency/${agencyId}/connectors`);
  return (
    <>
      <Loaded load={load} reload={reload}>
        {(rows) => (
          <table>
            <thead>
              <tr><th scope="col">{w("connector")}</th><th scope="col">{w("address")}</th><th scope="col">{w("authentication")}</th><th scope="col">{w("status")}</th><th scope="col">{w("circuit")}</th></tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id}>
                  <td>{language === "th" ? row.title_th : row.title_en}</td>
                  <td><code>{row.base_url}</code></td>
                  <td>{row.auth_kind}</td>
                  <td>{row.status}</td>
                  <td class={row.circuit === "closed" ? "ok" : "warning"}>{row.circuit}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loaded>
      <ConnectorForm agencyId={agencyId} registered={reload} />
    </>
  );
}

const EMPTY_CONNECTOR = {
  name: "", title_th: "", title_en: "", base_url: "https://", auth_kind: "api_key",
  api_key_header: "X-API-Key", api_key: "", oauth_token_url: "https://", oauth_client_id: "", oauth_client_secret: "",
  oauth_scope: "", client_certificate_pem: "", client_private_key_pem: "", server_ca_pem: "", min_age: "", max_age: "",
  timeout_ms: "2000", retries: "1", cache_seconds: "300", consent_required: false, purpose: "", fields: "",
};

/** The registration form; the API checks the address (no private or loopback hosts) and the TLS material. */
function ConnectorForm({ agencyId, registered }: { agencyId: number; registered: () => void }) {
  const { w } = useWords();
  const problemText = useProblemText();
  const [form, setForm] = useState(EMPTY_CONNECTOR);
  const [message, setMessage] = useState("");
  const set = (key: keyof typeof EMPTY_CONNECTOR) => (event: Event) => {
    const target = event.currentTarget as HTMLInputElement;
    setForm({ ...form, [key]: target.type === "checkbox" ? target.checked : target.value });
  };
  const optional = (value: string) => (value.trim() === "" ? null : value);
  const number = (value: string) => (value.trim() === "" ? null : Number(value));

  async function register(event: Event) {
    event.preventDefault();
    setMessage("");
    const kind = form.auth_kind;
    const body = {
      name: form.name, title_th: form.title_th, title_en: form.title_en, base_url: form.base_url, auth_kind: kind,
      ...(kind === "api_key" ? { api_key_header: form.api_key_header, api_key: form.api_key } : {}),
      ...(kind === "oauth_client_credentials"
        ? { oauth_token_url: form.oauth_token_url, oauth_client_id: form.oauth_client_id, oauth_client_secret: form.oauth_client_secret, oauth_scope: optional(form.oauth_scope) }
        : {}),
      ...(kind === "client_tls" ? { client_certificate_pem: form.client_certificate_pem, client_private_key_pem: form.client_private_key_pem } : {}),
      server_ca_pem: optional(form.server_ca_pem),
      min_age: number(form.min_age), max_age: number(form.max_age),
      timeout_ms: Number(form.timeout_ms), retries: Number(form.retries), cache_seconds: Number(form.cache_seconds),
      consent_required: form.consent_required, purpose: form.purpose,
      fields: form.fields.split(",").map((field) => field.trim()).filter(Boolean),
    };
    try {
      await send("POST", `/api/v1/agency/${agencyId}/connectors`, body);
      setMessage(w("registered"));
      setForm(EMPTY_CONNECTOR);
      registered();
    } catch (error) {
      setMessage(problemText(error));
    }
  }

  return (
    <form onSubmit={register} aria-labelledby="register-connector">
      <h3 id="register-connector">{w("registerConnector")}</h3>
      <div class="console-grid">
        <div>
          <Field label={w("connectorName")}><input required pattern="[a-z][a-z0-9-]{1,39}" value={form.name} onInput={set("name")} /></Field>
          <Field label={w("titleTh")}><input required value={form.title_th} onInput={set("title_th")} /></Field>
          <Field label={w("titleEn")}><input required value={form.title_en} onInput={set("title_en")} /></Field>
          <Field label={w("baseUrl")}><input required type="url" value={form.base_url} onInput={set("base_url")} /></Field>
          <Field label={w("purpose")}><input required value={form.purpose} onInput={set("purpose")} /></Field>
          <Field label={w("fields")}><input value={form.fields} onInput={set("fields")} /></Field>
          <label class="check">
            <input type="checkbox" checked={form.consent_required} onChange={set("consent_required")} /> {w("consentRequired")}
          </label>
        </div>
        <div>
          <Field label={w("authentication")}>
            <select value={form.auth_kind} onChange={set("auth_kind")}>
              {["api_key", "oauth_client_credentials", "client_tls", "none"].map((kind) => <option key={kind} value={kind}>{kind}</option>)}
            </select>
          </Field>
          {form.auth_kind === "api_key" && (
            <>
              <Field label={w("apiKeyHeader")}><input required value={form.api_key_header} onInput={set("api_key_header")} /></Field>
              <Field label={w("apiKey")}><input required type="password" autoComplete="off" value={form.api_key} onInput={set("api_key")} /></Field>
            </>
          )}
          {form.auth_kind === "oauth_client_credentials" && (
            <>
              <Field label={w("tokenUrl")}><input required type="url" value={form.oauth_token_url} onInput={set("oauth_token_url")} /></Field>
              <Field label={w("clientId")}><input required value={form.oauth_client_id} onInput={set("oauth_client_id")} /></Field>
              <Field label={w("clientSecret")}><input required type="password" autoComplete="off" value={form.oauth_client_secret} onInput={set("oauth_client_secret")} /></Field>
              <Field label={w("scope")}><input value={form.oauth_scope} onInput={set("oauth_scope")} /></Field>
            </>
          )}
          {form.auth_kind === "client_tls" && (
            <>
              <Field label={w("clientCertificate")}><textarea required value={form.client_certificate_pem} onInput={set("client_certificate_pem")} /></Field>
              <Field label={w("clientKey")}><textarea required autoComplete="off" value={form.client_private_key_pem} onInput={set("client_private_key_pem")} /></Field>
            </>
          )}
          <Field label={w("serverCa")}><textarea value={form.server_ca_pem} onInput={set("server_ca_pem")} /></Field>
          <div class="actions">
            <Field label={w("minAge")}><input type="number" min={0} max={150} value={form.min_age} onInput={set("min_age")} /></Field>
            <Field label={w("maxAge")}><input type="number" min={0} max={150} value={form.max_age} onInput={set("max_age")} /></Field>
          </div>
          <div class="actions">
            <Field label={w("timeoutMs")}><input type="number" min={100} max={10000} value={form.timeout_ms} onInput={set("timeout_ms")} /></Field>
            <Field label={w("retries")}><input type="number" min={0} max={3} value={form.retries} onInput={set("retries")} /></Field>
            <Field label={w("cacheSeconds")}><input type="number" min={0} max={86400} value={form.cache_seconds} onInput={set("cache_seconds")} /></Field>
          </div>
        </div>
      </div>
      <p>{w("secretsNote")}</p>
      <button type="submit" class="primary">{w("register")}</button>
      {message && <p role="status">{message}</p>}
    </form>
  );
}

interface Template {
  id: number;
  key: string;
  version: number;
  category: string;
  title_en: string;
  title_th: string;
  placeholders: string[];
}

function TemplatesPanel({ agencyId }: { agencyId: number }) {
  const { w, language } = useWords();
  const problemText = useProblemText();
  const [load, reload] = useLoad<Template[]>(`/api/v1/agency/${agencyId}/notification-templates`);
  const [form, setForm] = useState({ key: "", category: "general", title_th: "", title_en: "", body_th: "", body_en: "" });
  const [message, setMessage] = useState("");
  const set = (key: keyof typeof form) => (event: Event) =>
    setForm({ ...form, [key]: (event.currentTarget as HTMLInputElement).value });
  async function save(event: Event) {
    event.preventDefault();
    try {
      await send("POST", `/api/v1/agency/${agencyId}/notification-templates`, form);
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
                  <td>{language === "th" ? template.title_th : template.title_en}</td>
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

interface Progress {
  id: string;
  status: string;
  recipients: number;
  counts: Record<string, number>;
}

function SendPanel({ agencyId }: { agencyId: number }) {
  const { w, language } = useWords();
  const problemText = useProblemText();
  const [templates] = useLoad<Template[]>(`/api/v1/agency/${agencyId}/notification-templates`);
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
        const { data } = await get<Progress>(`/api/v1/agency/${agencyId}/notification-campaigns/${campaign.id}`);
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
    const body = {
      agency_id: agencyId,
      template: chosen,
      audience: audience === "age-range" ? { kind: "age-range", min_age: Number(ages.min), max_age: Number(ages.max) } : { kind: audience },
      idempotency_key: crypto.randomUUID(),
    };
    try {
      const started = await send<Progress>("POST", "/api/v1/agency/notification-campaigns", body);
      if (started) {
        setSamples([{ seconds: 0, counts: started.counts }]);
        setCampaign(started);
      }
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
              templates.data.map((t) => <option key={t.id} value={t.key}>{t.key}: {language === "th" ? t.title_th : t.title_en}</option>)}
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

interface IssuedBill {
  id: string;
  biller_id: string;
  ref1: string;
  ref2: string | null;
  description_th: string;
  description_en: string;
  amount_satang: number;
  due_date: string;
  issued_at: string;
  status: string;
  payment_state: string | null;
  payment_at: string | null;
  receipt_number: string | null;
}
interface IssuedBills {
  items: IssuedBill[];
  next_before: string | null;
  summary: Record<string, { count: number; total_satang: number }>;
}

function BillsPanel({ agencyId }: { agencyId: number }) {
  const { w, when, language } = useWords();
  const problemText = useProblemText();
  const [status, setStatus] = useState("");
  const [pages, setPages] = useState<IssuedBills[]>([]);
  const [message, setMessage] = useState("");
  const path = (before: string | null) =>
    `/api/v1/agency/${agencyId}/bills?limit=50${status ? `&status=${status}` : ""}${before ? `&before=${encodeURIComponent(before)}` : ""}`;

  async function load(before: string | null) {
    try {
      const { data } = await get<IssuedBills>(path(before));
      setPages((previous) => (before ? [...previous, data] : [data]));
    } catch (error) {
      setMessage(problemText(error));
    }
  }
  useEffect(() => {
    setPages([]);
    void load(null);
  }, [status]);

  const summary = pages[0]?.summary ?? {};
  const rows = pages.flatMap((page) => page.items);
  const next = pages[pages.length - 1]?.next_before ?? null;
  return (
    <>
      {message && <p role="alert">{message}</p>}
      <dl class="summary">
        {Object.entries(summary).map(([state, figures]) => (
          <div key={state}>
            <dt>{state}</dt>
            <dd>{figures.count} · {formatBaht(language, figures.total_satang)}</dd>
          </div>
        ))}
      </dl>
      <Field label={w("showStatus")}>
        <select value={status} onChange={(event) => setStatus(event.currentTarget.value)}>
          <option value="">{w("all")}</option>
          {Object.keys(summary).map((state) => <option key={state} value={state}>{state}</option>)}
        </select>
      </Field>
      {pages.length > 0 && rows.length === 0 && <p>{w("noBills")}</p>}
      {rows.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">{w("reference")}</th><th scope="col">{w("title")}</th><th scope="col">{w("due")}</th>
              <th scope="col">{w("amount")}</th><th scope="col">{w("status")}</th><th scope="col">{w("payment")}</th><th scope="col">{w("receipt")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((bill) => (
              <tr key={bill.id}>
                <td><code>{bill.ref1}</code>{bill.ref2 && <> / <code>{bill.ref2}</code></>}<br /><small>{w("issued")} {when(bill.issued_at)}</small></td>
                <td>{language === "th" ? bill.description_th : bill.description_en}</td>
                <td>{bill.due_date}</td>
                <td>{formatBaht(language, bill.amount_satang)}</td>
                <td>{bill.status}</td>
                <td>{bill.payment_state ? `${bill.payment_state}${bill.payment_at ? `, ${when(bill.payment_at)}` : ""}` : ""}</td>
                <td>{bill.receipt_number ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next && <button type="button" onClick={() => load(next)}>{w("more")}</button>}
    </>
  );
}
