import type { Schema } from "../api";
import { formatDate } from "../i18n";
import { groupCode } from "../screens/application-logic";
import { useApp } from "../state";

type Facts = Pick<
  Schema<"SharedDocument">,
  "title_th" | "title_en" | "holder_name_th" | "holder_name_en" | "agency_name_th" | "agency_name_en" | "issued_at"
>;

/** What a signed document says about itself: its title, holder, issuer, date and verification code
 * (a shared document, a verification). */
export function DocumentFacts({ document, code }: { document: Facts; code: string }) {
  const { t, language, pick } = useApp();
  return (
    <>
      <h2>{pick(document, "title")}</h2>
      <dl class="facts">
        <div>
          <dt>{t("holder")}</dt>
          <dd>{pick(document, "holder_name") ?? "—"}</dd>
        </div>
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
          <dd class="code">{groupCode(code)}</dd>
        </div>
      </dl>
    </>
  );
}
