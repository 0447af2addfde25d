// Agency console: the applications citizens sent to the agency. A list filtered by state and paged by
// submission time; one application with the applicant (from their digital ID login), the answers under
// the form's own labels, the files, the timeline, the moves the server says are legal now, and issuing
// the signed certificate. Opening one is recorded in the citizen's "who accessed my data", and the
// console says so.
import { useEffect, useRef, useState } from "preact/hooks";

import { ApiError, get, send, upload } from "../api";
import { formatBaht, formatDate } from "../i18n";
import { useApp, useLoad } from "../state";
import {
  type ApplicationService,
  type DetailLine,
  type FormField,
  answerText,
  certificateDraft,
  fileIds,
  fileSize,
  fileType,
  label,
} from "./answers";
import { Field, useProblemText } from "./parts";
import { problemsOf } from "./request";
import { useWords } from "./words";
import "./applications.css";

export const APPLICATION_STATES = [
  "submitted", "in_review", "more_information_requested", "approved", "rejected", "fee_due", "paid", "document_issued", "closed",
] as const;
/** The agency's moves this console offers (document_issued is reached by issuing the document). */
const MOVES = ["in_review", "more_information_requested", "approved", "rejected", "fee_due", "closed"] as const;
type Move = (typeof MOVES)[number];
const NOTE_REQUIRED: readonly string[] = ["more_information_requested", "rejected"];
/** The API lists at most this many at a time; a full page means there may be more. */
const PAGE = 100;

interface ApplicationItem {
  id: string;
  tracking_number: string;
  service_id: number;
  title_th: string;
  title_en: string;
  state: string;
  submitted_at: string | null;
  updated_at: string;
  applicant_name_th?: string | null;
  applicant_name_en?: string | null;
}
export interface ApplicationFile { id: string; field: string; file_name: string; content_type: string; size_bytes: number; uploaded_at: string }
export interface ApplicationEvent { id: number; from_state: string; to_state: string; actor_kind: string; note: string | null; at: string }
interface ApplicationView extends ApplicationItem {
  answers: Record<string, unknown>;
  pending_request: string | null;
  service_fee_satang: number | null;
  bill: { id: string; amount_satang: number; status: string; due_date: string; paid_at: string | null } | null;
  files: ApplicationFile[];
  events: ApplicationEvent[];
  next_states: string[];
  document_id: string | null;
  /** The agency system's own reference, once its connector took the application. */
  agency_reference?: string | null;
  applicant?: { name_th: string | null; name_en: string | null; national_id: string; birthdate: string | null } | null;
}
interface IssuedDocument { id: string; title_th: string; title_en: string; verification_code: string; verification_url: string; issued_at: string }

/** 1103702012343 -> 1-1037-02012-34-3, as printed on the card. */
function nationalId(id: string): string {
  return /^\d{13}$/.test(id) ? `${id[0]}-${id.slice(1, 5)}-${id.slice(5, 10)}-${id.slice(10, 12)}-${id[12]}` : id;
}

