// Staff consoles: agency (tiles with a live preview, connectors, templates, sending with live
// progress), support (one citizen's messages and every delivery attempt, resend) and admin
// (approve agencies, review tiles). Loaded on demand so citizens never download it. Staff work in
// English for now (see pwa/README.md).
import { useEffect, useState } from "preact/hooks";

import { ApiError, get, send } from "../api";
import { Loaded } from "../components";
import { useApp, useLoad } from "../state";
import { CampaignChart, type Sample } from "./chart";

type Role = { role: string; agency_id: number | null };

function problemText(error: unknown): string {
  return error instanceof ApiError ? error.detail || error.title : "Something went wrong.";
}

function Tabs<K extends string>({ tabs, current, choose }: { tabs: [K, string][]; current: K; choose: (k: K) => void }) {
  return (
    <div class="segmented" role="group" aria-label="Sections">
      {tabs.map(([key, label]) => (
        <button key={key} type="button" aria-pressed={current === key} onClick={() => choose(key)}>
          {label}
        </button>
      ))}
    </div>
  );
}

function Field({ label, children }: { label: string; children: preact.ComponentChildren }) {
  return (
    <label class="field">
      <span>{label}</span>
      {children}
    </label>
  );
}

export function Console() {
  const { me } = useApp();
  const roles: Role[] = me?.roles ?? [];
  const agencyIds = [...new Set(roles.filter((r) => r.agency_id !== null).map((r) => r.agency_id as number))];
  const isSupport = roles.some((r) => r.role === "support");
  const isAdmin = roles.some((r) => r.role === "platform_admin");
  const [agencies] = useLoad<{ id: number; name_en: string }[]>("/api/v1/agencies");
  const agencyName = (id: number) =>
    (agencies.status === "ok" && agencies.data.find((agency) => agency.id === id)?.name_en) || `Agency ${id}`;
  const sections: [string, string][] = [
    ...agencyIds.map((id): [string, string] => [`agency-${id}`, agencyName(id)]),
    ...(isSupport ? ([["support", "Support"]] as [string, string][]) : []),
    ...(isAdmin ? ([["admin", "Administration"]] as [string, string][]) : []),
  ];
  const [section, setSection] = useState(sections[0]?.[0] ?? "");
  if (sections.length === 0) {
    return (
      <section aria-labelledby="console-title">
        <h1 id="console-title">Staff console</h1>
        <p>Your account has no staff role. Ask a platform administrator to grant one.</p>
      </section>
    );
  }
  return (
    <section aria-labelledby="console-title" lang="en">
      <h1 id="console-title">Staff console</h1>
      <Tabs tabs={sections} current={section} choose={setSection} />
      {section.startsWith("agency-") && (
        <AgencyConsole
          key={section}
          agencyId={Number(section.slice(7))}
          name={agencyName(Number(section.slice(7)))}
          roles={roles.filter((r) => r.agency_id === Number(section.slice(7))).map((r) => r.role)}
        />
      )}
      {section === "support" && <SupportConsole />}
      {section === "admin" && <AdminConsole />}
    </section>
  );
}

// --- agency ----------------------------------------------------------------------------------

interface TileContent {
  title_th: string;
  title_en: string;
  description_th: string;
  description_en: string;
  icon: string;
  category: string;
  kind: string;
  link_url: string | null;
}
interface AgencyTile {
  id: number;
  state: string;
  review_comment: string | null;
  draft: TileContent | null;
  published: TileContent | null;
}

const CATEGORIES = ["welfare", "health", "family", "education", "work", "tax", "utilities", "documents", "transport", "housing", "agriculture", "safety"];
const ICONS: Record<string, string> = { document: "📄", health: "🩺", money: "💰", baby: "👶", elderly: "🧓", water: "💧", school: "🏫", id: "🪪" };

type AgencyTab = "tiles" | "connectors" | "templates" | "send";
const AGENCY_TABS: [AgencyTab, string, string[]][] = [
  ["tiles", "Tiles", ["agency_admin", "agency_editor"]],
  ["connectors", "Connectors", ["agency_admin"]],
  ["templates", "Templates", ["agency_admin", "agency_sender"]],
  ["send", "Send a message", ["agency_admin", "agency_sender"]],
];

function AgencyConsole({ agencyId, name, roles }: { agencyId: number; name: string; roles: string[] }) {
  // Only the sections this person's roles at this agency allow (the API refuses the rest anyway).
  const tabs = AGENCY_TABS.filter(([, , allowed]) => allowed.some((role) => roles.includes(role)));
  const [tab, setTab] = useState<AgencyTab>(tabs[0]?.[0] ?? "tiles");
  return (
    <>
      <h2>{name}</h2>
      <Tabs tabs={tabs.map(([key, label]): [AgencyTab, string] => [key, label])} current={tab} choose={setTab} />
      {tab === "tiles" && <TilesPanel agencyId={agencyId} />}
      {tab === "connectors" && <ConnectorsPanel agencyId={agencyId} />}
      {tab === "templates" && <TemplatesPanel agencyId={agencyId} />}
      {tab === "send" && <SendPanel agencyId={agencyId} />}
    </>
  );
}

