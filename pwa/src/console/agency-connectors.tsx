// Agency console: the agency's connectors, their health (status, circuit), and registering one; the API
// checks the address (no private or loopback hosts) and the TLS material.
import { useState } from "preact/hooks";

import { request, type Schema } from "../api";
import { useLoad } from "../state";
import { Field } from "../ui/field";
import { Loaded } from "../ui/loaded";
import { useProblemText } from "./problems";
import { useWords } from "./words";

export function ConnectorsPanel({ agencyId }: { agencyId: number }) {
  const { w, pick } = useWords();
  const [load, reload] = useLoad("/api/v1/agency/{agency_id}/connectors", { path: { agency_id: agencyId } });
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
                  <td>{pick(row, "title")}</td>
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
  timeout_ms: "2000", retries: "1", cache_seconds: "300", consent_required: false, consent_days: "365",
  purpose_th: "", purpose_en: "", fields_th: "", fields_en: "",
};
const items = (text: string) => text.split(",").map((item) => item.trim()).filter(Boolean);

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
    const kind = form.auth_kind as Schema<"NewConnector">["auth_kind"];
    const body: Schema<"NewConnector"> = {
      name: form.name, title_th: form.title_th, title_en: form.title_en, base_url: form.base_url, auth_kind: kind,
      ...(kind === "api_key" ? { api_key_header: form.api_key_header, api_key: form.api_key } : {}),
      ...(kind === "oauth_client_credentials"
        ? { oauth_token_url: form.oauth_token_url, oauth_client_id: form.oauth_client_id, oauth_client_secret: form.oauth_client_secret, oauth_scope: optional(form.oauth_scope) }
        : {}),
      ...(kind === "client_tls" ? { client_certificate_pem: form.client_certificate_pem, client_private_key_pem: form.client_private_key_pem } : {}),
      server_ca_pem: optional(form.server_ca_pem),
      min_age: number(form.min_age), max_age: number(form.max_age),
      timeout_ms: Number(form.timeout_ms), retries: Number(form.retries), cache_seconds: Number(form.cache_seconds),
      consent_required: form.consent_required, consent_days: Number(form.consent_days),
      purpose_th: form.purpose_th, purpose_en: form.purpose_en,
      fields_th: items(form.fields_th), fields_en: items(form.fields_en),
    };
    try {
      await request("POST", "/api/v1/agency/{agency_id}/connectors", { path: { agency_id: agencyId }, body });
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
