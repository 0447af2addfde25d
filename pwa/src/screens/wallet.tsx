// The documents wallet: the citizen's signed documents (/wallet) and one of them (/wallet/{id}) with
// its verification code, and sharing by a one-time link and QR code that expires.
import { useEffect, useState } from "preact/hooks";

import { ApiError, send } from "../api";
import { Loaded } from "../components";
import { formatDate, type Key } from "../i18n";
import { useApp, useLoad } from "../state";
import { type DocumentView, groupCode, type ShareView, svgDataUrl } from "./application-logic";
import { Link } from "./parts";

export function Wallet() {
  const { t, language } = useApp();
  const [load, reload] = useLoad<DocumentView[]>("/api/v1/documents");
  const english = language === "en";
  return (
    <section aria-labelledby="wallet-title">
      <h1 id="wallet-title">{t("myDocuments")}</h1>
      <p class="actions">
        <Link to="/applications" class="button">
          {t("myApplications")}
        </Link>
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
                      <Link to={`/wallet/${document.id}`}>{english ? document.title_en : document.title_th}</Link>
                    </h2>
                    <p class="meta">{english ? document.agency_name_en : document.agency_name_th}</p>
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

interface CreatedShare {
  share: ShareView;
  url: string;
  qr_svg: string;
}

const DURATIONS: [number, Key][] = [
  [15, "minutes15"],
  [60, "hour1"],
  [1440, "hours24"],
];

function SharePanel({ document }: { document: DocumentView }) {
  const { t, language } = useApp();
  const [minutes, setMinutes] = useState(15);
  const [created, setCreated] = useState<CreatedShare | null>(null);
  const [copied, setCopied] = useState(false);
  const [problem, setProblem] = useState("");
  const [busy, setBusy] = useState(false);
  const [shares, reloadShares] = useLoad<ShareView[]>(`/api/v1/documents/${document.id}/shares`);

  useEffect(() => {
    if (created) globalThis.document.getElementById("share-ready")?.focus(); // say what was made, where it is
  }, [created]);

  async function makeLink(event: Event) {
    event.preventDefault();
    setBusy(true);
    setProblem("");
    setCopied(false);
    try {
      setCreated(await send<CreatedShare>("POST", `/api/v1/documents/${document.id}/shares`, { minutes }));
      reloadShares();
    } catch (error) {
      if (error instanceof ApiError) setProblem(error.status === 0 ? t("offline") : error.detail || error.title);
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
      await send("DELETE", `/api/v1/documents/${document.id}/shares/${share.id}`);
      if (created?.share.id === share.id) setCreated(null);
    } catch (error) {
      if (error instanceof ApiError) setProblem(error.status === 0 ? t("offline") : error.detail || error.title);
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
      {problem && (
        <p class="notice error" role="alert">
          {problem}
        </p>
      )}
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
                    .share({ title: language === "en" ? document.title_en : document.title_th, url: created.url })
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
                  <span class={`badge share-${share.status}`}>{t(`share_${share.status}` as Key)}</span>{" "}
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
  const { t, language } = useApp();
  const [load, reload] = useLoad<DocumentView>(`/api/v1/documents/${encodeURIComponent(param)}`);
  const english = language === "en";
  return (
    <Loaded load={load} reload={reload}>
      {(document) => (
        <section aria-labelledby="document-title">
          <p class="back">
            <Link to="/wallet">← {t("myDocuments")}</Link>
          </p>
          <h1 id="document-title">{english ? document.title_en : document.title_th}</h1>
          {document.revoked_at ? (
            <p class="verdict bad">✕ {t("revoked")}</p>
          ) : (
            <p class="verdict good">✓ {t("signedByPlatform")}</p>
          )}
          <dl class="facts">
            <div>
              <dt>{t("issuedBy")}</dt>
              <dd>{english ? document.agency_name_en : document.agency_name_th}</dd>
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
            <Link to={`/verify/${document.verification_code}`} class="button">
              {t("checkGenuine")}
            </Link>
          </div>
          {document.application_id && (
            <p>
              <Link to={`/applications/${document.application_id}`}>{t("fromApplication")}</Link>
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
