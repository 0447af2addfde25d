// Agency console: the agency's connectors with their purpose and data items in Thai and English, their
// status in words with the reviewer's comment when returned, a change waiting for review, their health
// and a test call (connector-health.tsx), registering one and editing one (secrets left empty keep the
// stored ones); the API checks the address (no private or loopback hosts) and the TLS material.
import { useState } from "preact/hooks";

import { request, type Schema } from "../api";
import { useApp, useLoad } from "../state";
import { Field } from "../ui/field";
import { Loaded } from "../ui/loaded";
import { label } from "../vocabulary";
import { useAgencyWords } from "./agency-words";
import { ConnectorHealth } from "./connector-health";
import { useProblemText } from "./problems";
import { useWords } from "./words";

type Connector = Schema<"ConnectorView">;

/** Why a platform admin returned the connector or its change, under a heading of its own (one level
 * below the card's or the form's, so headings stay in order). */
function ReviewerComment({ comment, note, heading: Heading = "h5" }: { comment: string; note: string; heading?: "h4" | "h5" }) {
  const { a } = useAgencyWords();
  return (
    <div class="notice warning" role="note">
      <Heading>{a("reviewerComment")}</Heading>
      <p>{comment}</p>
      <p>{note}</p>
    </div>
  );
}

/** A change to a live connector waiting for review (the approved version serves meanwhile), or returned. */
function ChangeInReview({ change }: { change: NonNullable<Connector["change_in_review"]> }) {
  const { when } = useWords();
  const { a } = useAgencyWords();
  if (change.review_comment) return <ReviewerComment comment={change.review_comment} note={a("changeReturned")} />;
  return (
    <div class="notice info" role="note">
      <h5>{a("changeWaiting")}</h5>
      <p class="meta">{a("changeSentAt")} {when(change.submitted_at)}</p>
      <p>{a("changeWaitingNote")}</p>
    </div>
  );
}

export function ConnectorsPanel({ agencyId }: { agencyId: number }) {
  const { language } = useApp();
  const { w, pick } = useWords();
  const { a, named } = useAgencyWords();
  const [load, reload] = useLoad("/api/v1/agency/{agency_id}/connectors", { path: { agency_id: agencyId } });
  const [editing, setEditing] = useState<Connector | null>(null);
  const [open, setOpen] = useState<number | null>(null);
  const [message, setMessage] = useState("");
  return (
    <>
      {message && <p role="status" class="notice success">{message}</p>}
      <Loaded load={load} reload={reload}>
        {(rows) => (
          <ul class="cards">
            {rows.map((row) => (
              <li class="card" key={row.id}>
                <h4>{pick(row, "title")}</h4>
                <dl class="facts">
                  <div><dt>{w("status")}</dt><dd class="status">{label(language, "connectorStatus", row.status)}</dd></div>
                  <div><dt>{a("circuitState")}</dt><dd class={row.circuit === "closed" ? undefined : "warning"}>{named("circuit_", row.circuit)}</dd></div>
                  <div><dt>{w("address")}</dt><dd><code>{row.base_url}</code></dd></div>
                  <div><dt>{w("authentication")}</dt><dd>{named("auth_", row.auth_kind)}</dd></div>
                  <div><dt>{a("purpose")}</dt><dd>{pick(row, "purpose")}</dd></div>
                  <div><dt>{a("dataItems")}</dt><dd>{pick(row, "fields").join(", ")}</dd></div>
                </dl>
                {row.status === "returned" && row.review_comment && <ReviewerComment comment={row.review_comment} note={a("connectorReturnedNote")} />}
                {row.change_in_review && <ChangeInReview change={row.change_in_review} />}
                <div class="actions">
                  <button type="button" onClick={() => { setMessage(""); setEditing(row); }}>{a("edit")}<span class="visually-hidden"> {pick(row, "title")}</span></button>
                  <button type="button" aria-expanded={open === row.id} onClick={() => setOpen(open === row.id ? null : row.id)}>
                    {a(open === row.id ? "hideHealth" : "health")}<span class="visually-hidden"> {pick(row, "title")}</span>
                  </button>
                </div>
                {open === row.id && <ConnectorHealth agencyId={agencyId} connectorId={row.id} />}
              </li>
            ))}
          </ul>
        )}
      </Loaded>
      <ConnectorForm
        key={editing?.id ?? "new"}
        agencyId={agencyId}
        existing={editing}
        saved={(said) => { setMessage(said); setEditing(null); reload(); }}
      />
    </>
  );
}

