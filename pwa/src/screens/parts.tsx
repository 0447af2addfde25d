// Small pieces the applications, wallet and public screens share.
import type { ComponentChildren } from "preact";

import { formatDate } from "../i18n";
import { useApp } from "../state";
import { groupCode, stateName } from "./application-logic";

/** A link inside the app: a real address (open in a new tab, copy) that navigates without a reload. */
export function Link({ to, class: className, children }: { to: string; class?: string; children: ComponentChildren }) {
  const { navigate } = useApp();
  return (
    <a
      href={to}
      class={className}
      onClick={(event) => {
        if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

export function StateBadge({ state }: { state: string }) {
  const { language } = useApp();
  return <span class={`badge state-${state}`}>{stateName(language, state)}</span>;
}

/** What a signed document says about itself: its title, holder, issuer, date and verification code. */
export function DocumentFacts({ document, code }: {
  document: {
    title_th: string; title_en: string; holder_name_th: string | null; holder_name_en: string | null;
    agency_name_th: string; agency_name_en: string; issued_at: string;
  };
  code: string;
}) {
  const { t, language } = useApp();
  const english = language === "en";
  return (
    <>
      <h2>{english ? document.title_en : document.title_th}</h2>
      <dl class="facts">
        <div>
          <dt>{t("holder")}</dt>
          <dd>{(english ? document.holder_name_en : document.holder_name_th) ?? "—"}</dd>
        </div>
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
          <dd class="code">{groupCode(code)}</dd>
        </div>
      </dl>
    </>
  );
}
