// Agency console: what connects the agency's own systems to the platform: the refunds it asked for and
// the bank's answers, its webhook (the address, a new signing secret shown once, the latest deliveries)
// and its machine clients (OAuth 2.0 client credentials: add one with scopes, a new secret, revoke).
import { useState } from "preact/hooks";

import { request, type Schema } from "../api";
import { formatBaht } from "../i18n";
import { useLoad } from "../state";
import { ConfirmButton } from "../ui/confirm";
import { Field } from "../ui/field";
import { Loaded } from "../ui/loaded";
import { useAgencyWords } from "./agency-words";
import { useProblemText } from "./problems";
import { useWords } from "./words";

export function RefundsPanel({ agencyId }: { agencyId: number }) {
  const { w, when, language } = useWords();
  const { a, named } = useAgencyWords();
  const [load, reload] = useLoad("/api/v1/agency/{agency_id}/refunds", { path: { agency_id: agencyId } });
  return (
    <Loaded load={load} reload={reload}>
      {(refunds) =>
        refunds.length === 0 ? (
          <p>{a("noRefunds")}</p>
        ) : (
          // Focusable: on a phone the table scrolls sideways, and a keyboard must reach it (WCAG 2.1.1).
          <table tabIndex={0}>
            <thead>
              <tr><th scope="col">{a("requestedAt")}</th><th scope="col">{w("amount")}</th><th scope="col">{w("reason")}</th><th scope="col">{w("state")}</th><th scope="col">{a("lastChange")}</th></tr>
            </thead>
            <tbody>
              {refunds.map((refund) => (
                <tr key={refund.id}>
                  <td>{when(refund.created_at)}</td>
                  <td>{formatBaht(language, refund.amount_satang)}</td>
                  <td>{refund.reason}</td>
                  <td class={refund.state === "error" ? "warning" : "status"}>{named("refund_", refund.state)}</td>
                  <td>{when(refund.updated_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      }
    </Loaded>
  );
}

/** A secret shown this once, with a button to copy it. */
function ShownOnce({ label, secret }: { label: string; secret: string }) {
  return (
    <div class="notice confirm">
      <Field label={label}><input readOnly value={secret} onFocus={(event) => event.currentTarget.select()} /></Field>
    </div>
  );
}

export function WebhookPanel({ agencyId }: { agencyId: number }) {
  const { when } = useWords();
  const { a, named } = useAgencyWords();
  const problemText = useProblemText();
  const [load, reload] = useLoad("/api/v1/agency/{agency_id}/webhook", { path: { agency_id: agencyId } });
  const [url, setUrl] = useState<string | null>(null);
  const [secret, setSecret] = useState<Schema<"WebhookSecret"> | null>(null);
  const [problem, setProblem] = useState("");
  async function save(event: Event, current: string) {
    event.preventDefault();
    setProblem("");
    try {
      const { data } = await request("PUT", "/api/v1/agency/{agency_id}/webhook", { path: { agency_id: agencyId }, body: { url: url ?? current } });
      setSecret(data);
      reload();
    } catch (error) {
      setProblem(problemText(error));
    }
  }
  return (
    <Loaded load={load} reload={reload}>
      {(hook) => (
        <>
          <p>{a("webhookExplained")}</p>
          <form onSubmit={(event) => save(event, hook.url ?? "")}>
            <Field label={a("webhookUrl")}>
              <input required type="url" value={url ?? hook.url ?? "https://"} onInput={(event) => setUrl(event.currentTarget.value)} />
            </Field>
            <button type="submit" class="primary">{a("saveWebhook")}</button>
            {problem && <p role="alert" class="notice error">{problem}</p>}
          </form>
          {secret && (
            <>
              <p role="status">{a("webhookSaved")}</p>
              <ShownOnce label={a("signingSecret")} secret={secret.secret} />
            </>
          )}
          {!hook.url && <p>{a("noWebhook")}</p>}
          <h3>{a("recentDeliveries")}</h3>
          {hook.deliveries.length === 0 ? (
            <p>{a("noDeliveries")}</p>
          ) : (
            <table tabIndex={0}>
              <thead><tr><th scope="col">{a("event")}</th><th scope="col">{a("attempts")}</th><th scope="col">{a("result")}</th></tr></thead>
              <tbody>
                {hook.deliveries.map((delivery, index) => (
                  <tr key={index}>
                    <td>{when(delivery.at)}<br /><small>{a(delivery.payment_id ? "eventPayment" : "eventMessage")}</small></td>
                    <td>{delivery.attempt}</td>
                    <td class={delivery.outcome === "failed" ? "warning" : "status"}>
                      {named("webhook_", delivery.outcome)}{delivery.status_code ? ` (HTTP ${delivery.status_code})` : ""}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </Loaded>
  );
}

const SCOPES: Schema<"NewAgencyClient">["scopes"] = ["tiles", "bills", "notifications", "connectors", "applications"];

export function ClientsPanel({ agencyId }: { agencyId: number }) {
  const { w, when } = useWords();
  const { a, named } = useAgencyWords();
  const problemText = useProblemText();
  const [load, reload] = useLoad("/api/v1/agency/{agency_id}/clients", { path: { agency_id: agencyId } });
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<typeof SCOPES>([]);
  const [shown, setShown] = useState<{ label: string; id: string; secret: string } | null>(null);
  const [message, setMessage] = useState("");
  const path = { agency_id: agencyId };
  async function act(run: () => Promise<void>) {
    setMessage("");
    setShown(null);
    try {
      await run();
      reload();
    } catch (error) {
      setMessage(problemText(error));
    }
  }
  const add = (event: Event) => {
    event.preventDefault();
    if (scopes.length === 0) return setMessage(a("pickScope"));
    return act(async () => {
      const { data } = await request("POST", "/api/v1/agency/{agency_id}/clients", { path, body: { name, scopes } });
      setShown({ label: a("clientAdded"), id: data.client_id, secret: data.client_secret });
      setName("");
      setScopes([]);
    });
  };
  const rotate = (clientId: string) =>
    act(async () => {
      const { data } = await request("POST", "/api/v1/agency/{agency_id}/clients/{client_id}/secrets", { path: { ...path, client_id: clientId }, body: { overlap_hours: 0 } });
      setShown({ label: a("secretIssued"), id: data.client_id, secret: data.client_secret });
    });
  const revoke = (clientId: string) => {
    void act(async () => {
      await request("DELETE", "/api/v1/agency/{agency_id}/clients/{client_id}", { path: { ...path, client_id: clientId } });
      setMessage(a("clientRevoked"));
    });
  };
  return (
    <>
      <p>{a("clientsExplained")}</p>
      {message && <p role="status">{message}</p>}
      {shown && (
        <>
          <p role="status">{shown.label}</p>
          <ShownOnce label={`${w("clientId")}: ${shown.id}. ${a("secret")}`} secret={shown.secret} />
        </>
      )}
      <Loaded load={load} reload={reload}>
        {(clients) =>
          clients.length === 0 ? (
            <p>{a("noClients")}</p>
          ) : (
            <ul class="cards">
              {clients.map((client) => (
                <li class="card" key={client.client_id}>
                  <h4>{client.name}</h4>
                  <p class="status">{named("client_", client.revoked_at ? "revoked" : "active")}</p>
                  <dl class="facts">
                    <div><dt>{w("clientId")}</dt><dd><code>{client.client_id}</code></dd></div>
                    <div><dt>{a("scopes")}</dt><dd>{client.scopes.map((scope) => named("scope_", scope)).join(", ")}</dd></div>
                    <div><dt>{a("createdAt")}</dt><dd>{when(client.created_at)}</dd></div>
                  </dl>
                  {!client.revoked_at && (
                    <div class="actions">
                      <button type="button" onClick={() => rotate(client.client_id)}>{a("newSecret")}<span class="visually-hidden"> {client.name}</span></button>
                      <ConfirmButton about={client.name} question={a("confirmRevokeClient")} yes={a("yesRevokeClient")} onConfirm={() => revoke(client.client_id)}>{a("revokeClient")}</ConfirmButton>
                    </div>
                  )}
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
      <form onSubmit={add} aria-labelledby="add-client">
        <h3 id="add-client">{a("addClient")}</h3>
        <Field label={a("clientName")}><input required maxLength={200} value={name} onInput={(event) => setName(event.currentTarget.value)} /></Field>
        <fieldset>
          <legend>{a("scopes")}</legend>
          {SCOPES.map((scope) => (
            <label class="check" key={scope}>
              <input
                type="checkbox"
                checked={scopes.includes(scope)}
                onChange={() => setScopes(scopes.includes(scope) ? scopes.filter((s) => s !== scope) : [...scopes, scope])}
              />{" "}
              {named("scope_", scope)}
            </label>
          ))}
        </fieldset>
        <button type="submit" class="primary">{a("addClient")}</button>
      </form>
    </>
  );
}
