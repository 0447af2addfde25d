import { useEffect, useRef, useState } from "preact/hooks";

import { request, type Schema } from "../api";
import { formatBaht, formatDate, formatTime } from "../i18n";
import { useApp, useLoad } from "../state";
import { Loaded } from "../ui/loaded";

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
  const { t, language, named } = useApp();
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

  const entitlement = (item: Schema<"EntitlementView">) => (
    <li class="card" key={`${item.agency_name}-${item.scheme_id}`}>
      <h3>{item.scheme_name}</h3>
      <p class={`badge ${item.status}`}>{named("", item.status)}</p>
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
    await request("POST", "/api/v1/me/consents", { body: { connector_id: connectorId, days: 365 } });
    reload();
  }

  async function withdraw(connectorId: number) {
    const { data } = await request("GET", "/api/v1/me/consents");
    const given = data.find((row) => row.connector_id === connectorId);
    if (given) await request("DELETE", "/api/v1/me/consents/{consent_id}", { path: { consent_id: given.id } });
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
