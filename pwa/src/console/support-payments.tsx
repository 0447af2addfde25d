// Support: money a bank sent that did not fit a bill (payment exceptions), each taken as the bill's
// payment or refunded with a note and a confirmation; and refunds waiting for the bank's answer, which
// support records (the agency is told). Neither can be undone, so each asks first.
import { useEffect, useRef, useState } from "preact/hooks";

import { request, type Schema } from "../api";
import { formatBaht } from "../i18n";
import { ConfirmButton } from "../ui/confirm";
import { Field } from "../ui/field";
import { label } from "../vocabulary";
import { problemsOf, useFieldText, useProblemText } from "./problems";
import { useSupportWords } from "./support-words";
import { useWords } from "./words";

type Exception = Schema<"ExceptionView">;
type Refund = Schema<"WaitingRefund">;

export function SupportPayments() {
  const { w } = useWords();
  const { s } = useSupportWords();
  const problemText = useProblemText();
  const [exceptions, setExceptions] = useState<Exception[] | null>(null);
  const [refunds, setRefunds] = useState<Refund[] | null>(null);
  const [message, setMessage] = useState("");
  async function load() {
    try {
      setExceptions((await request("GET", "/api/v1/support/payment-exceptions", {})).data);
      setRefunds((await request("GET", "/api/v1/support/refunds", {})).data);
    } catch (error) {
      setMessage(problemText(error));
    }
  }
  useEffect(() => {
    void load();
  }, []);
  async function done(said: string) {
    setMessage(said);
    await load();
  }

  return (
    <>
      <h2>{w("paymentExceptions")}</h2>
      <p class="notice" role="note">{s("exceptionsIntro")}</p>
      {message && <p role="status">{message}</p>}
      <section aria-labelledby="exceptions-title">
        <h3 id="exceptions-title">{s("openExceptions")}</h3>
        {exceptions?.length === 0 && <p>{s("noExceptions")}</p>}
        <div class="cards">
          {exceptions?.map((item) => <ExceptionCard key={item.id} item={item} done={done} />)}
        </div>
      </section>
      <section aria-labelledby="refunds-title">
        <h3 id="refunds-title">{s("refundsWaiting")}</h3>
        {refunds?.length === 0 && <p>{s("noRefundsWaiting")}</p>}
        <div class="cards">
          {refunds?.map((refund) => <RefundCard key={refund.id} refund={refund} done={done} />)}
        </div>
      </section>
    </>
  );
}