export function ApplicationsPanel({ agencyId }: { agencyId: number }) {
  const { w, named, when, language } = useWords();
  const { t } = useApp();
  const problemText = useProblemText();
  const [services] = useLoad<ApplicationService[]>(`/api/v1/agency/${agencyId}/application-services`);
  const [state, setState] = useState("");
  const [pages, setPages] = useState<ApplicationItem[][] | null>(null);
  const [message, setMessage] = useState("");
  const [openId, setOpenId] = useState<string | null>(null);
  const [lastOpened, setLastOpened] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const [busy, setBusy] = useState(false);
  /** Only the answer to the latest request is shown (the filter may change while one is on its way). */
  const latest = useRef(0);

  async function load(before: string | null) {
    const ticket = before ? latest.current : ++latest.current;
    setMessage("");
    setBusy(true);
    const query = new URLSearchParams();
    if (state) query.set("state", state);
    if (before) query.set("before", before);
    const search = query.toString();
    try {
      const { data } = await get<ApplicationItem[]>(`/api/v1/agency/${agencyId}/applications${search ? `?${search}` : ""}`);
      if (ticket === latest.current) setPages((previous) => (before && previous ? [...previous, data] : [data]));
    } catch (error) {
      if (ticket === latest.current) setMessage(problemText(error));
    } finally {
      if (ticket === latest.current) setBusy(false);
    }
  }
  useEffect(() => {
    setPages(null);
    void load(null);
  }, [state, generation]);
  useEffect(() => {
    // Back from an application: to the row it was opened from, for keyboard and screen reader users.
    if (openId === null && lastOpened && pages) document.getElementById(`open-${lastOpened}`)?.focus();
  }, [openId, pages]);

  if (openId !== null) {
    return (
      <ApplicationDetail
        key={openId}
        agencyId={agencyId}
        id={openId}
        services={services.status === "loading" ? null : services.status === "ok" ? services.data : []}
        back={() => {
          setOpenId(null);
          setGeneration((n) => n + 1); // what changed meanwhile, by this officer or another
        }}
      />
    );
  }
  const rows = pages?.flat() ?? [];
  const last = pages?.[pages.length - 1];
  const before = last && last.length >= PAGE ? last[last.length - 1]?.submitted_at ?? null : null;
  return (
    <>
      <div class="actions">
        <Field label={w("showStatus")}>
          <select value={state} onChange={(event) => setState(event.currentTarget.value)}>
            <option value="">{w("all")}</option>
            {APPLICATION_STATES.map((value) => <option key={value} value={value}>{named("state_", value)}</option>)}
          </select>
        </Field>
        <button type="button" onClick={() => setGeneration((n) => n + 1)}>{w("refresh")}</button>
      </div>
      {message && <p role="alert">{message}</p>}
      {pages === null && !message && <p role="status">{t("loading")}</p>}
      {pages !== null && rows.length === 0 && <p>{w("noApplications")}</p>}
      {rows.length > 0 && (
        <table class="applications">
          <thead>
            <tr>
              <th scope="col">{w("trackingNumber")}</th><th scope="col">{w("applicant")}</th><th scope="col">{w("state")}</th>
              <th scope="col">{w("service")}</th><th scope="col">{w("submittedAt")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id}>
                <td>
                  <button
                    type="button"
                    id={`open-${row.id}`}
                    title={w("openApplication")}
                    onClick={() => {
                      setLastOpened(row.id);
                      setOpenId(row.id);
                    }}
                  >
                    {row.tracking_number}
                  </button>
                </td>
                <td data-label={w("applicant")}>
                  {(language === "th" ? row.applicant_name_th ?? row.applicant_name_en : row.applicant_name_en ?? row.applicant_name_th) ?? "—"}
                </td>
                <td data-label={w("state")} class="status">{named("state_", row.state)}</td>
                <td data-label={w("service")}>{label(language, { label_th: row.title_th, label_en: row.title_en })}</td>
                <td data-label={w("submittedAt")}>{row.submitted_at ? when(row.submitted_at) : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {before && <button type="button" disabled={busy} onClick={() => load(before)}>{w("more")}</button>}
    </>
  );
}

function ApplicationDetail({
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
  const { w, named, when, language } = useWords();
  const { t } = useApp();
  const problemText = useProblemText();
  const [view, setView] = useState<ApplicationView | null>(null);
  const [issuedDocument, setIssuedDocument] = useState<IssuedDocument | null>(null);
  const [message, setMessage] = useState("");
  const heading = useRef<HTMLHeadingElement>(null);
  const path = `/api/v1/agency/${agencyId}/applications/${id}`;

  async function read() {
    try {
      const { data } = await get<ApplicationView>(path);
      setView(data);
    } catch (error) {
      setMessage(problemText(error));
    }
  }
  useEffect(() => {
    void read();
  }, [path]);
  useEffect(() => {
    // On opening, and after each move (whose button may be gone): to the title, which names the state.
    if (view) heading.current?.focus();
  }, [view?.id, view?.state]);

  function moved(next: ApplicationView) {
    // The answer to a move does not repeat the applicant: keep the one already shown.
    setView((previous) => ({ ...next, applicant: next.applicant ?? previous?.applicant ?? null }));
  }

  const service = view && services ? services.find((item) => item.id === view.service_id) : undefined;
  const title = view ? label(language, { label_th: view.title_th, label_en: view.title_en }) : "";
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
              <div><dt>{w("fullName")}</dt><dd>{(language === "th" ? view.applicant.name_th ?? view.applicant.name_en : view.applicant.name_en ?? view.applicant.name_th) ?? "—"}</dd></div>
              <div><dt>{w("idNumber")}</dt><dd>{nationalId(view.applicant.national_id)}</dd></div>
              <div><dt>{w("birthdate")}</dt><dd>{view.applicant.birthdate ? formatDate(language, view.applicant.birthdate) : "—"}</dd></div>
            </dl>
          )}
          <p class="meta">{w("fromDigitalId")}</p>

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

/** A link that downloads one of an application's files, with its type and size. */
export function FileLink({ href, file }: { href: string; file: ApplicationFile }) {
  const { language } = useWords();
  return (
    <>
      <a href={href} download={file.file_name}>{file.file_name}</a>{" "}
      <span class="meta">({fileType(file.content_type)}, {fileSize(language, file.size_bytes)})</span>
    </>
  );
}

function Answers({ agencyId, view, fields }: { agencyId: number; view: ApplicationView; fields: FormField[] | null }) {
  const { w, language } = useWords();
  const fileUrl = (file: ApplicationFile) => `/api/v1/agency/${agencyId}/applications/${view.id}/files/${file.id}`;
  const byId = new Map(view.files.map((file) => [file.id, file]));
  // Without the form (it could not be loaded), the answers under their own names.
  const shown: FormField[] =
    fields ?? Object.keys(view.answers).map((name) => ({ name, kind: "text", label_th: name, label_en: name }));
  const named = new Set(shown.filter((field) => field.kind === "file").flatMap((field) => fileIds(view.answers[field.name])));
  const others = view.files.filter((file) => !named.has(file.id));
  const files = (list: ApplicationFile[]) => (
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
              <th scope="row">{label(language, field)}</th>
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

export function Timeline({ events }: { events: ApplicationEvent[] }) {
  const { named, when } = useWords();
  return (
    <ol class="timeline">
      {events.map((event) => (
        <li key={event.id}>
          <time dateTime={event.at}>{when(event.at)}</time>: <strong>{named("state_", event.to_state)}</strong> ·{" "}
          {named("actor_", event.actor_kind)}
          {event.note && <>: “{event.note}”</>}
        </li>
      ))}
    </ol>
  );
}

function Actions({
  path,
  view,
  moved,
  refresh,
}: {
  path: string;
  view: ApplicationView;
  moved: (next: ApplicationView) => void;
  refresh: () => Promise<void>;
}) {
  const { w, named } = useWords();
  const problemText = useProblemText();
  const moves = MOVES.filter((move) => view.next_states.includes(move));
  const defaultFee = view.service_fee_satang ? String(view.service_fee_satang / 100) : "";
  const [chosen, setChosen] = useState<Move | null>(null);
  const [note, setNote] = useState("");
  const [fee, setFee] = useState(defaultFee);
  const [problem, setProblem] = useState<{ text: string; field: "note" | "fee" | null } | null>(null);
  /** The move just made, said while the application is still where it moved it. */
  const [done, setDone] = useState<Move | null>(null);
  const [busy, setBusy] = useState(false);

  function choose(move: Move | null) {
    setChosen(move);
    setNote("");
    setFee(defaultFee);
    setProblem(null);
    setDone(null);
  }
  async function move(to: Move) {
    setProblem(null);
    setDone(null);
    const trimmed = note.trim();
    if (NOTE_REQUIRED.includes(to) && !trimmed) {
      setProblem({ text: w("noteRequired"), field: "note" });
      document.getElementById("move-note")?.focus();
      return;
    }
    const satang = Math.round(Number(fee) * 100);
    if (to === "fee_due" && !(satang > 0)) {
      setProblem({ text: w("feeRequired"), field: "fee" });
      document.getElementById("move-fee")?.focus();
      return;
    }
    const body = { state: to, ...(trimmed ? { note: trimmed } : {}), ...(to === "fee_due" ? { fee_satang: satang } : {}) };
    setBusy(true);
    try {
      moved((await send<ApplicationView>("POST", `${path}/status`, body))!); // 200 with a body
      setChosen(null);
      setNote("");
      setDone(to);
    } catch (error) {
      const field = problemsOf(error, "note").length ? "note" : problemsOf(error, "fee_satang").length ? "fee" : null;
      const conflict = error instanceof ApiError && error.status === 409;
      setProblem({ text: conflict ? `${w("notPossibleNow")}: ${problemText(error)}` : problemText(error), field });
      if (conflict) {
        // Not a legal move from where the application is now (someone else moved it): show where that is.
        setChosen(null);
        await refresh();
      }
    } finally {
      setBusy(false);
    }
  }

  const problemLine = problem && <p role="alert" id="move-problem" class="warn">{problem.text}</p>;
  return (
    <section aria-labelledby="next-step-title">
      <h4 id="next-step-title">{w("nextStep")}</h4>
      {moves.length === 0 && <p>{w("noNextStep")}</p>}
      <div class="actions">
        {moves.map((to) =>
          to === "in_review" ? (
            // Taking the application up needs no words; every other move is confirmed.
            <button key={to} type="button" class="primary" disabled={busy} onClick={() => { choose(null); void move(to); }}>
              {named("do_", to)}
            </button>
          ) : (
            <button key={to} type="button" aria-pressed={chosen === to} aria-controls={chosen ? "move-form" : undefined} onClick={() => choose(chosen === to ? null : to)}>
              {named("do_", to)}
            </button>
          ),
        )}
      </div>
      {chosen && (
        <form id="move-form" aria-label={named("do_", chosen)} onSubmit={(event) => { event.preventDefault(); void move(chosen); }}>
          {chosen === "fee_due" && (
            <>
              <Field label={w("feeBaht")}>
                <input
                  id="move-fee"
                  type="number"
                  inputMode="decimal"
                  min="0.01"
                  step="0.01"
                  value={fee}
                  aria-invalid={problem?.field === "fee"}
                  aria-describedby={problem?.field === "fee" ? "move-problem" : undefined}
                  onInput={(event) => setFee(event.currentTarget.value)}
                />
              </Field>
              <p class="meta">{w("feeBecomesBill")}</p>
            </>
          )}
          {chosen !== "fee_due" && (
            <Field label={w(chosen === "more_information_requested" ? "noteNeeded" : chosen === "rejected" ? "noteWhy" : "noteOptional")}>
              <textarea
                id="move-note"
                maxLength={2000}
                value={note}
                aria-required={NOTE_REQUIRED.includes(chosen)}
                aria-invalid={problem?.field === "note"}
                aria-describedby={problem?.field === "note" ? "move-problem" : undefined}
                onInput={(event) => setNote(event.currentTarget.value)}
              />
            </Field>
          )}
          {problemLine}
          <div class="actions">
            <button type="submit" class="primary" disabled={busy}>{named("do_", chosen)}</button>
            <button type="button" onClick={() => choose(null)}>{w("cancel")}</button>
          </div>
        </form>
      )}
      {!chosen && problemLine}
      {done && done === view.state && <p role="status">{w("movedTo")} "{named("state_", done)}"</p>}
    </section>
  );
}

function IssueCertificate({
  path,
  view,
  service,
  issued,
}: {
  path: string;
  view: ApplicationView;
  service: ApplicationService | undefined;
  issued: (document: IssuedDocument) => void;
}) {
  const { w } = useWords();
  const problemText = useProblemText();
  const [form, setForm] = useState(() => certificateDraft(service, view, view.answers));
  /** The agency's own PDF instead of the one the platform renders from the details. */
  const [ownPdf, setOwnPdf] = useState<File | null | "wanted">(null);
  const [problem, setProblem] = useState("");
  const [busy, setBusy] = useState(false);
  const setLine = (index: number, key: keyof DetailLine) => (event: Event) => {
    const value = (event.currentTarget as HTMLInputElement).value;
    setForm({ ...form, details: form.details.map((line, i) => (i === index ? { ...line, [key]: value } : line)) });
  };

  async function issue(event: Event) {
    event.preventDefault();
    setProblem("");
    setBusy(true);
    const details = form.details
      .map((line) => ({ label_th: line.label_th.trim(), label_en: line.label_en.trim(), value: line.value.trim() }))
      .filter((line) => line.label_th || line.label_en || line.value);
    try {
      if (ownPdf === null) {
        issued((await send<IssuedDocument>("POST", `${path}/document`, { ...form, details }))!); // 201 with a body
      } else if (ownPdf !== "wanted") {
        const parts = new FormData();
        parts.append("title_th", form.title_th.trim());
        parts.append("title_en", form.title_en.trim());
        parts.append("file", ownPdf, ownPdf.name);
        issued(await upload<IssuedDocument>(`${path}/document/file`, parts));
      }
    } catch (error) {
      setProblem(problemText(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={issue} aria-labelledby="issue-title" class="issue">
      <h4 id="issue-title">{w("issueCertificate")}</h4>
      <p class="meta">{w("issueExplained")}</p>
      <Field label={w("titleTh")}>
        <input required maxLength={200} value={form.title_th} onInput={(event) => setForm({ ...form, title_th: event.currentTarget.value })} />
      </Field>
      <Field label={w("titleEn")}>
        <input required maxLength={200} value={form.title_en} onInput={(event) => setForm({ ...form, title_en: event.currentTarget.value })} />
      </Field>
      <fieldset>
        <legend>{w("documentSource")}</legend>
        <label class="check">
          <input type="radio" name="document-source" checked={ownPdf === null} onChange={() => setOwnPdf(null)} /> {w("renderByPlatform")}
        </label>
        <label class="check">
          <input type="radio" name="document-source" checked={ownPdf !== null} onChange={() => setOwnPdf("wanted")} /> {w("uploadOwnPdf")}
        </label>
      </fieldset>
      {ownPdf !== null && (
        <Field label={w("pdfFile")}>
          <input
            type="file"
            required
            accept="application/pdf,.pdf"
            onChange={(event) => setOwnPdf(event.currentTarget.files?.[0] ?? "wanted")}
          />
        </Field>
      )}
      {ownPdf === null && (
        <fieldset>
          <legend>{w("documentDetails")}</legend>
          {form.details.map((line, index) => (
            <fieldset key={index}>
              <legend>{w("line")} {index + 1}</legend>
              <div class="console-grid">
                <Field label={w("labelTh")}><input required maxLength={100} value={line.label_th} onInput={setLine(index, "label_th")} /></Field>
                <Field label={w("labelEn")}><input required maxLength={100} value={line.label_en} onInput={setLine(index, "label_en")} /></Field>
              </div>
              <Field label={w("value")}><input required maxLength={300} value={line.value} onInput={setLine(index, "value")} /></Field>
              <button type="button" onClick={() => setForm({ ...form, details: form.details.filter((_, i) => i !== index) })}>
                {w("removeLine")}
              </button>
            </fieldset>
          ))}
          <button
            type="button"
            disabled={form.details.length >= 20}
            onClick={() => setForm({ ...form, details: [...form.details, { label_th: "", label_en: "", value: "" }] })}
          >
            {w("addLine")}
          </button>
        </fieldset>
      )}
      {problem && <p role="alert" class="warn">{problem}</p>}
      <button type="submit" class="primary" disabled={busy}>{w("issue")}</button>
    </form>
  );
}

function IssuedPanel({ issued }: { issued: IssuedDocument }) {
  const { w, when, language } = useWords();
  return (
    <div class="card notice" role="status">
      <p>
        <strong>{w("documentIssued")}:</strong> {label(language, { label_th: issued.title_th, label_en: issued.title_en })},{" "}
        {when(issued.issued_at)}
      </p>
      <p>
        {w("verificationCode")} <code>{issued.verification_code}</code> ·{" "}
        <a href={issued.verification_url} target="_blank" rel="noopener">{w("verificationPage")}</a>
      </p>
    </div>
  );
}
