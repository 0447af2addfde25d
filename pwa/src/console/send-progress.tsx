// What became of a message the agency sent, in words, until nothing is waiting: one citizen's message
// (asked for once a second: reached the phone, waiting, in the inbox only, not sent by their settings,
// failed) or a campaign's counts as the server pushes them (delivered / waiting / in the inbox only /
// not sent by choice / failed), with its chart. A message in the inbox of a citizen with no device is in
// their inbox: not a failure.
import { useEffect, useState } from "preact/hooks";

import { apiPath, request, type Schema } from "../api";
import { formatDate } from "../i18n";
import { useAgencyWords } from "./agency-words";
import { CampaignChart, type Sample } from "./chart";
import { useWords } from "./words";

type Counts = Record<string, number>;
const WAITING = ["created", "sending", "temporary-failure"];
const FAILED = ["permanent-failure", "technical-failure"];

/** The campaign's counts, with those in the inbox only taken out of the failures. */
export function sorted(counts: Counts, inboxOnly: number) {
  const sum = (keys: string[]) => keys.reduce((total, key) => total + (counts[key] ?? 0), 0);
  return {
    delivered: counts.delivered ?? 0,
    waiting: sum(WAITING),
    inboxOnly,
    suppressed: sum(["suppressed", "cancelled"]),
    failed: sum(FAILED) - inboxOnly,
  };
}

/** One message's state in words. */
export function oneState(status: Schema<"NotificationStatus">) {
  if (status.inbox_only) return "sent_inbox_only" as const;
  if (status.status === "delivered") return "sent_delivered" as const;
  if (status.status === "suppressed" || status.status === "cancelled") return "sent_suppressed" as const;
  if (FAILED.includes(status.status)) return "sent_failed" as const;
  return "sent_waiting" as const;
}

export function Progress({ agencyId, sent }: { agencyId: number; sent: { kind: "one" | "many"; id: string } }) {
  const { w, language } = useWords();
  const { a } = useAgencyWords();
  const [one, setOne] = useState<Schema<"NotificationStatus"> | null>(null);
  const [many, setMany] = useState<Schema<"CampaignProgress"> | null>(null);
  const [samples, setSamples] = useState<Sample[]>([]);

  useEffect(() => {
    const started = Date.now();
    if (sent.kind !== "one") {
      // A campaign's progress arrives as server-sent events when it moves (no asking every second); the
      // server ends the stream when nothing waits, and EventSource reconnects by itself after a cut.
      const events = new EventSource(
        apiPath("/api/v1/agency/{agency_id}/notification-campaigns/{campaign_id}/live", {
          agency_id: agencyId,
          campaign_id: sent.id,
        }),
      );
      events.addEventListener("progress", (event) => {
        const data = JSON.parse((event as MessageEvent<string>).data) as Schema<"CampaignProgress">;
        setMany(data);
        const counts = { ...data.counts, "permanent-failure": (data.counts["permanent-failure"] ?? 0) - data.inbox_only };
        setSamples((previous) => [...previous.slice(-119), { seconds: (Date.now() - started) / 1000, counts }]);
        if (data.status === "expanded" && sorted(data.counts, data.inbox_only).waiting === 0) events.close();
      });
      return () => events.close();
    }
    // One citizen's message: a single row, asked for once a second while it waits.
    let timer = 0;
    async function poll() {
      try {
        const { data } = await request("GET", "/api/v1/agency/{agency_id}/notifications/{notification_id}", { path: { agency_id: agencyId, notification_id: sent.id } });
        setOne(data);
        if (oneState(data) === "sent_waiting") timer = window.setTimeout(poll, 1000);
      } catch {
        timer = window.setTimeout(poll, 2000); // the next try
      }
    }
    void poll();
    return () => window.clearTimeout(timer);
  }, [sent.id]);

  if (one) {
    return (
      <section aria-labelledby="progress-title" class="progress">
        <h3 id="progress-title">{w("progress")}</h3>
        <p role="status" aria-live="polite" class="status">{a(oneState(one))}</p>
      </section>
    );
  }
  if (!many) return null;
  const figures = sorted(many.counts, many.inbox_only);
  return (
    <section aria-labelledby="progress-title" class="progress">
      <h3 id="progress-title">{w("progress")}</h3>
      {many.status === "scheduled" && many.send_at && (
        <p role="status">{a("scheduledFor")} {formatDate(language, many.send_at, true)}</p>
      )}
      <p>{a(many.status === "expanded" ? "everyoneAdded" : "addingPeople")}: {many.recipients} {a("people")}</p>
      <dl class="summary" aria-live="polite">
        <div><dt>{a("countDelivered")}</dt><dd>{figures.delivered}</dd></div>
        <div><dt>{a("countWaiting")}</dt><dd>{figures.waiting}</dd></div>
        <div><dt>{a("countInboxOnly")}</dt><dd>{figures.inboxOnly}</dd></div>
        <div><dt>{a("countSuppressed")}</dt><dd>{figures.suppressed}</dd></div>
        <div><dt>{a("countFailed")}</dt><dd>{figures.failed}</dd></div>
      </dl>
      <CampaignChart samples={samples} label={w("chart")} names={{ delivered: a("countDelivered"), failed: a("countFailed"), waiting: a("countWaiting") }} />
    </section>
  );
}
