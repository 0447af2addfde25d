// A document someone shared (/shared/{token}), for anyone, logged in or not. Opening is a POST
// pressed by a person, so that a chat app's link preview does not use the one-time link up.
import { useEffect, useState } from "preact/hooks";

import { ApiError, request, type Schema } from "../api";
import { fill } from "../i18n";
import { useApp } from "../state";
import { DocumentFacts } from "../ui/document-facts";
import { ErrorNotice } from "../ui/notice";

export function Shared({ param }: { param: string }) {
  const { t, problem: say } = useApp();
  const [opened, setOpened] = useState<Schema<"SharedDocument"> | null>(null);
  const [problem, setProblem] = useState("");
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (opened) document.getElementById("shared-verdict")?.focus();
  }, [opened]);

  async function open() {
    setBusy(true);
    setProblem("");
    try {
      setOpened((await request("POST", "/api/v1/shared/{token}/open", { path: { token: param } })).data);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      setProblem(error.status === 410 ? t("linkUsed") : error.status === 404 ? t("linkInvalid") : say(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="shared-title">
      <h1 id="shared-title">{t("sharedTitle")}</h1>
      {!opened && !problem && (
        <>
          <p>{t("sharedExplain")}</p>
          <p>
            <button type="button" class="primary big-button" disabled={busy} onClick={() => void open()}>
              {busy ? t("opening") : t("openDocument")}
            </button>
          </p>
        </>
      )}
      <ErrorNotice text={problem} />
      {opened && (
        <>
          <p id="shared-verdict" tabIndex={-1} class={opened.genuine ? "verdict good" : "verdict bad"}>
            {opened.genuine ? `✓ ${t("genuine")}` : `✕ ${t("notGenuine")}`}
          </p>
          <DocumentFacts document={opened} code={opened.verification_code} />
          <p>
            <a class="button primary" href={opened.file_url} target="_blank" rel="noopener">
              {t("viewDocument")}
              <span class="visually-hidden"> ({t("newTab")})</span>
            </a>
          </p>
          <p class="meta">{fill(t("viewFor"), { n: Math.round(opened.file_expires_in_seconds / 60) })}</p>
          <p>
            {t("checkAnyTime")}{" "}
            <a class="url" href={opened.verification_url}>
              {opened.verification_url}
            </a>
          </p>
        </>
      )}
    </section>
  );
}
