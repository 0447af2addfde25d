// Agency console: the applications citizens sent to the agency. A list filtered by state and paged by
// submission time (here); one application with the applicant (from their digital ID login), the answers
// under the form's own labels, the files and the timeline (detail.tsx), the moves the server says are
// legal now (actions.tsx), and issuing the signed certificate (certificate.tsx). Opening one is recorded
// in the citizen's "who accessed my data", and the console says so.
import { useEffect, useRef, useState } from "preact/hooks";

import { type QueryOf, request, type Schema } from "../../api";
import { useApp, useLoad } from "../../state";
import { Field } from "../../ui/field";
import { useProblemText } from "../problems";
import { useWords } from "../words";
import { ApplicationDetail } from "./detail";
import "./applications.css";

type ListQuery = QueryOf<"/api/v1/agency/{agency_id}/applications">;

export const APPLICATION_STATES: NonNullable<ListQuery["state"]>[] = [
  "submitted", "in_review", "more_information_requested", "approved", "rejected", "fee_due", "paid", "document_issued", "closed",
];
/** The API lists at most this many at a time; a full page means there may be more. */
const PAGE = 100;

export function ApplicationsPanel({ agencyId }: { agencyId: number }) {
  const { w, named, when, pick, pickAny } = useWords();
  const { t } = useApp();
  const problemText = useProblemText();
  const [services] = useLoad("/api/v1/agency/{agency_id}/application-services", { path: { agency_id: agencyId } });
  const [state, setState] = useState<ListQuery["state"] | "">("");
  const [pages, setPages] = useState<Schema<"AgencyApplicationItem">[][] | null>(null);
  const [message, setMessage] = useState("");
  const [openId, setOpenId] = useState<string | null>(null);
  const [lastOpened, setLastOpened] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const [busy, setBusy] = useState(false);
  /** Only the answer to the latest request is shown (the filter may change while one is on its way). */
  const latest = useRef(0);

  async function load(before: string | null) {
    const ticket = before ? latest.current : ++latest.current;
    setMessage("");
    setBusy(true);
    try {
      const { data } = await request("GET", "/api/v1/agency/{agency_id}/applications", {
        path: { agency_id: agencyId },
        query: { state: state || undefined, before },
      });
      if (ticket === latest.current) setPages((previous) => (before && previous ? [...previous, data] : [data]));
    } catch (error) {
      if (ticket === latest.current) setMessage(problemText(error));
    } finally {
      if (ticket === latest.current) setBusy(false);
    }
  }
  useEffect(() => {
    setPages(null);
    void load(null);
  }, [state, generation]);
  useEffect(() => {
    // Back from an application: to the row it was opened from, for keyboard and screen reader users.
    if (openId === null && lastOpened && pages) document.getElementById(`open-${lastOpened}`)?.focus();
  }, [openId, pages]);

  if (openId !== null) {
    return (
      <ApplicationDetail
        key={openId}
        agencyId={agencyId}
        id={openId}
        services={services.status === "loading" ? null : services.status === "ok" ? services.data : []}
        back={() => {
          setOpenId(null);
          setGeneration((n) => n + 1); // what changed meanwhile, by this officer or another
        }}
      />
    );
  }
  const rows = pages?.flat() ?? [];
  const last = pages?.[pages.length - 1];
  const before = last && last.length >= PAGE ? last[last.length - 1]?.submitted_at ?? null : null;
  return (
    <>
      <div class="actions">
        <Field label={w("showStatus")}>
          <select value={state ?? ""} onChange={(event) => setState(event.currentTarget.value as ListQuery["state"] | "")}>
            <option value="">{w("all")}</option>
            {APPLICATION_STATES.map((value) => <option key={value} value={value}>{named("state_", value)}</option>)}
          </select>
        </Field>
        <button type="button" onClick={() => setGeneration((n) => n + 1)}>{w("refresh")}</button>
      </div>
      {message && <p role="alert">{message}</p>}
      {pages === null && !message && <p role="status">{t("loading")}</p>}
      {pages !== null && rows.length === 0 && <p>{w("noApplications")}</p>}
      {rows.length > 0 && (
        <table class="applications">
          <thead>
            <tr>
              <th scope="col">{w("trackingNumber")}</th><th scope="col">{w("applicant")}</th><th scope="col">{w("state")}</th>
              <th scope="col">{w("service")}</th><th scope="col">{w("submittedAt")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id}>
                <td>
                  <button
                    type="button"
                    id={`open-${row.id}`}
                    title={w("openApplication")}
                    onClick={() => {
                      setLastOpened(row.id);
                      setOpenId(row.id);
                    }}
                  >
                    {row.tracking_number}
                  </button>
                </td>
                <td data-label={w("applicant")}>
                  {pickAny(row, "applicant_name") ?? "—"}
                </td>
                <td data-label={w("state")} class="status">{named("state_", row.state)}</td>
                <td data-label={w("service")}>{pick(row, "title")}</td>
                <td data-label={w("submittedAt")}>{row.submitted_at ? when(row.submitted_at) : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {before && <button type="button" disabled={busy} onClick={() => load(before)}>{w("more")}</button>}
    </>
  );
}
