// Published scam warnings in the citizen app (docs/genuine-messages.md, "Scam reports"): calm cards, a
// banner with the newest on the home screen, the whole list on the check page. Kept apart from the
// report form so the home screen loads only this.
import type { Schema } from "../api";
import { formatDate } from "../i18n";
import { type Load, useApp, useLoad } from "../state";
import { Loaded } from "../ui/loaded";

type ScamWarning = Schema<"ScamWarning">;

/** One warning as a card: what to beware of, and the link host or sender it covers. */
export function WarningCard({ warning }: { warning: ScamWarning }) {
  const { tr, pick, language } = useApp();
  return (
    <li class="card scam-warning">
      <h3>⚠️ {pick(warning, "title")}</h3>
      <p>{pick(warning, "body")}</p>
      <p class="meta">
        {warning.link_host
          ? tr({ th: "เว็บไซต์", en: "Website" })
          : tr({ th: "ผู้ส่ง", en: "Sender" })}
        : <code>{warning.link_host ?? warning.sender}</code> · {tr({ th: "ประกาศเมื่อ", en: "Published" })}{" "}
        {formatDate(language, warning.published_at)}
      </p>
    </li>
  );
}

/** Every warning in force (the check page's list). */
export function ScamWarnings({ load, reload }: { load: Load<ScamWarning[]>; reload: () => void }) {
  const { tr } = useApp();
  return (
    <section id="scam-warnings" class="scam-warnings" aria-labelledby="scam-warnings-title">
      <h2 id="scam-warnings-title">{tr({ th: "ประกาศเตือนมิจฉาชีพ", en: "Scam warnings" })}</h2>
      <Loaded load={load} reload={reload}>
        {(warnings) =>
          warnings.length === 0 ? (
            <p>{tr({ th: "ขณะนี้ไม่มีประกาศเตือน", en: "No warnings at the moment." })}</p>
          ) : (
            <ul class="cards">
              {warnings.map((warning) => (
                <WarningCard key={warning.id} warning={warning} />
              ))}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}

/** The home screen's banner: the newest warnings, and the way to all of them and to the check page. */
export function ScamWarningBanner() {
  const { tr } = useApp();
  const [load] = useLoad("/api/v1/scam-warnings");
  if (load.status !== "ok" || load.data.length === 0) return null;
  return (
    <section class="scam-banner" aria-labelledby="scam-banner-title">
      <h2 id="scam-banner-title">{tr({ th: "ระวังมิจฉาชีพ", en: "Beware of scams" })}</h2>
      <ul class="cards">
        {load.data.slice(0, 2).map((warning) => (
          <WarningCard key={warning.id} warning={warning} />
        ))}
      </ul>
      <p>
        <a href="/verify-message#scam-warnings">
          {tr({ th: "ดูประกาศเตือนทั้งหมด และตรวจข้อความที่ได้รับ", en: "All warnings, and check a message you received" })}
        </a>
      </p>
    </section>
  );
}