const EMPTY_CONNECTOR = {
  name: "", title_th: "", title_en: "", base_url: "https://", auth_kind: "api_key",
  api_key_header: "X-API-Key", api_key: "", oauth_token_url: "https://", oauth_client_id: "", oauth_client_secret: "",
  oauth_scope: "", client_certificate_pem: "", client_private_key_pem: "", server_ca_pem: "", min_age: "", max_age: "",
  timeout_ms: "2000", retries: "1", cache_seconds: "300", consent_required: false, consent_days: "365",
  purpose_th: "", purpose_en: "", fields_th: "", fields_en: "",
};
const items = (text: string) => text.split(",").map((item) => item.trim()).filter(Boolean);

/** The form as a connector is now (secrets are never sent back: left empty, the stored one stays). */
function formOf(connector: Connector): typeof EMPTY_CONNECTOR {
  const text = (value: string | number | null) => (value === null ? "" : String(value));
  // Saving replaces a change waiting for review: start from it, or editing again would drop it.
  const row = { ...(connector.change_in_review?.proposed ?? connector), name: connector.name };
  return {
    ...EMPTY_CONNECTOR, name: row.name, title_th: row.title_th, title_en: row.title_en, base_url: row.base_url,
    auth_kind: row.auth_kind, api_key_header: row.api_key_header ?? "X-API-Key", oauth_token_url: row.oauth_token_url ?? "https://",
    oauth_client_id: row.oauth_client_id ?? "", oauth_scope: row.oauth_scope ?? "", client_certificate_pem: row.client_certificate_pem ?? "",
    server_ca_pem: row.server_ca_pem ?? "", min_age: text(row.min_age), max_age: text(row.max_age), timeout_ms: text(row.timeout_ms),
    retries: text(row.retries), cache_seconds: text(row.cache_seconds), consent_required: row.consent_required,
    consent_days: text(row.consent_days), purpose_th: row.purpose_th, purpose_en: row.purpose_en,
    fields_th: row.fields_th.join(", "), fields_en: row.fields_en.join(", "),
  };
}

