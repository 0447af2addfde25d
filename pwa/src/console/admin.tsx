// Platform administration: find and approve agencies and assign their biller IDs, review tiles and
// connectors (admin-reviews.tsx), grant and revoke staff roles; every code said in words.
import { useState } from "preact/hooks";

import { request, type Schema } from "../api";
import { fill } from "../i18n";
import { useLoad } from "../state";
import { ConfirmButton } from "../ui/confirm";
import { Field } from "../ui/field";
import { Loaded } from "../ui/loaded";
import { choices, label } from "../vocabulary";
import { Reviews } from "./admin-reviews";
import { problemsOf, useFieldText, useProblemText } from "./problems";
import { ScamStats } from "./scam-stats";
import { SenderReviews } from "./senders";
import { useWords } from "./words";

const ROLES: Schema<"NewRoleGrant">["role"][] = [
  "agency_admin",
  "agency_editor",
  "agency_sender",
  "agency_officer",
  "support",
  "platform_admin",
  "counter_staff",
];

export function AdminConsole({ agencyName }: { agencyName: (id: number) => string }) {
  const { w, when, pick, pickAny, language } = useWords();
  const problemText = useProblemText();
  const fieldText = useFieldText();
  const [agencies, reloadAgencies] = useLoad("/api/v1/admin/agencies");
  const [grants, reloadGrants] = useLoad("/api/v1/admin/role-grants");
  const [agencyQuery, setAgencyQuery] = useState("");
  const [agencyStatus, setAgencyStatus] = useState("pending");
  const [peopleQuery, setPeopleQuery] = useState("");
  const [roleFilter, setRoleFilter] = useState("");
  const [billers, setBillers] = useState<Record<number, string>>({});
  const [billerError, setBillerError] = useState<{ agency: number; error: unknown } | null>(null);
  const [grant, setGrant] = useState({ national_id: "", role: "agency_editor" as (typeof ROLES)[number], agency_id: "", reason: "" });
  const [message, setMessage] = useState("");
  const [grantError, setGrantError] = useState<unknown>(null);
  const grantFieldErrors = (field: string) => problemsOf(grantError, field).map(fieldText);

  async function act(sending: () => Promise<unknown>, done: string, onError?: (error: unknown) => boolean) {
    setMessage("");
    try {
      await sending();
      setMessage(done);
      reloadAgencies();
      reloadGrants();
      return true;
    } catch (error) {
      // A problem the form shows beside its fields is not repeated at the top.
      if (!onError?.(error)) setMessage(problemText(error));
      return false;
    }
  }
  async function grantRole(event: Event) {
    event.preventDefault();
    const agencyRole = grant.role.startsWith("agency_");
    const body = {
      national_id: grant.national_id.replace(/\D/g, ""),
      role: grant.role,
      reason: grant.reason,
      agency_id: agencyRole ? Number(grant.agency_id) : null,
    };
    setGrantError(null);
    const beside = (error: unknown) => {
      setGrantError(error);
      return ["national_id", "reason", "agency_id"].some((field) => problemsOf(error, field).length > 0);
    };
    if (await act(() => request("POST", "/api/v1/admin/role-grants", { body }), w("granted"), beside)) {
      setGrant({ ...grant, national_id: "", reason: "" });
    }
  }
  async function assignBiller(event: Event, agencyId: number) {
    event.preventDefault();
    setBillerError(null);
    setMessage("");
    try {
      const body = { biller_id: (billers[agencyId] ?? "").replace(/\D/g, "") };
      const { data: ids } = await request("POST", "/api/v1/admin/agencies/{agency_id}/billers", { path: { agency_id: agencyId }, body });
      setMessage(fill(w("billerAssigned"), { ids: ids.join(", ") }));
      setBillers({ ...billers, [agencyId]: "" });
    } catch (error) {
      setBillerError({ agency: agencyId, error });
      if (problemsOf(error, "biller_id").length === 0) setMessage(problemText(error));
    }
  }
  const personName = (row: Schema<"RoleGrantView">) => pickAny(row, "name") ?? "—";
  const approved = agencies.status === "ok" ? agencies.data.filter((agency) => agency.status === "approved") : [];

  return (
    <>
      <h2>{w("administration")}</h2>
      {message && <p role="status">{message}</p>}
      <h3>{w("agencies")}</h3>
      <div class="filters">
        <Field label={w("searchAgencies")}>
          <input type="search" value={agencyQuery} onInput={(e) => setAgencyQuery(e.currentTarget.value)} />
        </Field>
        <Field label={w("agencyStatusFilter")}>
          <select value={agencyStatus} onChange={(e) => setAgencyStatus(e.currentTarget.value)}>
            <option value="">{w("all")}</option>
            {choices(language, "agencyStatus").map(([code, words]) => <option key={code} value={code}>{words}</option>)}
          </select>
        </Field>
      </div>
      <Loaded load={agencies} reload={reloadAgencies}>
        {(rows) => {
          const needle = agencyQuery.trim().toLowerCase();
          const shown = rows.filter(
            (agency) =>
              (!agencyStatus || agency.status === agencyStatus) &&
              (!needle || [agency.name_th, agency.name_en, agency.code].some((text) => text.toLowerCase().includes(needle))),
          );
          return shown.length === 0 ? <p>{w("noMatch")}</p> : (
            <ul class="list">
              {shown.map((agency) => (
                <li key={agency.id} class="review-item">
                  <strong>{pick(agency, "name")}</strong> ({label(language, "agencyStatus", agency.status)})
                  <br />
                  {w("contact")}: {agency.contact_email ?? "—"}
                  {agency.status === "pending" && (
                    <p class="actions">
                      <button
                        type="button"
                        class="primary"
                        onClick={() =>
                          act(() => request("POST", "/api/v1/admin/agencies/{agency_id}/approve", { path: { agency_id: agency.id } }), w("done"))
                        }
                      >
                        {w("approve")}: {pick(agency, "name")}
                      </button>
                    </p>
                  )}
                  {agency.status === "approved" && (
                    <form onSubmit={(event) => assignBiller(event, agency.id)} noValidate>
                      <Field
                        label={w("billerId")}
                        errors={billerError?.agency === agency.id ? problemsOf(billerError.error, "biller_id").map(fieldText) : []}
                      >
                        <input
                          inputMode="numeric"
                          autoComplete="off"
                          value={billers[agency.id] ?? ""}
                          onInput={(e) => setBillers({ ...billers, [agency.id]: e.currentTarget.value })}
                        />
                      </Field>
                      <button type="submit">{w("assignBiller")}</button>
                    </form>
                  )}
                </li>
              ))}
            </ul>
          );
        }}
      </Loaded>
      <Reviews agencyName={agencyName} done={setMessage} />
      <SenderReviews done={setMessage} />
      <ScamStats />
      <h3>{w("roles")}</h3>
      <div class="filters">
        <Field label={w("searchPeople")}>
          <input type="search" value={peopleQuery} onInput={(e) => setPeopleQuery(e.currentTarget.value)} />
        </Field>
        <Field label={w("roleFilter")}>
          <select value={roleFilter} onChange={(e) => setRoleFilter(e.currentTarget.value)}>
            <option value="">{w("allRoles")}</option>
            {ROLES.map((role) => <option key={role} value={role}>{label(language, "role", role)}</option>)}
          </select>
        </Field>
      </div>
      <Loaded load={grants} reload={reloadGrants}>
        {(all) => {
          const needle = peopleQuery.trim().toLowerCase();
          const rows = all.filter(
            (row) =>
              (!roleFilter || row.role === roleFilter) &&
              (!needle ||
                [personName(row), label(language, "role", row.role), row.agency_id === null ? "" : agencyName(row.agency_id)]
                  .some((text) => text.toLowerCase().includes(needle))),
          );
          return rows.length === 0 ? <p>{w("noMatch")}</p> : (
          <table class="stacked">
            <thead>
              <tr><th scope="col">{w("person")}</th><th scope="col">{w("role")}</th><th scope="col">{w("agency")}</th><th scope="col">{w("grantedAt")}</th><th scope="col">{w("reason")}</th><th scope="col"><span class="visually-hidden">{w("revoke")}</span></th></tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id}>
                  <td class="lead">{personName(row)}</td>
                  <td data-label={w("role")}>{label(language, "role", row.role)}</td>
                  <td data-label={w("agency")}>{row.agency_id === null ? w("platformWide") : agencyName(row.agency_id)}</td>
                  <td data-label={w("grantedAt")}>{when(row.granted_at)}</td>
                  <td data-label={w("reason")}>{row.grant_reason}</td>
                  <td>
                    <ConfirmButton
                      about={`${personName(row)}, ${label(language, "role", row.role)}`}
                      question={`${w("confirmRevoke")} (${personName(row)}, ${label(language, "role", row.role)})`}
                      yes={w("yesRevoke")}
                      onConfirm={() => act(() => request("DELETE", "/api/v1/admin/role-grants/{grant_id}", { path: { grant_id: row.id } }), w("revoked"))}
                    >
                      {w("revoke")}
                    </ConfirmButton>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          );
        }}
      </Loaded>
      <form onSubmit={grantRole} aria-labelledby="grant-title">
        <h4 id="grant-title">{w("grantRole")}</h4>
        <Field label={w("nationalId")} errors={grantFieldErrors("national_id")}>
          <input inputMode="numeric" autoComplete="off" required value={grant.national_id} onInput={(e) => setGrant({ ...grant, national_id: e.currentTarget.value })} />
        </Field>
        <Field label={w("role")}>
          <select value={grant.role} onChange={(e) => setGrant({ ...grant, role: e.currentTarget.value as (typeof ROLES)[number] })}>
            {ROLES.map((role) => <option key={role} value={role}>{label(language, "role", role)}</option>)}
          </select>
        </Field>
        {grant.role.startsWith("agency_") && (
          <Field label={w("agency")}>
            <select required value={grant.agency_id} onChange={(e) => setGrant({ ...grant, agency_id: e.currentTarget.value })}>
              <option value="" disabled>—</option>
              {approved.map((agency) => <option key={agency.id} value={agency.id}>{pick(agency, "name")}</option>)}
            </select>
          </Field>
        )}
        <Field label={w("reason")} errors={grantFieldErrors("reason")}>
          <input required maxLength={500} value={grant.reason} onInput={(e) => setGrant({ ...grant, reason: e.currentTarget.value })} />
        </Field>
        <button type="submit" class="primary">{w("grant")}</button>
      </form>
    </>
  );
}
