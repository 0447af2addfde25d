import { useEffect, useRef, useState } from "preact/hooks";

import { get, send } from "../api";
import { Loaded } from "../components";
import { formatBaht, formatDate, formatTime } from "../i18n";
import { useApp, useLoad } from "../state";

interface Entitlement {
  agency_name: string;
  scheme_id: string;
  scheme_name: string;
  status: "receiving" | "eligible_not_enrolled" | "not_eligible" | "pending";
  amount_satang: number | null;
  period: string | null;
  next_payment_date: string | null;
  details: string;
  how_to_claim: string;
  url: string | null;
}
interface AgencyResult {
  agency_name: string;
  connector_id: number;
  connector_title: string;
  state: "fresh" | "stale" | "unavailable";
  as_of: string | null;
  reason: string | null;
  consent_required: boolean;
  consent_given: boolean;
  entitlements: Entitlement[];
}
interface Page {
  eligible_not_enrolled: Entitlement[];
  agencies: AgencyResult[];
  refresh_available_at: string | null;
}

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

export function Entitlements() {
  const { t, language } = useApp();
  // A refresh (button or pull-down) asks every agency again rather than reading the cache.
  const [fresh, setFresh] = useState(false);
  const [load, reload] = useLoad<Page>(`/api/v1/entitlements?lang=${language}${fresh ? "&refresh=true" : ""}`);
  // The agencies are asked again at most once a minute: until then a refresh would only re-read the cache.
  const availableAt = load.status === "ok" ? load.data.refresh_available_at : null;
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

  const entitlement = (item: Entitlement) => (
    <li class="card" key={`${item.agency_name}-${item.scheme_id}`}>
      <h3>{item.scheme_name}</h3>
      <p class={`badge ${item.status}`}>{t(item.status)}</p>
      {item.amount_satang !== null && <p class="amount">{formatBaht(language, item.amount_satang)}</p>}
      {item.next_payment_date && (
        <p>
          {t("nextPayment")}: {formatDate(language, item.next_payment_date)}
        </p>
      )}
      {item.details && <p>{item.details}</p>}
      {item.status === "eligible_not_enrolled" && item.how_to_claim && (
        <p>
          <strong>{t("howToClaim")}:</strong> {item.how_to_claim}
        </p>
      )}
      {item.url && (
        <p>
          <a href={item.url} rel="noopener noreferrer" target="_blank">
            {item.scheme_name} ↗
          </a>
        </p>
      )}
    </li>
  );

  async function consent(connectorId: number) {
    await send("POST", "/api/v1/me/consents", { connector_id: connectorId, days: 365 });
    reload();
  }

  async function withdraw(connectorId: number) {
    const { data } = await get<{ id: number; connector_id: number }[]>("/api/v1/me/consents");
    const given = data.find((row) => row.connector_id === connectorId);
    if (given) await send("DELETE", `/api/v1/me/consents/${given.id}`);
    reload();
  }

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
        {(page) => (
          <>
            {page.eligible_not_enrolled.length > 0 && (
              <section class="claimable" aria-labelledby="claimable-title">
                <h2 id="claimable-title">{t("claimable")}</h2>
                <ul class="cards">{page.eligible_not_enrolled.map(entitlement)}</ul>
              </section>
            )}
            {page.agencies.map((agency) => (
              <section key={agency.connector_id} class="agency" aria-labelledby={`agency-${agency.connector_id}`}>
                <h2 id={`agency-${agency.connector_id}`}>{agency.connector_title}</h2>
                <p class={`state ${agency.state}`}>
                  {agency.state === "fresh" && t("fresh")}
                  {agency.state === "stale" && `${t("stale")} ${agency.as_of ? formatDate(language, agency.as_of, true) : ""}`}
                  {agency.state === "unavailable" && `${t("unavailable")}: ${agency.reason ?? ""}`}
                </p>
                {agency.consent_required && !agency.consent_given && (
                  <button type="button" onClick={() => consent(agency.connector_id)}>
                    {t("giveConsent")}
                  </button>
                )}
                {agency.consent_required && agency.consent_given && (
                  <button type="button" onClick={() => withdraw(agency.connector_id)}>
                    {t("withdrawConsent")}
                  </button>
                )}
                <ul class="cards">
                  {agency.entitlements.filter((item) => item.status !== "eligible_not_enrolled").map(entitlement)}
                </ul>
              </section>
            ))}
          </>
        )}
      </Loaded>
    </section>
  );
}
