// Anyone checks a document (/verify, /verify/{code}): the platform's signature over the code and the
// file's digest, and whether a copy they were given is byte for byte the signed document.
import { useState } from "preact/hooks";

import { ApiError, request, type Schema } from "../api";
import { useApp, useLoad } from "../state";
import { DocumentFacts } from "../ui/document-facts";
import { Loaded } from "../ui/loaded";
import { ErrorNotice } from "../ui/notice";
import { groupCode, normaliseCode } from "./application-logic";

function CodeForm({ initial }: { initial: string }) {
  const { t, navigate } = useApp();
  const [typed, setTyped] = useState(initial);
  return (
    <form
      class="code-form"
      onSubmit={(event) => {
        event.preventDefault();
        const code = normaliseCode(typed);
        if (code) navigate(`/verify/${code}`);
      }}
    >
      <label class="form-label" for="verify-code">
        {t("verificationCode")}
      </label>
      <p class="form-help" id="verify-code-help">
        {t("verifyExplain")}
      </p>
      <div class="actions">
        <input
          id="verify-code"
          type="text"
          class="code-input"
          autoComplete="off"
          autoCapitalize="characters"
          spellcheck={false}
          maxLength={24}
          aria-describedby="verify-code-help"
          value={typed}
          onInput={(event) => setTyped(event.currentTarget.value)}
        />
        <button type="submit" class="primary">
          {t("check")}
        </button>
      </div>
    </form>
  );
}

function CopyChecker({ code }: { code: string }) {
  const { t, problem: say } = useApp();
  const [result, setResult] = useState<Schema<"CopyCheck"> | null>(null);
  const [problem, setProblem] = useState("");
  const [busy, setBusy] = useState(false);

  async function check(file: File | undefined) {
    if (!file) return;
    setBusy(true);
    setResult(null);
    setProblem("");
    try {
      setResult((await request("POST", "/api/v1/documents/verify/{code}", { path: { code }, body: file })).data);
    } catch (error) {
      if (error instanceof ApiError) setProblem(say(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="panel" aria-labelledby="copy-title">
      <h2 id="copy-title">{t("checkCopy")}</h2>
      <label class="form-label" for="copy-file">
        {t("copyFile")}
      </label>
      <p class="form-help" id="copy-file-help">
        {t("checkCopyHelp")}
      </p>
      <input
        id="copy-file"
        type="file"
        accept="application/pdf"
        aria-describedby="copy-file-help"
        disabled={busy}
        onChange={(event) => void check(event.currentTarget.files?.[0])}
      />
      <div role="status">
        {busy && <p>{t("checking")}</p>}
        {result && (
          <p class={result.genuine ? "verdict good copy-result" : "verdict bad copy-result"}>
            {result.genuine ? `✓ ${t("copyGenuine")}` : `✕ ${t("copyChanged")}`}
          </p>
        )}
      </div>
      <ErrorNotice text={problem} />
      {result && !result.genuine && (
        <p class="meta digest">
          SHA-256: <code>{result.sha256}</code> ≠ <code>{result.expected_sha256}</code>
        </p>
      )}
    </section>
  );
}

function Result({ code }: { code: string }) {
  const { t } = useApp();
  const [load, reload] = useLoad("/api/v1/documents/verify/{code}", { path: { code } });
  if (load.status === "error" && load.error.status === 404) {
    return (
      <>
        <p class="verdict bad" role="alert">
          ✕ {t("noSuchCode")}: <span class="code">{groupCode(code)}</span>
        </p>
        <CodeForm initial="" />
      </>
    );
  }
  return (
    <Loaded load={load} reload={reload}>
      {(found) => (
        <>
          <p class={found.genuine && !found.revoked ? "verdict good" : "verdict bad"} role="status">
            {found.revoked ? `✕ ${t("revoked")}` : found.genuine ? `✓ ${t("genuine")}` : `✕ ${t("notGenuine")}`}
          </p>
          <DocumentFacts document={found} code={code} />
          <CopyChecker code={code} />
          <details class="technical">
            <summary>{t("technical")}</summary>
            <dl>
              <dt>SHA-256</dt>
              <dd>
                <code class="payload">{found.sha256}</code>
              </dd>
              <dt>
                {t("signature")} ({found.algorithm})
              </dt>
              <dd>
                <code class="payload">{found.signature}</code>
              </dd>
              <dt>{t("keyId")}</dt>
              <dd>
                <code class="payload">{found.signing_key_id}</code>
              </dd>
              <dt>{t("signedStatement")}</dt>
              <dd>
                <pre class="payload">{found.statement}</pre>
              </dd>
              <dt>{t("publicKeys")}</dt>
              <dd>
                <a href={found.keys_url}>{found.keys_url}</a>
              </dd>
            </dl>
          </details>
        </>
      )}
    </Loaded>
  );
}

export function Verify({ param }: { param: string }) {
  const { t } = useApp();
  const code = normaliseCode(param);
  return (
    <section aria-labelledby="verify-title">
      <h1 id="verify-title">{t("verifyTitle")}</h1>
      {code ? <Result key={code} code={code} /> : <CodeForm initial="" />}
    </section>
  );
}