/** Registering or editing; the API checks the address (no private or loopback hosts) and the TLS material. */
function ConnectorForm({ agencyId, existing, saved }: { agencyId: number; existing: Connector | null; saved: (message: string) => void }) {
  const { w, pick } = useWords();
  const { a, named } = useAgencyWords();
  const problemText = useProblemText();
  const [form, setForm] = useState(existing ? formOf(existing) : EMPTY_CONNECTOR);
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
    const kind = form.auth_kind as Schema<"NewConnector">["auth_kind"];
    const body: Schema<"NewConnector"> = {
      name: form.name, title_th: form.title_th, title_en: form.title_en, base_url: form.base_url, auth_kind: kind,
      ...(kind === "api_key" ? { api_key_header: form.api_key_header, api_key: optional(form.api_key) } : {}),
      ...(kind === "oauth_client_credentials"
        ? { oauth_token_url: form.oauth_token_url, oauth_client_id: form.oauth_client_id, oauth_client_secret: optional(form.oauth_client_secret), oauth_scope: optional(form.oauth_scope) }
        : {}),
      ...(kind === "client_tls" ? { client_certificate_pem: form.client_certificate_pem, client_private_key_pem: optional(form.client_private_key_pem) } : {}),
      server_ca_pem: optional(form.server_ca_pem),
      min_age: number(form.min_age), max_age: number(form.max_age),
      timeout_ms: Number(form.timeout_ms), retries: Number(form.retries), cache_seconds: Number(form.cache_seconds),
      consent_required: form.consent_required, consent_days: Number(form.consent_days),
      purpose_th: form.purpose_th, purpose_en: form.purpose_en,
      fields_th: items(form.fields_th), fields_en: items(form.fields_en),
    };
    try {
      if (existing) {
        const answer = await request("PUT", "/api/v1/agency/{agency_id}/connectors/{connector_id}", { path: { agency_id: agencyId, connector_id: existing.id }, body });
        setForm(EMPTY_CONNECTOR);
        saved(a(answer.data.change_in_review ? "connectorSavedForReview" : "connectorSaved"));
      } else {
        await request("POST", "/api/v1/agency/{agency_id}/connectors", { path: { agency_id: agencyId }, body });
        setForm(EMPTY_CONNECTOR);
        saved(w("registered"));
      }
    } catch (error) {
      setMessage(problemText(error));
    }
  }

  return (
    <form onSubmit={register} aria-labelledby="register-connector">
      <h3 id="register-connector">{existing ? `${a("editConnector")}: ${pick(existing, "title")}` : w("registerConnector")}</h3>
      {existing?.change_in_review && <p class="notice info">{a("editingChange")}</p>}
      {existing?.status === "returned" && existing.review_comment && <ReviewerComment comment={existing.review_comment} note={a("connectorReturnedNote")} heading="h4" />}
      {existing?.change_in_review?.review_comment && <ReviewerComment comment={existing.change_in_review.review_comment} note={a("changeReturned")} heading="h4" />}
      {existing && <p class="meta">{a("consentWithdrawnNote")}</p>}
      <div class="console-grid">
        <div>
          <Field label={w("connectorName")}><input required readOnly={!!existing} pattern="[a-z][a-z0-9-]{1,39}" value={form.name} onInput={set("name")} /></Field>
          <Field label={w("titleTh")}><input required value={form.title_th} onInput={set("title_th")} /></Field>
          <Field label={w("titleEn")}><input required value={form.title_en} onInput={set("title_en")} /></Field>
          <Field label={w("baseUrl")}><input required type="url" value={form.base_url} onInput={set("base_url")} /></Field>
          <Field label={w("purposeTh")}><input required value={form.purpose_th} onInput={set("purpose_th")} /></Field>
          <Field label={w("purposeEn")}><input required value={form.purpose_en} onInput={set("purpose_en")} /></Field>
          <Field label={w("fieldsTh")}><input value={form.fields_th} onInput={set("fields_th")} /></Field>
          <Field label={w("fieldsEn")}><input value={form.fields_en} onInput={set("fields_en")} /></Field>
          <label class="check">
            <input type="checkbox" checked={form.consent_required} onChange={set("consent_required")} /> {w("consentRequired")}
          </label>
          {form.consent_required && (
            <Field label={w("consentDays")}><input type="number" min={1} max={730} value={form.consent_days} onInput={set("consent_days")} /></Field>
          )}
        </div>
        <div>
          <Field label={w("authentication")}>
            <select value={form.auth_kind} onChange={set("auth_kind")}>
              {["api_key", "oauth_client_credentials", "client_tls", "none"].map((kind) => <option key={kind} value={kind}>{named("auth_", kind)}</option>)}
            </select>
          </Field>
          {form.auth_kind === "api_key" && (
            <>
              <Field label={w("apiKeyHeader")}><input required value={form.api_key_header} onInput={set("api_key_header")} /></Field>
              <Field label={w("apiKey")}><input required={!existing} placeholder={existing ? a("keepSecret") : undefined} type="password" autoComplete="off" value={form.api_key} onInput={set("api_key")} /></Field>
            </>
          )}
          {form.auth_kind === "oauth_client_credentials" && (
            <>
              <Field label={w("tokenUrl")}><input required type="url" value={form.oauth_token_url} onInput={set("oauth_token_url")} /></Field>
              <Field label={w("clientId")}><input required value={form.oauth_client_id} onInput={set("oauth_client_id")} /></Field>
              <Field label={w("clientSecret")}><input required={!existing} placeholder={existing ? a("keepSecret") : undefined} type="password" autoComplete="off" value={form.oauth_client_secret} onInput={set("oauth_client_secret")} /></Field>
              <Field label={w("scope")}><input value={form.oauth_scope} onInput={set("oauth_scope")} /></Field>
            </>
          )}
          {form.auth_kind === "client_tls" && (
            <>
              <Field label={w("clientCertificate")}><textarea required value={form.client_certificate_pem} onInput={set("client_certificate_pem")} /></Field>
              <Field label={w("clientKey")}><textarea required={!existing} placeholder={existing ? a("keepSecret") : undefined} autoComplete="off" value={form.client_private_key_pem} onInput={set("client_private_key_pem")} /></Field>
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
      <div class="actions">
        <button type="submit" class="primary">{existing ? a("saveConnector") : w("register")}</button>
        {existing && <button type="button" onClick={() => saved("")}>{a("cancel")}</button>}
      </div>
      {message && <p role="status">{message}</p>}
    </form>
  );
}
