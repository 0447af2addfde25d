// The documents wallet: the citizen's signed documents (/wallet) and one of them (/wallet/{id}) with
// its verification code, and sharing by a one-time link and QR code that expires.
import { useEffect, useState } from "preact/hooks";

import { ApiError, request, type Schema, stepUpUrl } from "../api";
import { formatDate } from "../i18n";
import { useApp, useLoad } from "../state";
import { Loaded } from "../ui/loaded";
import { ErrorNotice } from "../ui/notice";
import { groupCode, svgDataUrl } from "./application-logic";

type DocumentView = Schema<"DocumentView">;
type ShareView = Schema<"ShareView">;

export function Wallet() {
  const { t, language, pick } = useApp();
  const [load, reload] = useLoad("/api/v1/documents");
  return (
    <section aria-labelledby="wallet-title">
      <h1 id="wallet-title">{t("myDocuments")}</h1>
      <p class="actions">
        <a href="/applications" class="button">
          {t("myApplications")}
        </a>
      </p>
      <Loaded load={load} reload={reload}>
        {(documents) =>
          documents.length === 0 ? (
            <p>{t("noDocuments")}</p>
          ) : (
            <ul class="cards">
              {documents.map((document) => (
                <li class="card document-card" key={document.id}>
                  <span class="document-icon" aria-hidden="true">
                    📄
                  </span>
                  <div>
                    <h2>
                      <a href={`/wallet/${document.id}`}>{pick(document, "title")}</a>
                    </h2>
                    <p class="meta">{pick(document, "agency_name")}</p>
                    <p class="meta">
                      {t("issuedOn")} {formatDate(language, document.issued_at)}
                    </p>
                    {document.revoked_at && <p class="warn">{t("revoked")}</p>}
                  </div>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}

const DURATIONS = [
  [15, "minutes15"],
  [60, "hour1"],
  [1440, "hours24"],
] as const;

function SharePanel({ document }: { document: DocumentView }) {
  const { t, language, pick, named, problem: say } = useApp();
  const [minutes, setMinutes] = useState<number>(15);
  const [created, setCreated] = useState<Schema<"CreatedShare"> | null>(null);
  const [copied, setCopied] = useState(false);
  const [problem, setProblem] = useState("");
  const [busy, setBusy] = useState(false);
  const [shares, reloadShares] = useLoad("/api/v1/documents/{document_id}/shares", { path: { document_id: document.id } });

  useEffect(() => {
    if (created) globalThis.document.getElementById("share-ready")?.focus(); // say what was made, where it is
  }, [created]);

  async function makeLink(event: Event) {
    event.preventDefault();
    setBusy(true);
    setProblem("");
    setCopied(false);
    try {
      const path = { document_id: document.id };
      setCreated((await request("POST", "/api/v1/documents/{document_id}/shares", { path, body: { minutes } })).data);
      reloadShares();
    } catch (error) {
      if (!(error instanceof ApiError)) return;
      // Sharing needs a recent, strong login (the delegate's own when acting): log in again, come back.
      const stepUp = stepUpUrl(error, `/wallet/${document.id}`);
      if (stepUp) window.location.assign(stepUp);
      else setProblem(say(error));
    } finally {
      setBusy(false);
    }
  }

  async function copy(url: string) {
    try {
      await navigator.clipboard.writeText(url);
    } catch {
      (globalThis.document.getElementById("share-url") as HTMLInputElement | null)?.select();
      globalThis.document.execCommand?.("copy");
    }
    setCopied(true);
  }

  async function withdraw(share: ShareView) {
    try {
      await request("DELETE", "/api/v1/documents/{document_id}/shares/{share_id}", {
        path: { document_id: document.id, share_id: share.id },
      });
      if (created?.share.id === share.id) setCreated(null);
    } catch (error) {
      if (error instanceof ApiError) setProblem(say(error));
    }
    reloadShares();
  }

  return (
    <section class="share" aria-labelledby="share-title">
      <h2 id="share-title">{t("shareTitle")}</h2>
      <p>{t("shareExplain")}</p>
      <form onSubmit={makeLink}>
        <fieldset class="choices">
          <legend class="form-label">{t("shareFor")}</legend>
          {DURATIONS.map(([value, key]) => (
            <label key={value} class="option">
              <input type="radio" name="share-minutes" checked={minutes === value} onChange={() => setMinutes(value)} />
              <span>{t(key)}</span>
            </label>
          ))}
        </fieldset>
        <button type="submit" class="primary" disabled={busy || !!document.revoked_at}>
          {t("makeLink")}
        </button>
      </form>
      <ErrorNotice text={problem} />
      {created && (
        <div class="share-result">
          <h3 id="share-ready" tabIndex={-1}>
            {t("shareReady")}
          </h3>
          <img class="qr" src={svgDataUrl(created.qr_svg)} alt={t("shareQrAlt")} />
          <p class="share-once">
            <strong>
              {t("shareOnce")} {formatDate(language, created.share.expires_at, true)}
            </strong>
          </p>
          <label class="form-label" for="share-url">
            {t("shareLink")}
          </label>
          <input
            id="share-url"
            class="share-url"
            type="text"
            readOnly
            value={created.url}
            onFocus={(event) => event.currentTarget.select()}
          />
          <div class="actions">
            <button type="button" onClick={() => void copy(created.url)}>
              {t("copyLink")}
            </button>
            {"share" in navigator && (
              <button
                type="button"
                onClick={() =>
                  void navigator
                    .share({ title: pick(document, "title"), url: created.url })
                    .catch(() => null)
                }
              >
                {t("sendVia")}
              </button>
            )}
            <span class="ok" role="status">
              {copied ? `✓ ${t("copied")}` : ""}
            </span>
          </div>
        </div>
      )}
      <h3 id="shares-title">{t("sharesTitle")}</h3>
      <Loaded load={shares} reload={reloadShares}>
        {(items) =>
          items.length === 0 ? (
            <p>{t("noShares")}</p>
          ) : (
            <ul class="plain shares" aria-labelledby="shares-title">
              {items.map((share) => (
                <li key={share.id}>
                  <span class={`badge share-${share.status}`}>{named("share_", share.status)}</span>{" "}
                  {share.status === "opened" && share.opened_at
                    ? `${t("openedAt")} ${formatDate(language, share.opened_at, true)}`
                    : `${t("until")} ${formatDate(language, share.expires_at, true)}`}
                  {share.status === "waiting" && (
                    <>
                      {" "}
                      <button type="button" class="small" onClick={() => void withdraw(share)}>
                        {t("withdrawLink")}
                      </button>
                    </>
                  )}
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}

export function DocumentScreen({ param }: { param: string }) {
  const { t, language, pick } = useApp();
  const [load, reload] = useLoad("/api/v1/documents/{document_id}", { path: { document_id: param } });
  return (
    <Loaded load={load} reload={reload}>
      {(document) => (
        <section aria-labelledby="document-title">
          <p class="back">
            <a href="/wallet">← {t("myDocuments")}</a>
          </p>
          <h1 id="document-title">{pick(document, "title")}</h1>
          {document.revoked_at ? (
            <p class="verdict bad">✕ {t("revoked")}</p>
          ) : (
            <p class="verdict good">✓ {t("signedByPlatform")}</p>
          )}
          <dl class="facts">
            <div>
              <dt>{t("issuedBy")}</dt>
              <dd>{pick(document, "agency_name")}</dd>
            </div>
            <div>
              <dt>{t("issuedOn")}</dt>
              <dd>{formatDate(language, document.issued_at, true)}</dd>
            </div>
            <div class="wide">
              <dt>{t("verificationCode")}</dt>
              <dd class="code">{groupCode(document.verification_code)}</dd>
            </div>
          </dl>
          <div class="actions">
            <a class="button primary" href={document.file_url} target="_blank" rel="noopener">
              {t("openPdf")}
              <span class="visually-hidden"> ({t("newTab")})</span>
            </a>
            <a href={`/verify/${document.verification_code}`} class="button">
              {t("checkGenuine")}
            </a>
          </div>
          {document.application_id && (
            <p>
              <a href={`/applications/${document.application_id}`}>{t("fromApplication")}</a>
            </p>
          )}
          <SharePanel document={document} />
          <details class="technical">
            <summary>{t("technical")}</summary>
            <p>
              SHA-256: <code class="payload">{document.sha256}</code>
            </p>
          </details>
        </section>
      )}
    </Loaded>
  );
}
