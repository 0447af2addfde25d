// Agency console: the agency's tiles. Any tile can be edited (a draft, one the reviewer returned, or a
// published one: each save is a new version, and the published version stays until the new one is
// approved), with the reviewer's comment beside the form; icon, category, kind and life events are
// chosen from labelled lists; a tile is retired with a reason, in a form of its own.
import { useState } from "preact/hooks";

import { ApiError, type Defaulted, request, type Schema } from "../api";
import { useLoad } from "../state";
import { Field } from "../ui/field";
import { Loaded } from "../ui/loaded";
import { TILE_ICONS, TilePreview } from "../ui/tile-preview";
import { useAgencyWords } from "./agency-words";
import { useFieldText, useProblemText } from "./problems";
import { useWords } from "./words";

type Tile = Schema<"AgencyTileView">;
type Content = Schema<"TileContent">;
/** What the form edits: a tile's whole content, its keywords and synonyms as typed (one text each). */
type TileForm = Omit<Content, "keywords" | "synonyms"> & { keywords_text: string; synonyms_text: string };

/** "บัตรทอง, gold card" or one a line: the keywords, without blanks. */
export const keywordList = (text: string) => text.split(/[,\n]/).map((word) => word.trim()).filter(Boolean);

const CATEGORIES: Content["category"][] = ["welfare", "health", "family", "education", "work", "tax", "utilities", "documents", "transport", "housing", "agriculture", "safety"];
const LIFE_EVENTS: NonNullable<Content["life_events"]>[number][] = ["newborn", "school", "work", "marriage", "moving", "retirement", "disability", "bereavement", "business"];
/** The fields the form shows a problem beside. */
const TILE_FIELDS = new Set(["title_th", "title_en", "description_th", "description_en", "keywords", "synonyms", "link_url"]);
const KINDS: Content["kind"][] = ["link", "entitlement", "bill_payment", "application"];

const EMPTY_TILE: TileForm = {
  title_th: "", title_en: "", description_th: "", description_en: "", icon: "document", category: "welfare",
  life_events: [], kind: "link", link_url: "https://", keywords_text: "", synonyms_text: "", audience_min_age: null,
  audience_max_age: null, sort_order: 0,
};

/** The form's content from a saved version (the draft, else the published one). */
function formOf(tile: Tile): TileForm {
  const version = tile.draft ?? tile.published;
  if (!version) return EMPTY_TILE;
  const { version: _number, created_at: _at, keywords, synonyms, ...content } = version;
  return {
    ...EMPTY_TILE, ...content, link_url: content.link_url ?? "https://",
    keywords_text: (keywords ?? []).join(", "), synonyms_text: (synonyms ?? []).join(", "),
  };
}

/** The tile's state in the console's words: a draft the reviewer returned says so. */
export function tileStateWord(tile: Tile) {
  const live = tile.published !== null; // changes to a published tile: the published version stays
  if (tile.state === "retired") return "tile_retired" as const;
  if (tile.state === "in_review") return live ? ("tile_published_in_review" as const) : ("tile_in_review" as const);
  if (tile.state === "draft" && tile.review_comment) return "tile_returned" as const;
  if (tile.state === "draft") return live ? ("tile_published_with_draft" as const) : ("tile_draft" as const);
  return "tile_published" as const;
}

