// What a platform admin reviews before it reaches citizens: a tile version (its agency, kind, where it
// sends people with the host marked, and what changed since the published version) and a connector or
// a change to one (where citizens' national IDs go, how, why, what comes back, and the consent rule).
import { request, type Schema } from "../api";
import { fill } from "../i18n";
import { useLoad } from "../state";
import { Loaded } from "../ui/loaded";
import { label } from "../vocabulary";
import { ReviewDecision } from "./review-form";
import { Submitter } from "./submitter";
import { type Word, useWords } from "./words";

type Tile = Schema<"AgencyTileView">;
type Version = Schema<"TileVersionView">;
type Terms = Schema<"ReviewedTerms">;

/** The address with its host in bold and marked: the part a reviewer must recognise. */
export function Destination({ url }: { url: string | null | undefined }) {
  if (!url) return <>—</>;
  const found = /^(https?:\/\/)([^/?#]+)(.*)$/.exec(url);
  if (!found) return <>{url}</>;
  return (
    <span dir="ltr" translate={false}>
      {found[1]}
      <mark>{found[2]}</mark>
      {found[3]}
    </span>
  );
}

/** The fields a reviewer compares, each with the console's word for it. */
const COMPARED: [keyof Version, Word][] = [
  ["title_th", "titleTh"], ["title_en", "titleEn"], ["description_th", "descriptionTh"],
  ["description_en", "descriptionEn"], ["kind", "kind"], ["category", "category"], ["link_url", "destination"],
  ["life_events", "lifeEvents"], ["keywords", "keywordsShown"], ["synonyms", "synonymsShown"], ["audience_min_age", "minAge"],
  ["audience_max_age", "maxAge"], ["icon", "icon"],
];

function TileReview({ tile, agencyName, done }: { tile: Tile; agencyName: (id: number) => string; done: (m: string) => void }) {
  const { w, language, pick } = useWords();
  const draft = tile.draft;
  if (!draft) return null;
  const said = (field: keyof Version, version: Version): string => {
    const value = version[field];
    if (field === "kind") return label(language, "tileKind", value as string);
    if (field === "category") return label(language, "category", value as string);
    if (field === "life_events") return (value as string[]).map((code) => label(language, "lifeEvent", code)).join(", ") || "—";
    if (Array.isArray(value)) return value.join(", ") || "—";
    return value === null || value === undefined || value === "" ? "—" : String(value);
  };
  const published = tile.published;
  const changed = published ? COMPARED.filter(([field]) => said(field, draft) !== said(field, published)) : [];
  const heading = `tile-review-${tile.id}`;
  return (
    <li class="review-item" aria-labelledby={heading}>
      <h4 id={heading}>{pick(draft, "title")}</h4>
      <dl>
        <dt>{w("agency")}</dt><dd>{agencyName(tile.agency_id)}</dd>
        <dt>{w("submittedBy")}</dt><dd><Submitter by={tile} /></dd>
        <dt>{w("kind")}</dt><dd>{label(language, "tileKind", draft.kind)}</dd>
        <dt>{w("category")}</dt><dd>{label(language, "category", draft.category)}</dd>
        <dt>{w("destination")}</dt><dd><Destination url={draft.link_url} /></dd>
        <dt>{w("description")}</dt><dd>{pick(draft, "description") || "—"}</dd>
      </dl>
      <h5>{w("changes")}</h5>
      {!published ? <p>{w("firstVersion")}</p> : changed.length === 0 ? <p>{w("noChange")}</p> : (
        <table>
          <thead><tr><th scope="col">{w("whatChanged")}</th><th scope="col">{w("before")}</th><th scope="col">{w("after")}</th></tr></thead>
          <tbody>
            {changed.map(([field, word]) => (
              <tr key={field}>
                <th scope="row">{w(word)}</th>
                <td {...literal(field)}><del>{field === "link_url" ? <Destination url={published.link_url} /> : said(field, published)}</del></td>
                <td {...literal(field)}><ins>{field === "link_url" ? <Destination url={draft.link_url} /> : said(field, draft)}</ins></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ReviewDecision
        id={`tile-${tile.id}`}
        approveLabel={w("publish")}
        approve={() => request("POST", "/api/v1/admin/tiles/{tile_id}/publish", { path: { tile_id: tile.id } })}
        sendBack={(comment) => request("POST", "/api/v1/admin/tiles/{tile_id}/return", { path: { tile_id: tile.id }, body: { comment } })}
        done={done}
      />
    </li>
  );
}

/** An English side is marked English (read so by a screen reader); search words, typed by citizens in
 * either language, are left untranslated. */
function literal(field: keyof Version): { lang?: string; translate?: boolean } {
  if (field.endsWith("_en")) return { lang: "en" };
  return field === "keywords" || field === "synonyms" ? { translate: false } : {};
}

function TermsList({ terms }: { terms: Terms }) {
  const { w, language, pick } = useWords();
  const ages = terms.min_age === null && terms.max_age === null ? w("anyAge") : `${terms.min_age ?? 0}–${terms.max_age ?? "…"}`;
  return (
    <dl>
      <dt>{w("address")}</dt><dd><Destination url={terms.base_url} /></dd>
      {terms.oauth_token_url && (<><dt>{w("tokenUrl")}</dt><dd><Destination url={terms.oauth_token_url} /></dd></>)}
      <dt>{w("authentication")}</dt><dd>{label(language, "authKind", terms.auth_kind)}</dd>
      <dt>{w("purpose")}</dt><dd>{pick(terms, "purpose")}</dd>
      <dt>{w("dataItems")}</dt><dd>{pick(terms, "fields").join(", ") || "—"}</dd>
      <dt>{w("consentRule")}</dt>
      <dd>{terms.consent_required ? fill(w("consentNeeded"), { days: terms.consent_days }) : w("consentNotNeeded")}</dd>
      <dt>{w("ages")}</dt><dd>{ages}</dd>
    </dl>
  );
}

function ConnectorReview({ review, done }: { review: Schema<"ConnectorReview">; done: (m: string) => void }) {
  const { w, when, pick } = useWords();
  const heading = `connector-review-${review.connector_id}`;
  const path = { connector_id: review.connector_id };
  return (
    <li class="review-item" aria-labelledby={heading}>
      <h4 id={heading}>
        {pick(review.proposed, "title")} · {review.kind === "new" ? w("newConnector") : w("connectorChange")}
      </h4>
      <dl>
        <dt>{w("agency")}</dt><dd>{pick(review, "agency_name")}</dd>
        <dt>{w("submittedBy")}</dt>
        <dd><Submitter by={review} />, {when(review.submitted_at)}</dd>
      </dl>
      {review.live ? (
        <>
          <h5>{w("proposed")}</h5>
          <TermsList terms={review.proposed} />
          <h5>{w("nowLive")}</h5>
          <TermsList terms={review.live} />
        </>
      ) : (
        <TermsList terms={review.proposed} />
      )}
      <ReviewDecision
        id={`connector-${review.connector_id}`}
        approveLabel={w("approveConnector")}
        approve={() => request("POST", "/api/v1/admin/connectors/{connector_id}/approve", { path })}
        sendBack={(comment) => request("POST", "/api/v1/admin/connectors/{connector_id}/return", { path, body: { comment } })}
        done={done}
      />
    </li>
  );
}

export function Reviews({ agencyName, done }: { agencyName: (id: number) => string; done: (message: string) => void }) {
  const { w } = useWords();
  const [tiles, reloadTiles] = useLoad("/api/v1/admin/tile-reviews");
  const [connectors, reloadConnectors] = useLoad("/api/v1/admin/connector-reviews");
  const decided = (message: string) => {
    done(message);
    reloadTiles();
    reloadConnectors();
  };
  return (
    <>
      <h3>{w("waitingTiles")}</h3>
      <Loaded load={tiles} reload={reloadTiles}>
        {(rows) => rows.length === 0 ? <p>{w("none")}</p> : (
          <ul class="list">{rows.map((tile) => <TileReview key={tile.id} tile={tile} agencyName={agencyName} done={decided} />)}</ul>
        )}
      </Loaded>
      <h3>{w("waitingConnectors")}</h3>
      <Loaded load={connectors} reload={reloadConnectors}>
        {(rows) => rows.length === 0 ? <p>{w("none")}</p> : (
          <ul class="list">{rows.map((row) => <ConnectorReview key={row.connector_id} review={row} done={decided} />)}</ul>
        )}
      </Loaded>
    </>
  );
}
