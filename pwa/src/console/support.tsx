// Support: find a citizen by national ID (shown masked), see their messages with every device's delivery
// attempts, their bills, payment attempts and receipts, their applications with files and timelines;
// resend a message; who acts for them and for whom they act. Every look-up (and every file opened) is
// recorded for the citizen.
import { useState } from "preact/hooks";

import { apiPath, type Defaulted, request, type Schema } from "../api";
import { formatBaht } from "../i18n";
import { FileLink, Timeline } from "../ui/application-history";
import { Field } from "../ui/field";
import { label } from "../vocabulary";
import { problemsOf, useFieldText, useProblemText } from "./problems";
import { Reason } from "./reasons";
import { SupportDelegations } from "./support-delegations";
import { useWords } from "./words";

export function SupportConsole() {
  const { w, when, language, pick } = useWords();
  const problemText = useProblemText();
  const fieldText = useFieldText();
  const [resending, setResending] = useState<{ id: string; note: string; error: unknown; missing: boolean } | null>(null);
  const [nationalId, setNationalId] = useState("");
  const [applications, setApplications] = useState<Schema<"SupportApplication">[] | null>(null);
  const [person, setPerson] = useState<Schema<"FoundCitizen"> | null>(null);
  const [found, setFound] = useState<Schema<"Found">[] | null>(null);
  const [citizen, setCitizen] = useState<Schema<"CitizenMessages"> | null>(null);
  const [payments, setPayments] = useState<Schema<"CitizenPayments"> | null>(null);
  const [message, setMessage] = useState("");

  async function search(event: Event) {
    event.preventDefault();
    setMessage("");
    setPerson(null);
    setFound(null);
    setCitizen(null);
    setPayments(null);
    setApplications(null);
    const body = { national_id: nationalId.replace(/\D/g, "") };
    try {
      // In the body, never the URL: a national ID must not land in an access log.
      setPerson((await request("POST", "/api/v1/support/citizens/find", { body })).data);
      const search: Defaulted<Schema<"Search">, "limit"> = body; // the server's own limit
      setFound((await request("POST", "/api/v1/support/notifications/search", { body: search as Schema<"Search"> })).data);
    } catch (error) {
      setMessage(problemText(error));
    }
  }
  async function open(citizenId: string) {
    try {
      const path = { citizen_id: citizenId };
      setCitizen((await request("GET", "/api/v1/support/citizens/{citizen_id}/notifications", { path })).data);
    } catch (error) {
      setMessage(problemText(error));
    }
  }
  async function openPayments(citizenId: string) {
    try {
      setPayments((await request("GET", "/api/v1/support/citizens/{citizen_id}/payments", { path: { citizen_id: citizenId } })).data);
    } catch (error) {
      setMessage(problemText(error));
    }
  }
  async function openApplications(citizenId: string) {
    try {
      const path = { citizen_id: citizenId };
      setApplications((await request("GET", "/api/v1/support/citizens/{citizen_id}/applications", { path })).data);
    } catch (error) {
      setMessage(problemText(error));
    }
  }
  async function resend(event: Event) {
    event.preventDefault();
    if (!resending) return;
    const note = resending.note.trim();
    if (!note) {
      setResending({ ...resending, missing: true });
      return;
    }
    try {
      await request("POST", "/api/v1/support/notifications/{notification_id}/resend", {
        path: { notification_id: resending.id },
        body: { note },
      });
      setResending(null);
      setMessage(w("sentAgain"));
      if (citizen) await open(citizen.citizen_id);
    } catch (error) {
      setResending({ ...resending, error, missing: false });
      if (problemsOf(error, "note").length === 0) setMessage(problemText(error));
    }
  }

  return (
    <>
      <h2>{w("support")}</h2>
      <p class="notice" role="note">{w("everyLookUp")}</p>
      <form onSubmit={search} class="actions">
        <Field label={w("nationalId")}>
          <input inputMode="numeric" autoComplete="off" required value={nationalId} onInput={(e) => setNationalId(e.currentTarget.value)} />
        </Field>
        <button type="submit" class="primary">{w("find")}</button>
      </form>
      {message && <p role="status">{message}</p>}
      {person && (
        <>
          <p>{w("citizenLabel")} {person.national_id_masked}</p>
          <div class="actions">
            <button type="button" aria-pressed={citizen !== null} onClick={() => open(person.citizen_id)}>{w("showDeliveries")}</button>
            <button type="button" aria-pressed={payments !== null} onClick={() => openPayments(person.citizen_id)}>{w("showPayments")}</button>
            <button type="button" aria-pressed={applications !== null} onClick={() => openApplications(person.citizen_id)}>
              {w("showApplications")}
            </button>
          </div>
          <SupportDelegations key={person.citizen_id} citizenId={person.citizen_id} masked={person.national_id_masked} />
        </>
      )}
      {found && found.length === 0 && <p>{w("noMessagesFor")}</p>}
      {found && found.length > 0 && !citizen && (
        <ul class="list" aria-label={w("messages")}>
          {found.map((row) => (
            <li key={row.id}>
              <strong>{pick(row, "title")}</strong> {w("from")} {pick(row, "agency_name")},{" "}
              {when(row.created_at)}: <span class="status">{label(language, "messageStatus", row.status)}</span>{" "}
              <Reason language={language} reason={row.status_reason} />
            </li>
          ))}
        </ul>
      )}
      {citizen && (
        <section aria-labelledby="citizen-title">
          <h3 id="citizen-title">{w("citizenLabel")} {citizen.national_id_masked}</h3>
          <h4>{w("devices")}</h4>
          <ul class="list">
            {citizen.devices.map((device) => (
              <li key={device.id}>
                {device.user_agent || w("unknownDevice")} {w("via")} {device.push_service}:{" "}
                {device.healthy ? w("healthy") : <>{w("failing")}: <Reason language={language} reason={device.last_failure_reason} /></>}
              </li>
            ))}
          </ul>
          <h4>{w("messages")}</h4>
          {citizen.messages.map((item) => (
            <article key={item.id} class="card">
              <h5>{pick(item, "title")} <span class="status">{label(language, "messageStatus", item.status)}</span></h5>
              <p>
                {pick(item, "agency_name")}, {when(item.created_at)} <Reason language={language} reason={item.status_reason} />
              </p>
              {item.deliveries.map((delivery) => (
                <div key={delivery.id}>
                  <p>
                    {w("device")} {delivery.device_id ? <code>{delivery.device_id.slice(0, 8)}</code> : w("removed")} {w("via")} {delivery.push_service}:{" "}
                    <strong>{label(language, "messageStatus", delivery.status)}</strong>
                  </p>
                  <ol class="timeline">
                    {delivery.attempts.map((attempt) => (
                      <li key={attempt.attempt}>
                        <time dateTime={attempt.at}>{when(attempt.at)}</time> {w("attempt")} {attempt.attempt}:{" "}
                        {label(language, "messageStatus", attempt.outcome)}
                        {attempt.status_code !== null && ` (HTTP ${attempt.status_code})`}. <Reason language={language} reason={attempt.reason} />
                      </li>
                    ))}
                  </ol>
                </div>
              ))}
              {resending?.id === item.id ? (
                <form onSubmit={resend} noValidate aria-label={`${w("sendAgain")}: ${pick(item, "title")}`}>
                  <Field
                    label={w("whySendAgain")}
                    errors={[
                      ...(resending.missing ? [w("noteRequiredResend")] : []),
                      ...problemsOf(resending.error, "note").map(fieldText),
                    ]}
                  >
                    <textarea rows={2} maxLength={1000} value={resending.note} onInput={(e) => setResending({ ...resending, note: e.currentTarget.value })} />
                  </Field>
                  <p class="actions">
                    <button type="submit" class="primary">{w("sendAgain")}</button>{" "}
                    <button type="button" onClick={() => setResending(null)}>{w("cancel")}</button>
                  </p>
                </form>
              ) : (
                <button type="button" onClick={() => setResending({ id: item.id, note: "", error: null, missing: false })}>{w("sendAgain")}</button>
              )}
            </article>
          ))}
        </section>
      )}
      {payments && (
        <section aria-labelledby="payments-title">
          <h3 id="payments-title">{w("billsAndPayments")}: {w("citizenLabel")} {payments.national_id_masked}</h3>
          {payments.bills.length === 0 && <p>{w("noBills")}</p>}
          {payments.bills.map((bill) => (
            <article key={bill.id} class="card bill-history">
              <h4>
                {pick(bill, "description")} <span class="status">{label(language, "billStatus", bill.status)}</span>
              </h4>
              <p>
                {pick(bill, "agency_name")} · <code>{bill.ref1}</code> ·{" "}
                {formatBaht(language, bill.amount_satang)} · {w("issued")} {when(bill.issued_at)}
              </p>
              {bill.payments.length === 0 && <p>{w("noPayments")}</p>}
              {bill.payments.map((payment) => (
                <div key={payment.id}>
                  <p>{w("payment")} <code>{payment.id.slice(0, 8)}</code>: <strong>{label(language, "paymentState", payment.state)}</strong></p>
                  <ol class="timeline" aria-label={w("paymentTimeline")}>
                    {payment.events.map((event, index) => (
                      <li key={index}>
                        <time dateTime={event.at}>{when(event.at)}</time>{" "}
                        <strong>{label(language, "paymentState", event.state)}</strong> · {w("by")} {label(language, "paymentSource", event.source)}
                        {event.reason && <> · <Reason language={language} reason={event.reason} /></>}
                      </li>
                    ))}
                  </ol>
                </div>
              ))}
              {bill.receipts.map((receipt) => (
                <p key={receipt.id}>
                  {w("receipt")} {receipt.number} · {formatBaht(language, receipt.amount_satang)} · {when(receipt.paid_at)}
                </p>
              ))}
              {bill.refunds.map((refund) => (
                <p key={refund.id}>
                  {w("refund")} {formatBaht(language, refund.amount_satang)}: {label(language, "refundState", refund.state)} ({when(refund.created_at)}). {refund.reason}
                </p>
              ))}
            </article>
          ))}
        </section>
      )}
      {applications && person && (
        <section aria-labelledby="applications-title">
          <h3 id="applications-title">{w("applications")}: {w("citizenLabel")} {person.national_id_masked}</h3>
          <p class="notice" role="note">{w("filesAreRecorded")}</p>
          {applications.length === 0 && <p>{w("noApplicationsFor")}</p>}
          <div class="cards">
            {applications.map((item) => (
              <article key={item.id} class="card application-history">
                <h4>
                  {pick(item, "title")} <span class="status">{label(language, "applicationState", item.state)}</span>
                </h4>
                <p>
                  {pick(item, "agency_name")} · {w("trackingNumber")} <code>{item.tracking_number}</code>
                  {item.submitted_at && <> · {w("submittedAt")} {when(item.submitted_at)}</>}
                </p>
                {item.files.length > 0 && (
                  <>
                    <h5>{w("files")}</h5>
                    <ul class="plain">
                      {item.files.map((file) => (
                        <li key={file.id}>
                          <FileLink
                            href={apiPath("/api/v1/support/applications/{application_id}/files/{file_id}", {
                              application_id: item.id,
                              file_id: file.id,
                            })}
                            file={file}
                          />
                        </li>
                      ))}
                    </ul>
                  </>
                )}
                {item.events.length > 0 && (
                  <>
                    <h5>{w("timeline")}</h5>
                    <Timeline events={item.events} />
                  </>
                )}
              </article>
            ))}
          </div>
        </section>
      )}
    </>
  );
}
