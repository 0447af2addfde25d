// Agency console: one application, as its officer works on it.
import { useEffect, useRef, useState } from "preact/hooks";

import { apiPath, request, type Schema } from "../../api";
import { formatBaht, formatDate } from "../../i18n";
import { useApp } from "../../state";
import { FileLink, Timeline } from "../../ui/application-history";
import { type ApplicationService, answerText, type FormField, fileIds } from "../answers";
import { useProblemText } from "../problems";
import { useWords } from "../words";
import { Actions } from "./actions";
import { IssueCertificate } from "./certificate";

type ApplicationView = Schema<"ApplicationView">;
type IssuedDocument = Schema<"DocumentView">;

/** 1103702012343 -> 1-1037-02012-34-3, as printed on the card. */
function nationalId(id: string): string {
  return /^\d{13}$/.test(id) ? `${id[0]}-${id.slice(1, 5)}-${id.slice(5, 10)}-${id.slice(10, 12)}-${id[12]}` : id;
}

export function ApplicationDetail({
  agencyId,
  id,
  services,
  back,
}: {
  agencyId: number;
  id: string;
  /** null while they load; a service missing from them is shown with its answers' own names. */
  services: ApplicationService[] | null;
  back: () => void;
}) {
  const { w, named, when, language, pick, pickAny } = useWords();
  const { t } = useApp();
  const problemText = useProblemText();
  const [view, setView] = useState<ApplicationView | null>(null);
  const [issuedDocument, setIssuedDocument] = useState<IssuedDocument | null>(null);
  const [message, setMessage] = useState("");
  const heading = useRef<HTMLHeadingElement>(null);
  const path = { agency_id: agencyId, application_id: id };

  async function read() {
    try {
      const { data } = await request("GET", "/api/v1/agency/{agency_id}/applications/{application_id}", { path });
      setView(data);
    } catch (error) {
      setMessage(problemText(error));
    }
  }
  useEffect(() => {
    void read();
  }, [agencyId, id]);
  useEffect(() => {
    // On opening, and after each move (whose button may be gone): to the title, which names the state.
    if (view) heading.current?.focus();
  }, [view?.id, view?.state]);

  function moved(next: ApplicationView) {
    // The answer to a move does not repeat the applicant: keep the one already shown.
    setView((previous) => ({
      ...next,
      applicant: next.applicant ?? previous?.applicant ?? null,
      on_behalf: next.on_behalf ?? previous?.on_behalf ?? null,
    }));
  }

  const service = view && services ? services.find((item) => item.id === view.service_id) : undefined;
  const title = view ? pick(view, "title") : "";
  return (
    <section aria-labelledby="application-title" class="application">
      <div class="actions">
        <button type="button" onClick={back}>← {w("backToList")}</button>
      </div>
      {message && <p role="alert">{message}</p>}
      {!view && !message && <p role="status">{t("loading")}</p>}
      {view && (
        <>
          <h3 id="application-title" ref={heading} tabIndex={-1}>
            {title}: <span class="status">{named("state_", view.state)}</span>
          </h3>
          <p class="meta">
            {w("trackingNumber")} <code>{view.tracking_number}</code>
            {view.agency_reference && <> · {w("agencyReference")} <code>{view.agency_reference}</code></>}
            {view.submitted_at && <> · {w("submittedAt")} {when(view.submitted_at)}</>} · {w("updatedAt")} {when(view.updated_at)}
          </p>
          <p class="notice" role="note">{w("openingIsRecorded")}</p>

          <h4>{w("applicant")}</h4>
          {view.applicant && (
            <dl class="summary">
              <div><dt>{w("fullName")}</dt><dd>{pickAny(view.applicant, "name") ?? "—"}</dd></div>
              <div><dt>{w("idNumber")}</dt><dd>{nationalId(view.applicant.national_id)}</dd></div>
              <div><dt>{w("birthdate")}</dt><dd>{view.applicant.birthdate ? formatDate(language, view.applicant.birthdate) : "—"}</dd></div>
            </dl>
          )}
          <p class="meta">{w("fromDigitalId")}</p>
          {view.on_behalf && (
            <p class="notice on-behalf" role="note">
              <strong>
                {w("applicationSubmittedBy")} {pickAny(view.on_behalf, "name") ?? "—"} ({view.on_behalf.national_id_masked}){" "}
                {w("onBehalfOf")} {view.applicant ? (pickAny(view.applicant, "name") ?? "—") : "—"}
              </strong>
              <br />
              {w("delegateExplained")}
            </p>
          )}

          <h4>{w("answers")}</h4>
          <Answers agencyId={agencyId} view={view} fields={service?.form.fields ?? null} />
          {view.state === "more_information_requested" && view.pending_request && (
            <p><strong>{w("pendingRequest")}:</strong> {view.pending_request}</p>
          )}
          {view.bill && (
            <p>
              <strong>{w("fee")}:</strong> {formatBaht(language, view.bill.amount_satang)} · {view.bill.status} · {w("due")}{" "}
              {formatDate(language, view.bill.due_date)}
              {view.bill.paid_at && <> · {w("paidAt")} {when(view.bill.paid_at)}</>}
            </p>
          )}
          {view.document_id && !issuedDocument && <p>{w("documentWasIssued")}</p>}
          {issuedDocument && <IssuedPanel issued={issuedDocument} />}

          <h4>{w("timeline")}</h4>
          <Timeline events={view.events} />

          <Actions path={path} view={view} moved={moved} refresh={read} />
          {(view.state === "approved" || view.state === "paid") && services !== null && (
            <IssueCertificate
              key={`${view.id}-${service?.id ?? "none"}`}
              path={path}
              view={view}
              service={service}
              issued={(issued) => {
                setIssuedDocument(issued);
                void read(); // the document moved it on; its new state and timeline come from the server
              }}
            />
          )}
        </>
      )}
    </section>
  );
}

