// Agency console: tiles with a live preview (here), connectors with their health and registration
// (agency-connectors.tsx), message templates and sending with live progress (agency-messages.tsx), the
// bills the agency issued with their payments (agency-bills.tsx), and the applications citizens sent
// (applications/).
import { useState } from "preact/hooks";

import { type Defaulted, request, type Schema } from "../api";
import { useLoad } from "../state";
import { Field } from "../ui/field";
import { Loaded } from "../ui/loaded";
import { Tabs } from "../ui/segmented";
import { TILE_ICONS, TilePreview } from "../ui/tile-preview";
import { BillsPanel } from "./agency-bills";
import { ConnectorsPanel } from "./agency-connectors";
import { SendPanel, TemplatesPanel } from "./agency-messages";
import { ApplicationsPanel } from "./applications";
import { useProblemText } from "./problems";
import { type Word, useWords } from "./words";

/** What the form edits: a tile's content, the server defaulting the rest (life events, ages, order);
 * its keywords as typed, one text. */
type TileForm = Pick<
  Schema<"TileContent">,
  "title_th" | "title_en" | "description_th" | "description_en" | "icon" | "category" | "kind" | "link_url"
> & { keywords_text: string };

/** "บัตรทอง, gold card" or one a line: the keywords, without blanks. */
export const keywordList = (text: string) => text.split(/[,\n]/).map((word) => word.trim()).filter(Boolean);

const CATEGORIES: TileForm["category"][] = ["welfare", "health", "family", "education", "work", "tax", "utilities", "documents", "transport", "housing", "agriculture", "safety"];
const KINDS: TileForm["kind"][] = ["link", "entitlement", "bill_payment", "application"];

type AgencyTab = "applications" | "tiles" | "connectors" | "templates" | "send" | "bills";
const AGENCY_TABS: [AgencyTab, Word, string[]][] = [
  ["tiles", "tiles", ["agency_admin", "agency_editor"]],
  ["connectors", "connectors", ["agency_admin"]],
  ["templates", "templates", ["agency_admin", "agency_sender"]],
  ["send", "sendMessage", ["agency_admin", "agency_sender"]],
  ["bills", "billsTab", ["agency_admin"]],
  ["applications", "applicationsTab", ["agency_admin", "agency_officer"]],
];

export function AgencyConsole({ agencyId, name, roles }: { agencyId: number; name: string; roles: string[] }) {
  const { w } = useWords();
  // Only the sections this person's roles at this agency allow (the API refuses the rest anyway).
  const tabs = AGENCY_TABS.filter(([, , allowed]) => allowed.some((role) => roles.includes(role)));
  const [tab, setTab] = useState<AgencyTab>(tabs[0]?.[0] ?? "tiles");
  return (
    <>
      <h2>{name}</h2>
      <Tabs label={w("sections")} tabs={tabs.map(([key, word]): [AgencyTab, string] => [key, w(word)])} current={tab} choose={setTab} />
      {tab === "tiles" && <TilesPanel agencyId={agencyId} />}
      {tab === "connectors" && <ConnectorsPanel agencyId={agencyId} />}
      {tab === "templates" && <TemplatesPanel agencyId={agencyId} />}
      {tab === "send" && <SendPanel agencyId={agencyId} />}
      {tab === "bills" && <BillsPanel agencyId={agencyId} />}
      {tab === "applications" && <ApplicationsPanel agencyId={agencyId} />}
    </>
  );
}
const EMPTY_TILE: TileForm = {
  title_th: "", title_en: "", description_th: "", description_en: "", icon: "document", category: "welfare",
  kind: "link", link_url: "https://", keywords_text: "",
};

function TilesPanel({ agencyId }: { agencyId: number }) {
  const { w, pick } = useWords();
  const problemText = useProblemText();
  const [load, reload] = useLoad("/api/v1/agency/{agency_id}/tiles", { path: { agency_id: agencyId } });
  const [draft, setDraft] = useState<TileForm>(EMPTY_TILE);
  const [message, setMessage] = useState("");
  const set = (key: keyof TileForm) => (event: Event) =>
    setDraft({ ...draft, [key]: (event.currentTarget as HTMLInputElement).value });

  async function save(submit: boolean) {
    setMessage("");
    try {
      const { keywords_text, ...content } = draft;
      const body: Defaulted<Schema<"TileContent">, "sort_order"> = {
        ...content,
        link_url: draft.kind === "link" ? draft.link_url : null,
        keywords: keywordList(keywords_text),
      };
      const path = { agency_id: agencyId };
      const { data: tile } = await request("POST", "/api/v1/agency/{agency_id}/tiles", {
        path,
        body: body as Schema<"TileContent">,
      });
      if (submit) await request("POST", "/api/v1/agency/{agency_id}/tiles/{tile_id}/submit", { path: { ...path, tile_id: tile.id } });
      setMessage(w(submit ? "submitted" : "draftSaved"));
      setDraft(EMPTY_TILE);
      reload();
    } catch (error) {
      setMessage(problemText(error));
    }
  }

  return (
    <>
      <h3>{w("newTile")}</h3>
      <div class="console-grid">
        <form onSubmit={(event) => { event.preventDefault(); save(true); }}>
          <Field label={w("titleTh")}><input required value={draft.title_th} onInput={set("title_th")} /></Field>
          <Field label={w("titleEn")}><input required value={draft.title_en} onInput={set("title_en")} /></Field>
          <Field label={w("descriptionTh")}><input value={draft.description_th} onInput={set("description_th")} /></Field>
          <Field label={w("descriptionEn")}><input value={draft.description_en} onInput={set("description_en")} /></Field>
          <Field label={w("keywords")}>
            <textarea rows={3} value={draft.keywords_text} onInput={set("keywords_text")} placeholder="บัตรทอง, gold card" />
          </Field>
          <Field label={w("icon")}>
            <select value={draft.icon} onChange={set("icon")}>
              {Object.keys(TILE_ICONS).map((icon) => <option key={icon} value={icon}>{icon}</option>)}
            </select>
          </Field>
          <Field label={w("category")}>
            <select value={draft.category} onChange={set("category")}>
              {CATEGORIES.map((category) => <option key={category} value={category}>{category}</option>)}
            </select>
          </Field>
          <Field label={w("kind")}>
            <select value={draft.kind} onChange={set("kind")}>
              {KINDS.map((kind) => <option key={kind} value={kind}>{kind}</option>)}
            </select>
          </Field>
          {draft.kind === "link" && (
            <Field label={w("link")}><input type="url" value={draft.link_url ?? ""} onInput={set("link_url")} /></Field>
          )}
          <div class="actions">
            <button type="submit" class="primary">{w("saveAndSubmit")}</button>
            <button type="button" onClick={() => save(false)}>{w("saveDraft")}</button>
          </div>
          {message && <p role="status">{message}</p>}
        </form>
        <TilePreview tile={{ ...draft, keywords: keywordList(draft.keywords_text) }} />
      </div>
      <h3>{w("agencyTiles")}</h3>
      <Loaded load={load} reload={reload}>
        {(tiles) => (
          <table>
            <thead><tr><th scope="col">{w("title")}</th><th scope="col">{w("state")}</th><th scope="col">{w("reviewComment")}</th></tr></thead>
            <tbody>
              {tiles.map((tile) => (
                <tr key={tile.id}>
                  <td>{tile.draft ? pick(tile.draft, "title") : tile.published && pick(tile.published, "title")}</td>
                  <td>{tile.state}</td>
                  <td>{tile.review_comment ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loaded>
    </>
  );
}
