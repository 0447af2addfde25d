import type { ComponentChildren } from "preact";

import { formatDate } from "../i18n";
import { type Load, useApp } from "../state";

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
  if (load.status === "error") {
    return (
      <div class="notice error" role="alert">
        <p>{load.error.status === 0 ? t("offline") : `${t("failed")}: ${load.error.detail || load.error.title}`}</p>
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