const EMPTY_TILE: TileContent = {
  title_th: "", title_en: "", description_th: "", description_en: "", icon: "document", category: "welfare",
  kind: "link", link_url: "https://",
};

function TilePreview({ tile }: { tile: TileContent }) {
  // The same markup and classes as the citizen's home screen, in both languages.
  return (
    <div class="preview" aria-label="Preview as citizens see it">
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
      setMessage(submit ? "Saved and sent for review." : "Saved as a draft.");
      setDraft(EMPTY_TILE);
      reload();
    } catch (error) {
      setMessage(problemText(error));
    }
  }

  return (
    <>
      <h3>New tile</h3>
      <div class="console-grid">
        <form onSubmit={(event) => { event.preventDefault(); save(true); }}>
          <Field label="Title (Thai)"><input required value={draft.title_th} onInput={set("title_th")} /></Field>
          <Field label="Title (English)"><input required value={draft.title_en} onInput={set("title_en")} /></Field>
          <Field label="Description (Thai)"><input value={draft.description_th} onInput={set("description_th")} /></Field>
          <Field label="Description (English)"><input value={draft.description_en} onInput={set("description_en")} /></Field>
          <Field label="Icon">
            <select value={draft.icon} onChange={set("icon")}>
              {Object.keys(ICONS).map((icon) => <option key={icon} value={icon}>{icon}</option>)}
            </select>
          </Field>
          <Field label="Category">
            <select value={draft.category} onChange={set("category")}>
              {CATEGORIES.map((category) => <option key={category} value={category}>{category}</option>)}
            </select>
          </Field>
          <Field label="Kind">
            <select value={draft.kind} onChange={set("kind")}>
              {["link", "entitlement", "bill_payment", "application"].map((kind) => <option key={kind} value={kind}>{kind}</option>)}
            </select>
          </Field>
          {draft.kind === "link" && (
            <Field label="Link (https)"><input type="url" value={draft.link_url ?? ""} onInput={set("link_url")} /></Field>
          )}
          <div class="actions">
            <button type="submit" class="primary">Save and submit for review</button>
            <button type="button" onClick={() => save(false)}>Save as draft</button>
          </div>
          {message && <p role="status">{message}</p>}
        </form>
        <TilePreview tile={draft} />
      </div>
      <h3>The agency's tiles</h3>
      <Loaded load={load} reload={reload}>
        {(tiles) => (
          <table>
            <thead><tr><th scope="col">Title</th><th scope="col">State</th><th scope="col">Review comment</th></tr></thead>
            <tbody>
              {tiles.map((tile) => (
                <tr key={tile.id}>
                  <td>{(tile.draft ?? tile.published)?.title_en}</td>
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
  title_en: string;
  base_url: string;
  auth_kind: string;
  status: string;
  circuit: string;
  consent_required: boolean;
}

function ConnectorsPanel({ agencyId }: { agencyId: number }) {
  const [load, reload] = useLoad<ConnectorRow[]>(`/api/v1/agency/${agencyId}/connectors`);
  return (
    <Loaded load={load} reload={reload}>
      {(rows) => (
        <table>
          <thead>
            <tr><th scope="col">Connector</th><th scope="col">Address</th><th scope="col">Authentication</th><th scope="col">Status</th><th scope="col">Circuit</th></tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id}>
                <td>{row.title_en}</td>
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
  const [load, reload] = useLoad<Template[]>(`/api/v1/agency/${agencyId}/notification-templates`);
  const [form, setForm] = useState({ key: "", category: "general", title_th: "", title_en: "", body_th: "", body_en: "" });
  const [message, setMessage] = useState("");
  const set = (key: keyof typeof form) => (event: Event) =>
    setForm({ ...form, [key]: (event.currentTarget as HTMLInputElement).value });
  async function save(event: Event) {
    event.preventDefault();
    try {
      await send("POST", `/api/v1/agency/${agencyId}/notification-templates`, form);
      setMessage("Template saved (a new version if the key existed).");
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
            <thead><tr><th scope="col">Key</th><th scope="col">Version</th><th scope="col">Title</th><th scope="col">Placeholders</th></tr></thead>
            <tbody>
              {templates.map((template) => (
                <tr key={template.id}>
                  <td><code>{template.key}</code></td>
                  <td>{template.version}</td>
                  <td>{template.title_en}</td>
                  <td>{template.placeholders.join(", ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loaded>
      <h3>New template</h3>
      <form onSubmit={save}>
        <Field label="Key"><input required pattern="[a-z][a-z0-9-]{1,59}" value={form.key} onInput={set("key")} /></Field>
        <Field label="Category"><input required value={form.category} onInput={set("category")} /></Field>
        <Field label="Title (Thai)"><input required value={form.title_th} onInput={set("title_th")} /></Field>
        <Field label="Title (English)"><input required value={form.title_en} onInput={set("title_en")} /></Field>
        <Field label="Text (Thai), ((placeholders)) allowed"><textarea required value={form.body_th} onInput={set("body_th")} /></Field>
        <Field label="Text (English)"><textarea required value={form.body_en} onInput={set("body_en")} /></Field>
        <button type="submit" class="primary">Save template</button>
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
        <Field label="Template">
          <select
            value={template || (templates.status === "ok" ? templates.data[0]?.key : "")}
            onChange={(event) => setTemplate(event.currentTarget.value)}
          >
            {templates.status === "ok" && templates.data.map((t) => <option key={t.id} value={t.key}>{t.key}: {t.title_en}</option>)}
          </select>
        </Field>
        <Field label="Audience">
          <select value={audience} onChange={(event) => setAudience(event.currentTarget.value)}>
            <option value="agency-followers">Everyone following this agency's tiles</option>
            <option value="age-range">An age range</option>
          </select>
        </Field>
        {audience === "age-range" && (
          <div class="actions">
            <Field label="From age"><input type="number" min={0} max={150} value={ages.min} onInput={(e) => setAges({ ...ages, min: e.currentTarget.value })} /></Field>
            <Field label="To age"><input type="number" min={0} max={150} value={ages.max} onInput={(e) => setAges({ ...ages, max: e.currentTarget.value })} /></Field>
          </div>
        )}
        <button type="submit" class="primary">Send</button>
        {message && <p role="alert">{message}</p>}
      </form>
      {campaign && (
        <section aria-labelledby="progress-title" class="progress">
          <h3 id="progress-title">Campaign progress</h3>
          <p role="status" aria-live="polite">
            {campaign.status === "expanded" ? "All recipients added" : "Adding recipients"}: {campaign.recipients} recipients;{" "}
            {Object.entries(campaign.counts).map(([status, count]) => `${status} ${count}`).join(", ") || "no messages yet"}
          </p>
          <CampaignChart samples={samples} />
        </section>
      )}
    </>
  );
}

// --- support ---------------------------------------------------------------------------------

interface Found {
  id: string;
  citizen_id: string;
  national_id_masked: string;
  agency_name_en: string;
  title_en: string;
  status: string;
  status_reason: string | null;
  created_at: string;
}
interface Attempt { attempt: number; status_code: number | null; outcome: string; reason: string; at: string }
interface Delivery { id: number; device_id: string | null; push_service: string; status: string; attempts: Attempt[] }
interface Message { id: string; agency_name_en: string; title_en: string; status: string; status_reason: string | null; created_at: string; deliveries: Delivery[] }
interface Device { id: string; push_service: string; user_agent: string; healthy: boolean; last_failure_reason: string | null }
interface CitizenMessages { citizen_id: string; national_id_masked: string; devices: Device[]; messages: Message[] }

function when(iso: string): string {
  return new Date(iso).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "medium" });
}

function SupportConsole() {
  const [nationalId, setNationalId] = useState("");
  const [found, setFound] = useState<Found[] | null>(null);
  const [citizen, setCitizen] = useState<CitizenMessages | null>(null);
  const [message, setMessage] = useState("");

  async function search(event: Event) {
    event.preventDefault();
    setMessage("");
    setCitizen(null);
    try {
      setFound(await send<Found[]>("POST", "/api/v1/support/notifications/search", { national_id: nationalId.replace(/\D/g, "") }));
    } catch (error) {
      setMessage(problemText(error));
    }
  }
  async function open(citizenId: string) {
    try {
      setCitizen((await get<CitizenMessages>(`/api/v1/support/citizens/${citizenId}/notifications`)).data);
    } catch (error) {
      setMessage(problemText(error));
    }
  }
  async function resend(id: string) {
    const note = window.prompt("Why is this being sent again? (kept with the record)");
    if (!note) return;
    try {
      await send("POST", `/api/v1/support/notifications/${id}/resend`, { note });
      setMessage("Sent again to the citizen's healthy devices.");
      if (citizen) await open(citizen.citizen_id);
    } catch (error) {
      setMessage(problemText(error));
    }
  }

  return (
    <>
      <h2>Support</h2>
      <p class="notice" role="note">Every look-up you make is recorded and shown to the citizen in "who accessed my data".</p>
      <form onSubmit={search} class="actions">
        <Field label="Citizen's national ID">
          <input inputMode="numeric" autoComplete="off" required value={nationalId} onInput={(e) => setNationalId(e.currentTarget.value)} />
        </Field>
        <button type="submit" class="primary">Find messages</button>
      </form>
      {message && <p role="status">{message}</p>}
      {found && found.length === 0 && <p>No messages for that national ID.</p>}
      {found && found.length > 0 && !citizen && (
        <>
          <p>Citizen {found[0].national_id_masked}</p>
          <ul class="list">
            {found.map((row) => (
              <li key={row.id}>
                <strong>{row.title_en}</strong> from {row.agency_name_en}, {when(row.created_at)}: <span class="status">{row.status}</span>
                {row.status_reason && <> ({row.status_reason})</>}
              </li>
            ))}
          </ul>
          <button type="button" onClick={() => open(found[0].citizen_id)}>Show devices and delivery attempts</button>
        </>
      )}
      {citizen && (
        <section aria-labelledby="citizen-title">
          <h3 id="citizen-title">Citizen {citizen.national_id_masked}</h3>
          <h4>Devices</h4>
          <ul class="list">
            {citizen.devices.map((device) => (
              <li key={device.id}>
                {device.user_agent || "unknown device"} via {device.push_service}: {device.healthy ? "healthy" : `failing (${device.last_failure_reason ?? "no reason"})`}
              </li>
            ))}
          </ul>
          <h4>Messages</h4>
          {citizen.messages.map((item) => (
            <article key={item.id} class="card">
              <h5>{item.title_en} <span class="status">{item.status}</span></h5>
              <p>{item.agency_name_en}, {when(item.created_at)}{item.status_reason && `: ${item.status_reason}`}</p>
              {item.deliveries.map((delivery) => (
                <div key={delivery.id}>
                  <p>Device {delivery.device_id?.slice(0, 8) ?? "(removed)"} via {delivery.push_service}: <strong>{delivery.status}</strong></p>
                  <ol class="timeline">
                    {delivery.attempts.map((attempt) => (
                      <li key={attempt.attempt}>
                        <time dateTime={attempt.at}>{when(attempt.at)}</time> attempt {attempt.attempt}: {attempt.outcome}
                        {attempt.status_code !== null && ` (HTTP ${attempt.status_code})`}. {attempt.reason}
                      </li>
                    ))}
                  </ol>
                </div>
              ))}
              <button type="button" onClick={() => resend(item.id)}>Send again</button>
            </article>
          ))}
        </section>
      )}
    </>
  );
}

// --- administration --------------------------------------------------------------------------

interface Agency { id: number; code: string; name_en: string; name_th: string; status: string; contact_email: string | null }

function AdminConsole() {
  const [agencies, reloadAgencies] = useLoad<Agency[]>("/api/v1/admin/agencies?status=pending");
  const [reviews, reloadReviews] = useLoad<(AgencyTile & { agency_id: number })[]>("/api/v1/admin/tile-reviews");
  const [message, setMessage] = useState("");
  async function act(path: string, body?: unknown) {
    try {
      await send("POST", path, body);
      setMessage("Done.");
      reloadAgencies();
      reloadReviews();
    } catch (error) {
      setMessage(problemText(error));
    }
  }
  return (
    <>
      <h2>Administration</h2>
      {message && <p role="status">{message}</p>}
      <h3>Agencies waiting for approval</h3>
      <Loaded load={agencies} reload={reloadAgencies}>
        {(rows) =>
          rows.length === 0 ? <p>None.</p> : (
            <ul class="list">
              {rows.map((agency) => (
                <li key={agency.id}>
                  {agency.name_en} ({agency.name_th}), {agency.contact_email}{" "}
                  <button type="button" onClick={() => act(`/api/v1/admin/agencies/${agency.id}/approve`)}>Approve</button>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
      <h3>Tiles waiting for review</h3>
      <Loaded load={reviews} reload={reloadReviews}>
        {(rows) =>
          rows.length === 0 ? <p>None.</p> : (
            <ul class="list">
              {rows.map((tile) => (
                <li key={tile.id}>
                  {tile.draft && <TilePreview tile={tile.draft} />}
                  <button type="button" onClick={() => act(`/api/v1/admin/tiles/${tile.id}/publish`, { comment: "Approved" })}>Publish</button>{" "}
                  <button
                    type="button"
                    onClick={() => {
                      const comment = window.prompt("What should the agency change?");
                      if (comment) act(`/api/v1/admin/tiles/${tile.id}/return`, { comment });
                    }}
                  >
                    Return with a comment
                  </button>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </>
  );
}
