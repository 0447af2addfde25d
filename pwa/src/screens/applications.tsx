// "My applications" (/applications) and one application (/applications/{id}): its tracking number,
// the national plan's steps with each event's time and note, and what the citizen can do now (answer
// the agency, pay the fee, open the document, withdraw).
import { useEffect, useState } from "preact/hooks";

import { ApiError, apiPath, request, type Schema } from "../api";
import { formatBaht, formatDate, type Key } from "../i18n";
import { useApp, useLoad } from "../state";
import { Loaded } from "../ui/loaded";
import { ErrorNotice } from "../ui/notice";
import { StateBadge } from "../ui/state-badge";
import { ReplyPanel } from "./reply-panel";
import { formatSize, STATUS_WORDS, STEP_WORDS, stateName, stepsOf } from "./application-logic";

type ApplicationView = Schema<"ApplicationView">;

export function Applications() {
  const { t, language, pick } = useApp();
  const [load, reload] = useLoad("/api/v1/applications");
  return (
    <section aria-labelledby="applications-title">
      <h1 id="applications-title">{t("myApplications")}</h1>
      <p class="actions">
        <a href="/wallet" class="button">
          {t("myDocuments")}
        </a>
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
                    <a href={`/applications/${item.id}`}>{pick(item, "title")}</a>
                  </h2>
                  <p class="meta">{pick(item, "agency_name")}</p>
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

// Withdrawing is for an application still being decided; closing one that has ended changes nothing.
const WITHDRAWABLE = new Set(["submitted", "in_review", "more_information_requested"]);
const ACTORS: Record<string, Key> = { citizen: "citizen", agency: "agency", system: "system" };
const MARKS: Record<string, string> = { done: "✓", current: "●", upcoming: "○", stopped: "–", failed: "✕" };

function Timeline({ application }: { application: ApplicationView }) {
  const { t, tr, language } = useApp();
  const sentWith = (eventId: number) => application.files.filter((file) => file.reply_event_id === eventId);
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
                  {sentWith(event.id).length > 0 && (
                    <>
                      {" "}
                      · {tr({ th: "แนบ", en: "attached" })}{" "}
                      {sentWith(event.id)
                        .map((file) => file.file_name)
                        .join(", ")}
                    </>
                  )}
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
  const { t, language, pick, problem: say } = useApp();
  const [load, reload] = useLoad("/api/v1/applications/{application_id}", { path: { application_id: param } });
  const [changed, setChanged] = useState<ApplicationView | null>(null);
  const [problem, setProblem] = useState("");
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const sent = new URLSearchParams(window.location.search).has("sent");

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

  async function act(sending: Promise<{ data: ApplicationView }>) {
    setBusy(true);
    setProblem("");
    try {
      setChanged((await sending).data);
      setConfirming(false);
    } catch (error) {
      if (error instanceof ApiError) setProblem(say(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Loaded load={load} reload={reload}>
      {(loaded) => {
        const application = changed ?? loaded;
        const path = { application_id: application.id };
        return (
          <section aria-labelledby="application-title">
            <p class="back">
              <a href="/applications">← {t("myApplications")}</a>
            </p>
            <h1 id="application-title">{pick(application, "title")}</h1>
            <p class="meta">{pick(application, "agency_name")}</p>
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
            <ErrorNotice text={problem} />

            {application.state === "draft" && (
              <p>
                <a class="button primary" href={`/apply/${application.tile_id}/form`}>
                  {t("continueDraft")}
                </a>
              </p>
            )}

            {application.state === "more_information_requested" && (
              <ReplyPanel key={application.updated_at} application={application} act={act} busy={busy} />
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
                  <a href="/bills" class="button primary">
                    {t("payFee")}
                  </a>
                </p>
              </section>
            )}

            {application.document_id && (
              <p>
                <a href={`/wallet/${application.document_id}`} class="button primary">
                  {t("openInWallet")}
                </a>
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
                      <a
                        href={apiPath("/api/v1/applications/{application_id}/files/{file_id}", {
                          ...path,
                          file_id: file.id,
                        })}
                        download={file.file_name}
                      >
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
                        onClick={() =>
                          void act(request("POST", "/api/v1/applications/{application_id}/withdraw", { path }))
                        }
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
