import { useEffect, useRef, useState } from "preact/hooks";

import { type Schema } from "../api";
import { type Bilingual, formatBaht, formatDate, formatTime } from "../i18n";
import { useApp, useLoad } from "../state";
import { LeavingNotice } from "../ui/leaving";
import { Loaded } from "../ui/loaded";
import { label } from "../vocabulary";

type Item = Schema<"EntitlementView">;
type Agency = Schema<"AgencyResult">;

/** Pulling the page down from its top by 70 px or more calls ``onRefresh`` (touch screens). */
function usePullToRefresh(onRefresh: () => void) {
  const latest = useRef(onRefresh);
  latest.current = onRefresh;
  useEffect(() => {
    let startY: number | null = null;
    const start = (event: TouchEvent) => {
      startY = window.scrollY === 0 ? event.touches[0].clientY : null;
    };
    const end = (event: TouchEvent) => {
      if (startY !== null && event.changedTouches[0].clientY - startY > 70) latest.current();
      startY = null;
    };
    window.addEventListener("touchstart", start, { passive: true });
    window.addEventListener("touchend", end, { passive: true });
    return () => {
      window.removeEventListener("touchstart", start);
      window.removeEventListener("touchend", end);
    };
  }, []);
}

// A status reads differently for a fee-paying service and for a cover or membership than for a benefit:
// "eligible, not enrolled" is said of benefits only.
const STATUS_OF: Record<"fee" | "status", Record<string, Bilingual>> = {
  fee: {
    receiving: { th: "ใช้บริการอยู่", en: "In use" },
    eligible_not_enrolled: { th: "ขอรับบริการได้", en: "You can request it" },
    pending: { th: "รอดำเนินการ", en: "In progress" },
    not_eligible: { th: "ขอรับบริการไม่ได้", en: "Not available to you" },
  },
  status: {
    receiving: { th: "มีผลอยู่", en: "In effect" },
    eligible_not_enrolled: { th: "สมัครได้", en: "You can join" },
    pending: { th: "รอพิจารณา", en: "Pending" },
    not_eligible: { th: "ไม่มีสิทธิ์", en: "Not eligible" },
  },
};
const PER: Record<string, Bilingual> = {
  monthly: { th: "ต่อเดือน", en: "a month" },
  yearly: { th: "ต่อปี", en: "a year" },
  once: { th: "ครั้งเดียว", en: "once" },
};

/** An amount with what it is: a benefit's period ("600 บาท ต่อเดือน"), or a fee ("ค่าธรรมเนียม 100 บาท"). */
function Amount({ item }: { item: Item }) {
  const { language, tr } = useApp();
  if (item.amount_satang === null) return null;
  const baht = formatBaht(language, item.amount_satang);
  if (item.kind === "fee") return <p class="amount fee">{`${tr({ th: "ค่าธรรมเนียม", en: "Fee" })} ${baht}`}</p>;
  const per = item.period ? PER[item.period] : undefined;
  return <p class="amount">{per ? `${baht} ${tr(per)}` : baht}</p>;
}

function EntitlementCard({ item }: { item: Item }) {
  const [leaving, setLeaving] = useState(false);
  const { t, tr, language } = useApp();
  const words = item.kind === "benefit" ? undefined : STATUS_OF[item.kind][item.status];
  return (
    <li class="card">
      <h3>{item.scheme_name}</h3>
      <p class={`badge kind-${item.kind} ${item.status}`}>{words ? tr(words) : label(language, "entitlementStatus", item.status)}</p>
      <Amount item={item} />
      {item.next_payment_date && (
        <p>
          {t("nextPayment")}: {formatDate(language, item.next_payment_date)}
        </p>
      )}
      {item.details && <p>{item.details}</p>}
      {item.status === "eligible_not_enrolled" && item.how_to_claim && (
        <p>
          <strong>{item.kind === "benefit" ? t("howToClaim") : tr({ th: "วิธีขอ", en: "How to ask for it" })}:</strong>{" "}
          {item.how_to_claim}
        </p>
      )}
      {item.url && !leaving && (
        <p>
          <button type="button" onClick={() => setLeaving(true)}>
            {item.scheme_name} ↗
          </button>
        </p>
      )}
      {/* The agency's own page: named, with its address, before the app is left. */}
      {item.url && leaving && (
        <LeavingNotice agency={item.agency_name} url={item.url} registered={null} onBack={() => setLeaving(false)} />
      )}
      <p class="meta">{item.agency_name}</p>
    </li>
  );
}

/** A titled list of cards, not shown at all when there is nothing in it. */
function Group({ id, title, items, className }: { id: string; title: string; items: Item[]; className?: string }) {
  if (items.length === 0) return null;
  return (
    <section class={className} aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <ul class="cards">
        {items.map((item) => (
          <EntitlementCard key={`${item.agency_code}-${item.scheme_id}`} item={item} />
        ))}
      </ul>
    </section>
  );
}