function ExceptionCard({ item, done }: { item: Exception; done: (said: string) => Promise<void> }) {
  const { when, language, pick } = useWords();
  const { s } = useSupportWords();
  const problemText = useProblemText();
  const fieldText = useFieldText();
  const [note, setNote] = useState("");
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [asking, setAsking] = useState<"accept" | "refund" | null>(null);
  const questionRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (asking) questionRef.current?.focus(); // a screen reader reads the question
  }, [asking]);
  const titleId = `exception-${item.id}`;
  const description = pick(item, "bill_description");

  function ask(action: "accept" | "refund") {
    setError(null);
    setMissing(!note.trim());
    if (note.trim()) setAsking(action);
  }
  async function resolve(action: "accept" | "refund") {
    setAsking(null);
    try {
      const { data } = await request("POST", "/api/v1/support/payment-exceptions/{exception_id}/resolve", {
        path: { exception_id: item.id },
        body: { action, note: note.trim() },
      });
      await done(action === "accept" ? `${s("acceptedReceipt")} ${data.receipt_number ?? ""}` : s("refundRequested"));
    } catch (failure) {
      setError(failure);
    }
  }
  const noteProblems = [...(missing ? [s("noteRequired")] : []), ...problemsOf(error, "note").map(fieldText)];
  const general = error !== null && problemsOf(error, "note").length === 0 ? problemText(error) : "";

  return (
    <article class="card" aria-labelledby={titleId}>
      <h4 id={titleId}>{label(language, "exceptionKind", item.kind)}</h4>
      <dl class="facts">
        <div>
          <dt>{s("bankSent")}</dt>
          <dd>{formatBaht(language, item.amount_satang)}</dd>
        </div>
        <div>
          <dt>{s("billIsFor")}</dt>
          <dd>{item.bill_amount_satang === null ? s("noBillFound") : formatBaht(language, item.bill_amount_satang)}</dd>
        </div>
        {description && (
          <div class="wide">
            <dt>{s("bill")}</dt>
            <dd>{description}</dd>
          </div>
        )}
        <div>
          <dt>{s("bank")}</dt>
          <dd>{pick(item, "bank_name")}</dd>
        </div>
        <div>
          <dt>{s("arrived")}</dt>
          <dd><time dateTime={item.created_at}>{when(item.created_at)}</time></dd>
        </div>
      </dl>      <form onSubmit={(event) => event.preventDefault()} noValidate aria-label={label(language, "exceptionKind", item.kind)}>
        <Field label={s("note")} errors={noteProblems}>
          <textarea rows={2} maxLength={1000} value={note} onInput={(event) => setNote(event.currentTarget.value)} />
        </Field>
        {general && <p role="alert" class="notice error">{general}</p>}
        {!item.can_accept && <p>{s("refundOnly")}</p>}
        {asking ? (
          <div class="notice confirm" role="alertdialog" aria-label={s(asking === "accept" ? "confirmAccept" : "confirmRefund")}>
            <p tabIndex={-1} ref={questionRef}>
              <strong>{s(asking === "accept" ? "confirmAccept" : "confirmRefund")}</strong>
            </p>
            <div class="actions">
              <button type="button" class="primary" onClick={() => void resolve(asking)}>
                {s(asking === "accept" ? "yesAccept" : "yesRefund")}
              </button>
              <button type="button" onClick={() => setAsking(null)}>{s("goBack")}</button>
            </div>
          </div>
        ) : (
          <div class="actions">
            {item.can_accept && <button type="button" onClick={() => ask("accept")}>{s("accept")}</button>}
            <button type="button" onClick={() => ask("refund")}>{s("refund")}</button>
          </div>
        )}
      </form>
    </article>
  );
}

function RefundCard({ refund, done }: { refund: Refund; done: (said: string) => Promise<void> }) {
  const { when, language, pick } = useWords();
  const { s } = useSupportWords();
  const problemText = useProblemText();
  const [problem, setProblem] = useState("");
  async function record(state: "success" | "error") {
    try {
      await request("POST", "/api/v1/support/refunds/{refund_id}", { path: { refund_id: refund.id }, body: { state } });
      await done(`${s("answerRecorded")} ${label(language, "refundState", state)}`);
    } catch (error) {
      setProblem(problemText(error));
    }
  }
  const about = `${formatBaht(language, refund.amount_satang)} ${when(refund.created_at)}`;
  return (
    <article class="card">
      <h4>
        {formatBaht(language, refund.amount_satang)} <span class="status">{label(language, "refundState", "submitted")}</span>
      </h4>
      <p>
        {pick(refund, "bill_description") ?? s("noBillFound")} · {s("bank")}{" "}
        {pick(refund, "bank_name")}
      </p>
      <p>
        {s("requested")} <time dateTime={refund.created_at}>{when(refund.created_at)}</time> · {s("reason")}: {refund.reason}
      </p>
      {problem && <p role="alert" class="notice error">{problem}</p>}
      <div class="actions">
        <ConfirmButton about={about} question={s("confirmReturned")} yes={s("yesRecord")} onConfirm={() => record("success")}>
          {s("bankReturned")}
        </ConfirmButton>
        <ConfirmButton about={about} question={s("confirmFailed")} yes={s("yesRecord")} onConfirm={() => record("error")}>
          {s("bankFailed")}
        </ConfirmButton>
      </div>
    </article>
  );
}
