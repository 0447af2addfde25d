// Platform administration: approve agencies, publish or return tiles, grant and revoke staff roles.
import { useState } from "preact/hooks";

import { request, type Schema } from "../api";
import { useLoad } from "../state";
import { Field } from "../ui/field";
import { Loaded } from "../ui/loaded";
import { TilePreview } from "../ui/tile-preview";
import { useProblemText } from "./problems";
import { useWords } from "./words";

const ROLES: Schema<"NewRoleGrant">["role"][] = [
  "agency_admin",
  "agency_editor",
  "agency_sender",
  "agency_officer",
  "support",
  "platform_admin",
];

export function AdminConsole({ agencyName }: { agencyName: (id: number) => string }) {
  const { w, when, pick, pickAny } = useWords();
  const problemText = useProblemText();
  const [agencies, reloadAgencies] = useLoad("/api/v1/admin/agencies", { query: { status: "pending" } });
  const [approved] = useLoad("/api/v1/admin/agencies", { query: { status: "approved" } });
  const [reviews, reloadReviews] = useLoad("/api/v1/admin/tile-reviews");
  const [grants, reloadGrants] = useLoad("/api/v1/admin/role-grants");
  const [grant, setGrant] = useState({ national_id: "", role: "agency_editor" as (typeof ROLES)[number], agency_id: "", reason: "" });
  const [message, setMessage] = useState("");

  async function act(sending: () => Promise<unknown>, done: string) {
    setMessage("");
    try {
      await sending();
      setMessage(done);
      reloadAgencies();
      reloadReviews();
      reloadGrants();
      return true;
    } catch (error) {
      setMessage(problemText(error));
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
    if (await act(() => request("POST", "/api/v1/admin/role-grants", { body }), w("granted"))) {
      setGrant({ ...grant, national_id: "", reason: "" });
    }
  }
  const personName = (row: Schema<"RoleGrantView">) => pickAny(row, "name") ?? "—";

  return (
    <>
      <h2>{w("administration")}</h2>
      {message && <p role="status">{message}</p>}
      <h3>{w("waitingAgencies")}</h3>
      <Loaded load={agencies} reload={reloadAgencies}>
        {(rows) =>
          rows.length === 0 ? <p>{w("none")}</p> : (
            <ul class="list">
              {rows.map((agency) => (
                <li key={agency.id}>
                  {pick(agency, "name")}, {agency.contact_email}{" "}
                  <button
                    type="button"
                    onClick={() =>
                      act(() => request("POST", "/api/v1/admin/agencies/{agency_id}/approve", { path: { agency_id: agency.id } }), w("done"))
                    }
                  >
                    {w("approve")}
                  </button>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
      <h3>{w("waitingTiles")}</h3>
      <Loaded load={reviews} reload={reloadReviews}>
        {(rows) =>
          rows.length === 0 ? <p>{w("none")}</p> : (
            <ul class="list">
              {rows.map((tile) => (
                <li key={tile.id}>
                  {tile.draft && <TilePreview tile={tile.draft} />}
                  <button
                    type="button"
                    onClick={() =>
                      act(
                        () => request("POST", "/api/v1/admin/tiles/{tile_id}/publish", { path: { tile_id: tile.id } }),
                        w("done"),
                      )
                    }
                  >
                    {w("publish")}
                  </button>{" "}
                  <button
                    type="button"
                    onClick={() => {
                      const comment = window.prompt(w("whatToChange"));
                      const path = { tile_id: tile.id };
                      if (comment) void act(() => request("POST", "/api/v1/admin/tiles/{tile_id}/return", { path, body: { comment } }), w("done"));
                    }}
                  >
                    {w("returnWithComment")}
                  </button>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
      <h3>{w("roles")}</h3>
      <Loaded load={grants} reload={reloadGrants}>
        {(rows) => (
          <table>
            <thead>
              <tr><th scope="col">{w("person")}</th><th scope="col">{w("role")}</th><th scope="col">{w("agency")}</th><th scope="col">{w("grantedAt")}</th><th scope="col">{w("reason")}</th><th scope="col"><span class="visually-hidden">{w("revoke")}</span></th></tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id}>
                  <td>{personName(row)}</td>
                  <td>{row.role}</td>
                  <td>{row.agency_id === null ? w("platformWide") : agencyName(row.agency_id)}</td>
                  <td>{when(row.granted_at)}</td>
                  <td>{row.grant_reason}</td>
                  <td>
                    <button
                      type="button"
                      aria-label={`${w("revoke")}: ${personName(row)}, ${row.role}`}
                      onClick={() =>
                        window.confirm(w("confirmRevoke")) &&
                        act(() => request("DELETE", "/api/v1/admin/role-grants/{grant_id}", { path: { grant_id: row.id } }), w("revoked"))
                      }
                    >
                      {w("revoke")}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loaded>
      <form onSubmit={grantRole} aria-labelledby="grant-title">
        <h4 id="grant-title">{w("grantRole")}</h4>
        <Field label={w("nationalId")}>
          <input inputMode="numeric" autoComplete="off" required value={grant.national_id} onInput={(e) => setGrant({ ...grant, national_id: e.currentTarget.value })} />
        </Field>
        <Field label={w("role")}>
          <select value={grant.role} onChange={(e) => setGrant({ ...grant, role: e.currentTarget.value as (typeof ROLES)[number] })}>
            {ROLES.map((role) => <option key={role} value={role}>{role}</option>)}
          </select>
        </Field>
        {grant.role.startsWith("agency_") && (
          <Field label={w("agency")}>
            <select required value={grant.agency_id} onChange={(e) => setGrant({ ...grant, agency_id: e.currentTarget.value })}>
              <option value="" disabled>—</option>
              {approved.status === "ok" &&
                approved.data.map((agency) => <option key={agency.id} value={agency.id}>{pick(agency, "name")}</option>)}
            </select>
          </Field>
        )}
        <Field label={w("reason")}>
          <input required maxLength={500} value={grant.reason} onInput={(e) => setGrant({ ...grant, reason: e.currentTarget.value })} />
        </Field>
        <button type="submit" class="primary">{w("grant")}</button>
      </form>
    </>
  );
}
