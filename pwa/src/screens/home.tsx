import { useState } from "preact/hooks";

import { send } from "../api";
import { Loaded } from "../components";
import { useApp, useLoad } from "../state";

interface Tile {
  id: number;
  agency_name: string;
  title: string;
  description: string;
  icon: string;
  kind: string;
  link_url: string | null;
  favourite: boolean;
}
interface Group {
  key: string;
  label: string;
  tiles: Tile[];
}
interface Catalogue {
  favourites: Tile[];
  recent: Tile[];
  categories: Group[];
  life_events: Group[];
  total: number;
}

// Tile icons are names from a small shared set; shown as emoji so no icon font is downloaded.
const ICONS: Record<string, string> = {
  elderly: "🧓", card: "💳", health: "🩺", calendar: "📅", baby: "👶", diploma: "🎓", document: "📄",
  shield: "🛡️", water: "💧", bolt: "⚡", report: "📊", school: "🏫", work: "💼", home: "🏠", money: "💰",
  disability: "♿", car: "🚗", tax: "🧾", id: "🪪",
};

const KIND_PATHS: Record<string, string> = { entitlement: "/entitlements", bill: "/bills" };

export function Home() {
  const { t, language, me, navigate } = useApp();
  const [query, setQuery] = useState("");
  const [grouping, setGrouping] = useState<"categories" | "life_events">("categories");
  const params = new URLSearchParams({ lang: language, ...(query.trim() ? { q: query.trim() } : {}) });
  const [load, reload] = useLoad<Catalogue>(`/api/v1/tiles?${params}`);

  async function open(tile: Tile) {
    if (me) await send("POST", `/api/v1/tiles/${tile.id}/open`).catch(() => null);
    if (tile.kind === "link" && tile.link_url) window.location.assign(tile.link_url);
    else if (tile.kind === "application") navigate(`/apply/${tile.id}`);
    else navigate(KIND_PATHS[tile.kind] ?? "/");
  }

  async function toggleFavourite(tile: Tile) {
    await send(tile.favourite ? "DELETE" : "PUT", `/api/v1/tiles/${tile.id}/favourite`);
    reload();
  }

  const card = (tile: Tile) => (
    <li class="tile" key={tile.id}>
      <button type="button" class="tile-open" onClick={() => open(tile)}>
        <span class="tile-icon" aria-hidden="true">
          {ICONS[tile.icon] ?? "🏛️"}
        </span>
        <span class="tile-title">{tile.title}</span>
        <span class="tile-agency">{tile.agency_name}</span>
      </button>
      {me && (
        <button
          type="button"
          class="favourite"
          aria-pressed={tile.favourite}
          aria-label={`${tile.favourite ? t("removeFavourite") : t("addFavourite")}: ${tile.title}`}
          onClick={() => toggleFavourite(tile)}
        >
          {tile.favourite ? "★" : "☆"}
        </button>
      )}
    </li>
  );

  return (
    <section aria-labelledby="home-title">
      <h1 id="home-title">{me ? `${me[language === "th" ? "name_th" : "name_en"] ?? ""}` : t("welcome")}</h1>
      {!me && (
        <p>
          <a class="button primary" href="/auth/login?next=/">
            {t("logIn")}
          </a>
        </p>
      )}
      {me && (
        <ul class="quick-links">
          {(
            [
              ["/applications", "myApplications", "📝"],
              ["/wallet", "myDocuments", "📂"],
            ] as const
          ).map(([to, key, icon]) => (
            <li key={to}>
              <a
                href={to}
                onClick={(event) => {
                  event.preventDefault();
                  navigate(to);
                }}
              >
                <span aria-hidden="true">{icon}</span> {t(key)}
              </a>
            </li>
          ))}
        </ul>
      )}
      <label class="search">
        <span>{t("search")}</span>
        <input type="search" value={query} onInput={(event) => setQuery(event.currentTarget.value)} />
      </label>
      <Loaded load={load} reload={reload}>
        {(catalogue) => (
          <>
            {catalogue.total === 0 && <p>{t("noResults")}</p>}
            {catalogue.favourites.length > 0 && (
              <>
                <h2>{t("favourites")}</h2>
                <ul class="tiles">{catalogue.favourites.map(card)}</ul>
              </>
            )}
            {catalogue.recent.length > 0 && (
              <>
                <h2>{t("recent")}</h2>
                <ul class="tiles">{catalogue.recent.map(card)}</ul>
              </>
            )}
            <div class="segmented" role="group" aria-label={t("byCategory")}>
              <button type="button" aria-pressed={grouping === "categories"} onClick={() => setGrouping("categories")}>
                {t("byCategory")}
              </button>
              <button type="button" aria-pressed={grouping === "life_events"} onClick={() => setGrouping("life_events")}>
                {t("byLifeEvent")}
              </button>
            </div>
            {catalogue[grouping].map((group) => (
              <section key={group.key} aria-labelledby={`group-${group.key}`}>
                <h2 id={`group-${group.key}`}>{group.label}</h2>
                <ul class="tiles">{group.tiles.map(card)}</ul>
              </section>
            ))}
          </>
        )}
      </Loaded>
    </section>
  );
}
