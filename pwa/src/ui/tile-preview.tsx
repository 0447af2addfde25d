import type { Schema } from "../api";
import { useWords } from "../console/words";

/** The icons an agency chooses from for a tile (the citizen's home screen knows a few more). */
export const TILE_ICONS: Record<string, string> = {
  document: "📄", health: "🩺", money: "💰", baby: "👶", elderly: "🧓", water: "💧", school: "🏫", id: "🪪",
};

/** The text and icon of a tile: the console's form as it is typed, or a version waiting for review. */
export type TilePreviewContent = Pick<
  Schema<"TileContent">,
  "title_th" | "title_en" | "description_th" | "description_en" | "icon" | "keywords" | "synonyms"
>;

/** A tile as citizens will see it, in both languages (the agency console's form, the review queue). */
export function TilePreview({ tile }: { tile: TilePreviewContent }) {
  const { w } = useWords();
  // The same markup and classes as the citizen's home screen, in both languages.
  return (
    <div class="preview" aria-label={w("preview")}>
      {(["th", "en"] as const).map((language) => (
        <ul class="tiles" key={language} lang={language}>
          <li class="tile">
            <span class="tile-open">
              <span class="tile-icon" aria-hidden="true">{TILE_ICONS[tile.icon] ?? "🏛️"}</span>
              <span class="tile-title">{tile[`title_${language}`] || "…"}</span>
              <span class="tile-agency">{tile[`description_${language}`]}</span>
            </span>
          </li>
        </ul>
      ))}
      {tile.keywords && tile.keywords.length > 0 && (
        <p class="meta">
          {w("keywordsShown")}: {tile.keywords.join(", ")}
        </p>
      )}
      {tile.synonyms && tile.synonyms.length > 0 && (
        <p class="meta">
          {w("synonymsShown")}: {tile.synonyms.join(", ")}
        </p>
      )}
    </div>
  );
}