/** Where the answers came from, said only for an agency whose answer is not simply up to date. */
function Sources({ agencies }: { agencies: Agency[] }) {
  const { t, tr, language } = useApp();
  const notable = agencies.filter((agency) => agency.state !== "fresh" && !needsConsent(agency));
  if (notable.length === 0) return null;
  return (
    <section aria-labelledby="sources-title">
      <h2 id="sources-title">{tr({ th: "ข้อมูลที่ยังไม่ครบ", en: "What could not be brought up to date" })}</h2>
      <ul class="plain">
        {notable.map((agency) => (
          <li key={agency.connector_id} class="agency">
            <strong>{agency.connector_title}</strong>
            <p class={`state ${agency.state}`}>
              {agency.state === "stale" &&
                `${t("stale")} ${agency.as_of ? formatDate(language, agency.as_of, true) : ""}${agency.reason ? ` · ${agency.reason}` : ""}`}
              {agency.state === "unavailable" && `${t("unavailable")}: ${agency.reason ?? ""}`}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}

const needsConsent = (agency: Agency) => agency.consent_required && !agency.consent_given;

/** Agencies that need the citizen's consent before they are asked, and the consents given: neither is
 * an error, each opens the screen that says what consenting means. */
function Consents({ agencies }: { agencies: Agency[] }) {
  const { tr, language } = useApp();
  const asking = agencies.filter(needsConsent);
  const given = agencies.filter((agency) => agency.consent_given);
  return (
    <>
      {asking.map((agency) => (
        <section key={agency.connector_id} class="notice info consent-ask" aria-labelledby={`ask-${agency.connector_id}`}>
          <h2 id={`ask-${agency.connector_id}`}>{agency.connector_title}</h2>
          <p>
            {tr({
              th: `${agency.agency_name} จะส่งข้อมูลนี้ให้เมื่อคุณยินยอมเท่านั้น`,
              en: `${agency.agency_name} shares this only with your consent.`,
            })}
          </p>
          <a class="button" href={`/entitlements/consent/${agency.connector_id}`}>
            {tr({ th: "อ่านรายละเอียดก่อนให้ความยินยอม", en: "Read what you would agree to" })}
          </a>
        </section>
      ))}
      {given.length > 0 && (
        <section aria-labelledby="consents-title">
          <h2 id="consents-title">{tr({ th: "ความยินยอมที่คุณให้ไว้", en: "Consents you have given" })}</h2>
          <ul class="plain">
            {given.map((agency) => (
              <li key={agency.connector_id}>
                <strong>{agency.connector_title}</strong>
                {agency.consent_expires_at && (
                  <p class="meta">
                    {tr({ th: "ใช้ได้ถึง", en: "Until" })} {formatDate(language, agency.consent_expires_at)}
                  </p>
                )}
                <a href={`/entitlements/consent/${agency.connector_id}`}>
                  {tr({ th: "ดูหรือถอนความยินยอม", en: "See or withdraw this consent" })}
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

function Page({ page }: { page: Schema<"EntitlementsPage"> }) {
  const { t, tr } = useApp();
  const all = page.agencies.flatMap((agency) => agency.entitlements);
  const benefits = all.filter((item) => item.kind === "benefit");
  const other = benefits.filter((item) => item.status !== "receiving" && item.status !== "eligible_not_enrolled");
  return (
    <>
      <Consents agencies={page.agencies} />
      <Group
        id="receiving-title"
        title={tr({ th: "สิทธิ์ที่คุณได้รับอยู่", en: "What you receive" })}
        items={benefits.filter((item) => item.status === "receiving")}
      />
      <Group id="claimable-title" className="claimable" title={t("claimable")} items={page.eligible_not_enrolled} />
      <Group
        id="status-title"
        title={tr({ th: "ความคุ้มครองและสถานะของคุณ", en: "Your cover and memberships" })}
        items={all.filter((item) => item.kind === "status")}
      />
      <Group
        id="fees-title"
        title={tr({ th: "บริการที่มีค่าธรรมเนียม", en: "Services with a fee" })}
        items={all.filter((item) => item.kind === "fee")}
      />
      <Group id="other-title" title={tr({ th: "สิทธิ์อื่น ๆ", en: "Other benefits" })} items={other} />
      {all.length === 0 && <p>{tr({ th: "ยังไม่พบสิทธิ์จากหน่วยงานใด", en: "No agency has anything for you yet." })}</p>}
      <Sources agencies={page.agencies} />
    </>
  );
}

export function Entitlements() {
  const { t, language } = useApp();
  // A refresh (button or pull-down) asks every agency again rather than reading the cache.
  const [fresh, setFresh] = useState(false);
  const [load, reload] = useLoad("/api/v1/entitlements", { query: { lang: language, refresh: fresh || undefined } });
  // The agencies are asked again at most once a minute: until then a refresh would only re-read the cache.
  const availableAt = (load.status === "ok" ? load.data.refresh_available_at : null) ?? null;
  const [, setTick] = useState(0);
  useEffect(() => {
    const wait = availableAt ? Date.parse(availableAt) - Date.now() : 0;
    if (wait <= 0) return;
    const timer = setTimeout(() => setTick((n) => n + 1), wait + 250);
    return () => clearTimeout(timer);
  }, [availableAt]);
  const waiting = availableAt !== null && Date.parse(availableAt) > Date.now();
  const refresh = () => {
    if (waiting) return;
    if (fresh) reload();
    else setFresh(true);
  };
  usePullToRefresh(refresh);

  return (
    <section aria-labelledby="entitlements-title">
      <h1 id="entitlements-title">{t("entitlements")}</h1>
      <button type="button" onClick={refresh} disabled={waiting}>
        {t("refresh")}
      </button>
      {waiting && availableAt && (
        <p class="meta" role="status">
          {t("refreshAt")} {formatTime(language, availableAt)}
        </p>
      )}
      <Loaded load={load} reload={reload}>
        {(page) => <Page page={page} />}
      </Loaded>
    </section>
  );
}