function Answers({ agencyId, view, fields }: { agencyId: number; view: ApplicationView; fields: FormField[] | null }) {
  const { w, language, pick } = useWords();
  const fileUrl = (file: Schema<"FileView">) =>
    apiPath("/api/v1/agency/{agency_id}/applications/{application_id}/files/{file_id}", {
      agency_id: agencyId,
      application_id: view.id,
      file_id: file.id,
    });
  const byId = new Map(view.files.map((file) => [file.id, file]));
  // Without the form (it could not be loaded), the answers under their own names.
  const shown: FormField[] =
    fields ?? Object.keys(view.answers).map((name) => ({ name, kind: "text", label_th: name, label_en: name }));
  const named = new Set(shown.filter((field) => field.kind === "file").flatMap((field) => fileIds(view.answers[field.name])));
  const others = view.files.filter((file) => !named.has(file.id));
  const files = (list: Schema<"FileView">[]) => (
    <ul class="plain">
      {list.map((file) => <li key={file.id}><FileLink href={fileUrl(file)} file={file} /></li>)}
    </ul>
  );
  return (
    <table class="answers">
      <thead><tr><th scope="col">{w("question")}</th><th scope="col">{w("answer")}</th></tr></thead>
      <tbody>
        {shown.map((field) => {
          const value = view.answers[field.name];
          const text = fields ? answerText(language, field, value) : typeof value === "string" ? value : JSON.stringify(value);
          const listed = field.kind === "file" ? fileIds(value).flatMap((id) => byId.get(id) ?? []) : [];
          return (
            <tr key={field.name}>
              <th scope="row">{pick(field, "label")}</th>
              <td>
                {field.kind === "file" ? (listed.length ? files(listed) : <span class="meta">{w("notAnswered")}</span>)
                  : text ? text : <span class="meta">{w("notAnswered")}</span>}
              </td>
            </tr>
          );
        })}
        {others.length > 0 && (
          <tr><th scope="row">{w("otherFiles")}</th><td>{files(others)}</td></tr>
        )}
      </tbody>
    </table>
  );
}

function IssuedPanel({ issued }: { issued: IssuedDocument }) {
  const { w, when, pick } = useWords();
  return (
    <div class="card notice" role="status">
      <p>
        <strong>{w("documentIssued")}:</strong> {pick(issued, "title")},{" "}
        {when(issued.issued_at)}
      </p>
      <p>
        {w("verificationCode")} <code>{issued.verification_code}</code> ·{" "}
        <a href={issued.verification_url} target="_blank" rel="noopener">{w("verificationPage")}</a>
      </p>
    </div>
  );
}
