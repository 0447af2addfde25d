import type { ComponentChildren } from "preact";

import { formatDate } from "../i18n";
import { type Load, useApp } from "../state";
import { problemWords } from "./problem-words";

/** Loading, error (with a retry) and the "offline, as of ..." banner around any loaded screen. */
export function Loaded<T>({
  load,
  reload,
  children,
}: {
  load: Load<T>;
  reload: () => void;
  children: (data: T) => ComponentChildren;
}) {
  const { t, language } = useApp();
  if (load.status === "loading") return <p role="status" class="loading">{t("loading")}</p>;
  // Offline; the service turning people away for a moment (a rush: 503 or 429, with Retry-After) in plain
  // words rather than the API's; or what went wrong.
  const message = (status: number) =>
    status === 0
      ? t("offline")
      : status === 503 || status === 429
        ? t("busy")
        : `${t("failed")}: ${load.status === "error" ? problemWords(language, load.error) : ""}`;
  if (load.status === "error") {
    return (
      <div class="notice error" role="alert">
        <p>{message(load.error.status)}</p>
        <button type="button" onClick={reload}>
          {t("retry")}
        </button>
      </div>
    );
  }
  return (
    <>
      {load.offlineAsOf && (
        <p class="notice offline" role="status">
          {t("offlineAsOf")} {formatDate(language, load.offlineAsOf, true)}
        </p>
      )}
      {children(load.data)}
    </>
  );
}
