// "My applications" (/applications) and one application (/applications/{id}): its tracking number,
// the national plan's steps with each event's time and note, and what the citizen can do now (answer
// the agency, pay the fee, open the document, withdraw).
import { useEffect, useState } from "preact/hooks";

import { ApiError, get, send } from "../api";
import { Loaded } from "../components";
import { formatBaht, formatDate, type Key } from "../i18n";
import { useApp, useLoad } from "../state";
import {
  type ApplicationSummary,
  type ApplicationView,
  formatSize,
  type ServiceView,
  STATUS_WORDS,
  STEP_WORDS,
  stateName,
  stepsOf,
} from "./application-logic";
import { Link, StateBadge } from "./parts";

export function Applications() {
  const { t, language } = useApp();
  const [load, reload] = useLoad<ApplicationSummary[]>("/api/v1/applications");
  const english = language === "en";
  return (
    <section aria-labelledby="applications-title">
      <h1 id="applications-title">{t("myApplications")}</h1>
      <p class="actions">
        <Link to="/wallet" class="button">
          {t("myDocuments")}
        </Link>
      </p>
      <Loaded load={load} reload={reload}>
        {(items) =>
          items.length === 0 ? (
            <p>{t("noApplications")}</p>
          ) : (
            <ul class="cards">
              {items.map((item) => (
                <li class="card application-card" key={item.id}>
                  <h2>
                    <Link to={`/applications/${item.id}`}>{english ? item.title_en : item.title_th}</Link>
                  </h2>
                  <p class="meta">{english ? item.agency_name_en : item.agency_name_th}</p>
                  <p class="state-line">
                    <StateBadge state={item.state} />{" "}
                    <span class="meta">
                      {t("trackingNumber")} <span class="code">{item.tracking_number}</span>
                    </span>
                  </p>
                  <p class="meta">
                    {t("lastUpdated")} {formatDate(language, item.updated_at, true)}
                  </p>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}

/** Which tile a service belongs to (the application does not say): the form lives under its tile. */
async function tileOfService(serviceId: number, language: string): Promise<number | null> {
  type Catalogue = { categories: { tiles: { id: number; kind: string }[] }[] };
  const { data } = await get<Catalogue>(`/api/v1/tiles?lang=${language}`);
  const tiles = new Set(
    data.categories
      .flatMap((group) => group.tiles)
      .filter((tile) => tile.kind === "application")
      .map((tile) => tile.id),
  );
  for (const tile of tiles) {
    const service = await get<ServiceView>(`/api/v1/tiles/${tile}/application-service`).catch(() => null);
    if (service?.data.id === serviceId) return tile;
  }
  return null;
}

// Withdrawing is for an application still being decided; closing one that has ended changes nothing.
const WITHDRAWABLE = new Set(["submitted", "in_review", "more_information_requested"]);
const ACTORS: Record<string, Key> = { citizen: "citizen", agency: "agency", system: "system" };
const MARKS: Record<string, string> = { done: "✓", current: "●", upcoming: "○", stopped: "–", failed: "✕" };

function Timeline({ application }: { application: ApplicationView }) {
  const { t, language } = useApp();
  const note = (to: string, text: string | null) => {
    // The platform's own notes (the fee's amount, the document's title) are said in the citizen's
    // language from what this screen knows; an officer's or the citizen's words are quoted as written.
    if (to === "fee_due") return application.bill ? formatBaht(language, application.bill.amount_satang) : null;
    if (to === "document_issued" || (to === "closed" && text === "withdrawn by the applicant")) return null;
    return text && <q>{text}</q>;
  };
  return (
    <ol class="steps" aria-labelledby="progress-title">
      {stepsOf(application).map((step) => (
        <li key={step.key} class={`step ${step.status}`} aria-current={step.status === "current" ? "step" : undefined}>
          <span class="step-mark" aria-hidden="true">
            {MARKS[step.status]}
          </span>
          <div class="step-body">
            <h3>
              {t(STEP_WORDS[step.key])} <span class="step-status">({t(STATUS_WORDS[step.status])})</span>
            </h3>
            {step.events.map((event) => {
              const said = note(event.to_state, event.note);
              return (
                <p class="step-event" key={event.id}>
                  <time dateTime={event.at}>{formatDate(language, event.at, true)}</time> ·{" "}
                  {event.to_state === "closed" && event.actor_kind === "citizen" && WITHDRAWABLE.has(event.from_state)
                    ? t("withdrawn")
                    : stateName(language, event.to_state)}{" "}
                  · {t(ACTORS[event.actor_kind] ?? "system")}
                  {said && <>: {said}</>}
                </p>
              );
            })}
          </div>
        </li>
      ))}
    </ol>
  );
}

export function ApplicationDetail({ param }: { param: string }) {
  const { t, language, navigate } = useApp();
  const [load, reload] = useLoad<ApplicationView>(`/api/v1/applications/${encodeURIComponent(param)}`);
  const [changed, setChanged] = useState<ApplicationView | null>(null);
  const [reply, setReply] = useState("");
  const [problem, setProblem] = useState("");
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const sent = new URLSearchParams(window.location.search).has("sent");
  const english = language === "en";

  useEffect(() => {
    // Back from paying or from the inbox: show where it is now.
    const again = () => {
      if (document.visibilityState === "visible") {
        setChanged(null);
        reload();
      }
    };
    document.addEventListener("visibilitychange", again);
    return () => document.removeEventListener("visibilitychange", again);
  }, []);

  async function act(path: string, body: unknown) {
    setBusy(true);
    setProblem("");
    try {
      const changed = await send<ApplicationView>("POST", path, body);
      if (changed) setChanged(changed);
      setReply("");
      setConfirming(false);
    } catch (error) {
      if (error instanceof ApiError) setProblem(error.status === 0 ? t("offline") : error.detail || error.title);
    } finally {
      setBusy(false);
    }
  }

  async function continueDraft(serviceId: number) {
    setBusy(true);
    const tile = await tileOfService(serviceId, language).catch((error: ApiError) => {
      setProblem(error.status === 0 ? t("offline") : error.detail || error.title);
      return null;
    });
    setBusy(false);
    if (tile !== null) navigate(`/apply/${tile}`);
    else setProblem((now) => now || t("serviceUnavailable"));
  }

  return (
    <Loaded load={load} reload={reload}>
      {(loaded) => {
        const application = changed ?? loaded;
        const base = `/api/v1/applications/${application.id}`;
        return (
          <section aria-labelledby="application-title">
            <p class="back">
              <Link to="/applications">← {t("myApplications")}</Link>
            </p>
            <h1 id="application-title">{english ? application.title_en : application.title_th}</h1>
            <p class="meta">{english ? application.agency_name_en : application.agency_name_th}</p>
            {sent && application.state === "submitted" && (
              <p class="notice success" role="status">
                ✓ {t("sentNotice")}
              </p>
            )}
            <dl class="facts">
              <div>
                <dt>{t("trackingNumber")}</dt>
                <dd class="tracking">{application.tracking_number}</dd>
              </div>
              <div>
                <dt>{t("status")}</dt>
                <dd>
                  <StateBadge state={application.state} />
                </dd>
              </div>
              {application.submitted_at && (
                <div>
                  <dt>{t("sentOn")}</dt>
                  <dd>{formatDate(language, application.submitted_at, true)}</dd>
                </div>
              )}
            </dl>
            {problem && (
              <p class="notice error" role="alert">
                {problem}
              </p>
            )}

            {application.state === "draft" && (
              <p>
                <button
                  type="button"
                  class="primary"
                  disabled={busy}
                  onClick={() => void continueDraft(application.service_id)}
                >
                  {t("continueDraft")}
                </button>
              </p>
            )}

            {application.state === "more_information_requested" && (
              <section class="panel attention" aria-labelledby="request-title">
                <h2 id="request-title">{t("agencyAsks")}</h2>
                {application.pending_request && <p class="request">{application.pending_request}</p>}
                <form
                  onSubmit={(event) => {
                    event.preventDefault();
                    if (reply.trim()) void act(`${base}/reply`, { message: reply.trim() });
                  }}
                >
                  <label class="form-label" for="reply">
                    {t("yourReply")}
                  </label>
                  <textarea
                    id="reply"
                    rows={4}
                    maxLength={2000}
                    required
                    value={reply}
                    onInput={(event) => setReply(event.currentTarget.value)}
                  />
                  <p>
                    <button type="submit" class="primary" disabled={busy || !reply.trim()}>
                      {t("sendReply")}
                    </button>
                  </p>
                </form>
              </section>
            )}

            {application.state === "rejected" && (
              <section class="panel refused" aria-labelledby="rejected-title">
                <h2 id="rejected-title">{t("rejectedBecause")}</h2>
                <p class="request">
                  {[...application.events].reverse().find((event) => event.to_state === "rejected")?.note}
                </p>
              </section>
            )}

            {application.state === "fee_due" && application.bill && (
              <section class="panel attention" aria-labelledby="fee-title">
                <h2 id="fee-title">{t("feeToPay")}</h2>
                <p class="amount">{formatBaht(language, application.bill.amount_satang)}</p>
                <p>
                  {t("due")} {formatDate(language, application.bill.due_date)}
                </p>
                <p>
                  <Link to="/bills" class="button primary">
                    {t("payFee")}
                  </Link>
                </p>
              </section>
            )}

            {application.document_id && (
              <p>
                <Link to={`/wallet/${application.document_id}`} class="button primary">
                  {t("openInWallet")}
                </Link>
              </p>
            )}

            <h2 id="progress-title">{t("progress")}</h2>
            <Timeline application={application} />

            {application.files.length > 0 && (
              <>
                <h2>{t("files")}</h2>
                <ul class="file-list">
                  {application.files.map((file) => (
                    <li key={file.id}>
                      <a href={`${base}/files/${file.id}`} download={file.file_name}>
                        {file.file_name}
                      </a>{" "}
                      <span class="meta">{formatSize(file.size_bytes)}</span>
                    </li>
                  ))}
                </ul>
              </>
            )}

            {WITHDRAWABLE.has(application.state) && application.next_states.includes("closed") && (
              <div class="withdraw">
                {confirming ? (
                  <div class="panel" role="group" aria-labelledby="withdraw-question">
                    <p id="withdraw-question">{t("withdrawConfirm")}</p>
                    <div class="actions">
                      <button
                        type="button"
                        class="danger"
                        disabled={busy}
                        onClick={() => void act(`${base}/withdraw`, undefined)}
                      >
                        {t("withdrawYes")}
                      </button>
                      <button type="button" onClick={() => setConfirming(false)}>
                        {t("keepIt")}
                      </button>
                    </div>
                  </div>
                ) : (
                  <button type="button" onClick={() => setConfirming(true)}>
                    {t("withdrawApplication")}
                  </button>
                )}
              </div>
            )}
          </section>
        );
      }}
    </Loaded>
  );
}