export function TilesPanel({ agencyId }: { agencyId: number }) {
  const { w, pick } = useWords();
  const { a } = useAgencyWords();
  const [load, reload] = useLoad("/api/v1/agency/{agency_id}/tiles", { path: { agency_id: agencyId } });
  const [editing, setEditing] = useState<Tile | "new" | null>(null);
  const [retiring, setRetiring] = useState<Tile | null>(null);
  const [message, setMessage] = useState("");
  const done = (text: string) => {
    setMessage(text);
    setEditing(null);
    setRetiring(null);
    reload();
  };
  return (
    <>
      {message && <p role="status">{message}</p>}
      {editing ? (
        <TileEditor agencyId={agencyId} tile={editing === "new" ? null : editing} done={done} close={() => setEditing(null)} />
      ) : (
        <button type="button" class="primary" onClick={() => { setMessage(""); setEditing("new"); }}>{a("newTileButton")}</button>
      )}
      {retiring && <RetireForm agencyId={agencyId} tile={retiring} done={done} close={() => setRetiring(null)} />}
      <h3>{w("agencyTiles")}</h3>
      <Loaded load={load} reload={reload}>
        {(tiles) => (
          <ul class="cards">
            {tiles.map((tile) => {
              const version = tile.draft ?? tile.published;
              const title = version ? pick(version, "title") : "";
              return (
                <li class="card" key={tile.id}>
                  <h4>{title}</h4>
                  <p class="status">{a(tileStateWord(tile))}</p>
                  {tile.review_comment && <p>{w("reviewComment")}: {tile.review_comment}</p>}
                  {tile.state !== "retired" && (
                    <div class="actions">
                      {/* In review the version is the reviewer's to decide: said, rather than a button that does nothing. */}
                      {tile.state === "in_review" ? (
                        <p class="meta">{a("editAfterReview")}</p>
                      ) : (
                        <button type="button" onClick={() => { setMessage(""); setRetiring(null); setEditing(tile); }}>
                          {a("edit")}<span class="visually-hidden"> {title}</span>
                        </button>
                      )}
                      <button type="button" onClick={() => { setMessage(""); setEditing(null); setRetiring(tile); }}>
                        {a("retire")}<span class="visually-hidden"> {title}</span>
                      </button>
                    </div>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </Loaded>
    </>
  );
}

function TileEditor({ agencyId, tile, done, close }: { agencyId: number; tile: Tile | null; done: (message: string) => void; close: () => void }) {
  const { w } = useWords();
  const { a, named } = useAgencyWords();
  const problemText = useProblemText();
  const fieldText = useFieldText();
  const [draft, setDraft] = useState<TileForm>(tile ? formOf(tile) : EMPTY_TILE);
  const [problem, setProblem] = useState("");
  const [error, setError] = useState<unknown>(null);
  // A field's problems said beside it ("keywords[2]" is one of the keywords); the rest under the form.
  const fieldOf = (name: string) => name.replace(/^\$\./, "").replace(/\[\d+\]$/, "");
  const errorsOf = (field: string) =>
    error instanceof ApiError ? error.errors.filter((item) => fieldOf(item.field) === field).map((item) => fieldText(item.message)) : [];
  const set = (key: keyof TileForm) => (event: Event) =>
    setDraft({ ...draft, [key]: (event.currentTarget as HTMLInputElement).value });
  const events = draft.life_events ?? [];
  const toggle = (event: (typeof LIFE_EVENTS)[number]) =>
    setDraft({ ...draft, life_events: events.includes(event) ? events.filter((e) => e !== event) : [...events, event] });
  const returned = tile?.state === "draft" && tile.review_comment ? tile.review_comment : null;

  async function save(submit: boolean) {
    setProblem("");
    setError(null);
    try {
      const { keywords_text, synonyms_text, ...content } = draft;
      const body: Defaulted<Content, "sort_order"> = {
        ...content,
        link_url: draft.kind === "link" ? draft.link_url : null,
        keywords: keywordList(keywords_text),
        synonyms: keywordList(synonyms_text),
      };
      const path = { agency_id: agencyId };
      const saved = tile
        ? await request("PUT", "/api/v1/agency/{agency_id}/tiles/{tile_id}", { path: { ...path, tile_id: tile.id }, body: body as Content })
        : await request("POST", "/api/v1/agency/{agency_id}/tiles", { path, body: body as Content });
      if (submit) await request("POST", "/api/v1/agency/{agency_id}/tiles/{tile_id}/submit", { path: { ...path, tile_id: saved.data.id } });
      done(w(submit ? "submitted" : "draftSaved"));
    } catch (failed) {
      setError(failed);
      const beside = failed instanceof ApiError && failed.errors.every((item) => TILE_FIELDS.has(fieldOf(item.field)));
      setProblem(beside && failed.errors.length > 0 ? a("fixMarked") : problemText(failed));
    }
  }

  return (
    <section aria-labelledby="tile-editor">
      <h3 id="tile-editor">{tile ? a("editTile") : w("newTile")}</h3>
      {tile && <p class="meta">{a("versionNote")}</p>}
      <div class="console-grid">
        <form onSubmit={(event) => { event.preventDefault(); void save(true); }}>
          <Field label={w("titleTh")} errors={errorsOf("title_th")}><input required value={draft.title_th} onInput={set("title_th")} /></Field>
          <Field label={w("titleEn")} errors={errorsOf("title_en")}><input required value={draft.title_en} onInput={set("title_en")} /></Field>
          <Field label={w("descriptionTh")} errors={errorsOf("description_th")}><input value={draft.description_th} onInput={set("description_th")} /></Field>
          <Field label={w("descriptionEn")} errors={errorsOf("description_en")}><input value={draft.description_en} onInput={set("description_en")} /></Field>
          <Field label={a("keywordsField")} errors={errorsOf("keywords")}>
            <small class="hint">{a("keywordsHint")}</small>
            <textarea rows={2} value={draft.keywords_text} onInput={set("keywords_text")} />
          </Field>
          <Field label={a("synonymsField")} errors={errorsOf("synonyms")}>
            <small class="hint">{a("synonymsHint")}</small>
            <textarea rows={2} value={draft.synonyms_text} onInput={set("synonyms_text")} />
          </Field>
          <Field label={w("icon")}>
            <select value={draft.icon} onChange={set("icon")}>
              {Object.entries(TILE_ICONS).map(([icon, glyph]) => <option key={icon} value={icon}>{glyph} {named("icon_", icon)}</option>)}
            </select>
          </Field>
          <Field label={w("category")}>
            <select value={draft.category} onChange={set("category")}>
              {CATEGORIES.map((category) => <option key={category} value={category}>{named("category_", category)}</option>)}
            </select>
          </Field>
          <fieldset class="checks">
            <legend>{a("lifeEvents")}</legend>
            {LIFE_EVENTS.map((event) => (
              <label class="check" key={event}>
                <input type="checkbox" checked={events.includes(event)} onChange={() => toggle(event)} /> {named("life_", event)}
              </label>
            ))}
          </fieldset>
          <Field label={w("kind")}>
            <select value={draft.kind} onChange={set("kind")}>
              {KINDS.map((kind) => <option key={kind} value={kind}>{named("kind_", kind)}</option>)}
            </select>
          </Field>
          {draft.kind === "link" && (
            <Field label={w("link")} errors={errorsOf("link_url")}><input type="url" value={draft.link_url ?? ""} onInput={set("link_url")} /></Field>
          )}
          <div class="actions">
            <button type="submit" class="primary">{returned ? a("saveAndResubmit") : w("saveAndSubmit")}</button>
            <button type="button" onClick={() => void save(false)}>{tile ? a("saveChanges") : w("saveDraft")}</button>
            <button type="button" onClick={close}>{a("cancel")}</button>
          </div>
          {problem && <p role="alert" class="notice error">{problem}</p>}
        </form>
        <div>
          {returned && (
            <aside class="notice info" aria-labelledby="reviewer-said">
              <h4 id="reviewer-said">{a("reviewerSaid")}</h4>
              <p>{returned}</p>
            </aside>
          )}
          <TilePreview tile={{ ...draft, keywords: keywordList(draft.keywords_text), synonyms: keywordList(draft.synonyms_text) }} />
        </div>
      </div>
    </section>
  );
}

function RetireForm({ agencyId, tile, done, close }: { agencyId: number; tile: Tile; done: (message: string) => void; close: () => void }) {
  const { pick } = useWords();
  const { a } = useAgencyWords();
  const problemText = useProblemText();
  const [reason, setReason] = useState("");
  const [problem, setProblem] = useState("");
  const version = tile.draft ?? tile.published;
  async function retire(event: Event) {
    event.preventDefault();
    if (!reason.trim()) return setProblem(a("reasonRequired"));
    try {
      await request("POST", "/api/v1/agency/{agency_id}/tiles/{tile_id}/retire", {
        path: { agency_id: agencyId, tile_id: tile.id },
        body: { reason: reason.trim() },
      });
      done(a("retired"));
    } catch (error) {
      setProblem(problemText(error));
    }
  }
  return (
    <form onSubmit={retire} aria-labelledby="retire-title" class="notice confirm">
      <h3 id="retire-title">{a("retireTitle")}: {version && pick(version, "title")}</h3>
      <Field label={a("retireReason")}>
        <textarea rows={3} value={reason} aria-invalid={problem ? true : undefined} onInput={(event) => setReason(event.currentTarget.value)} />
      </Field>
      {problem && <p role="alert" class="notice error">{problem}</p>}
      <div class="actions">
        <button type="submit" class="primary">{a("retireNow")}</button>
        <button type="button" onClick={close}>{a("cancel")}</button>
      </div>
    </form>
  );
}
