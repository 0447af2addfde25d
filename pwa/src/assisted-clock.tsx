// Counter staff helping under an assisted grant (docs/delegation.md): the acting banner also says how
// long is left of the hour and offers to end it now. The server refuses the first request after the
// hour whatever this shows; the clock only tells the staff member and the person beside them.
import { useEffect, useState } from "preact/hooks";

import { type Acting, startActing } from "./acting";
import { request } from "./api";
import { useApp } from "./state";

export function AssistedClock({ acting }: { acting: Acting }) {
  const { tr, navigate } = useApp();
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 15_000);
    return () => window.clearInterval(timer);
  }, []);
  if (!acting.ends_at) return null;
  const minutes = Math.max(0, Math.ceil((new Date(acting.ends_at).getTime() - now) / 60_000));

  async function endNow() {
    try {
      const path = { delegation_id: acting.id };
      await request("POST", "/api/v1/me/delegations/{delegation_id}/end", { path, body: { reason: "" } });
    } catch {
      // Already ended (by the person, or the hour): leave acting all the same.
    }
    startActing(null);
    navigate("/console");
  }

  return (
    <>
      <p class="acting-clock">
        {tr({ th: `ช่วยที่เคาน์เตอร์ · เหลือเวลา ${minutes} นาที`, en: `Helping at the counter · ${minutes} min left` })}
      </p>
      <button type="button" class="end-now" onClick={() => void endNow()}>
        {tr({ th: "จบการช่วยเหลือตอนนี้", en: "End now" })}
      </button>
    </>
  );
}
