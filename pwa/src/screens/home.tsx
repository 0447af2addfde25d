import { useState } from "preact/hooks";

import { useActing } from "../acting";
import { request, type Schema } from "../api";
import { useApp, useLoad } from "../state";
import { tileDestination } from "../tile-destinations";
import { Loaded } from "../ui/loaded";
import { Icon } from "../ui/icons";
import { LeavingNotice } from "../ui/leaving";
import { ErrorNotice } from "../ui/notice";
import { Tabs } from "../ui/segmented";
import { CounterRequestCard } from "./counter-request";
import { ScamWarningBanner } from "./scam-warnings";

type Tile = Schema<"CitizenTile">;

// Tile icons are names from a small shared set; shown as emoji so no icon font is downloaded.
const ICONS: Record<string, string> = {
  elderly: "🧓", card: "💳", health: "🩺", calendar: "📅", baby: "👶", diploma: "🎓", document: "📄",
  shield: "🛡️", water: "💧", bolt: "⚡", report: "📊", school: "🏫", work: "💼", home: "🏠", money: "💰",
  disability: "♿", car: "🚗", tax: "🧾", id: "🪪",
};

export function Home() {
  const { t, tr, language, me, navigate, pick } = useApp();
  const [query, setQuery] = useState("");
  const [cannotOpen, setCannotOpen] = useState("");
  /** A link tile tapped: the agency's own site, named before the app is left. */
  const [leaving, setLeaving] = useState<{ tile: Tile; url: string } | null>(null);
  const [grouping, setGrouping] = useState<"categories" | "life_events">("categories");
  const [load, reload] = useLoad("/api/v1/tiles", { query: { lang: language, q: query.trim() || undefined } });
  /** Favourites are the person's own: not offered while acting for someone (docs/delegation.md). */
  const acting = useActing();

  async function open(tile: Tile) {
    // Where each kind of tile goes is in tile-destinations.ts (a unit test covers every kind the API has).
    const destination = tileDestination(tile);
    if (destination === null) {
      setCannotOpen(
        `${tile.title}: ${tr({
          th: "ยังเปิดบริการนี้ในแอปไม่ได้ โทร 1111 เพื่อสอบถาม",
          en: "this service cannot be opened in the app yet. Call 1111 to ask about it.",
        })}`,
      );
      return;
    }
    setCannotOpen("");
    if (me) await request("POST", "/api/v1/tiles/{tile_id}/open", { path: { tile_id: tile.id } }).catch(() => null);
    if ("page" in destination) setLeaving({ tile, url: destination.page });
    else navigate(destination.screen);
  }

  async function toggleFavourite(tile: Tile) {
    await request(tile.favourite ? "DELETE" : "PUT", "/api/v1/tiles/{tile_id}/favourite", { path: { tile_id: tile.id } });
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
      {me && !acting && (
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

  if (leaving) {
    return (
      <section aria-label={tr({ th: "ออกจากแอป", en: "Leaving the app" })}>
        <LeavingNotice
          headingLevel={1}
          agency={leaving.tile.agency_name}
          url={leaving.url}
          registered={null}
          onBack={() => setLeaving(null)}
        />
      </section>
    );
  }

  return (
    <section aria-labelledby="home-title">
      <h1 id="home-title">{me ? `${pick(me, "name") ?? ""}` : t("welcome")}</h1>
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
              ["/applications", "myApplications", "applications"],
              ["/wallet", "myDocuments", "documents"],
              ["/programmes", "programmes", "applications"],
            ] as const
          ).map(([to, key, icon]) => (
            <li key={to}>
              <a href={to}>
                <Icon name={icon} /> {t(key)}
              </a>
            </li>
          ))}
        </ul>
      )}
      {me && !acting && <CounterRequestCard />}
      <ScamWarningBanner />
      <label class="search">
        <span>{t("search")}</span>
        <input type="search" value={query} onInput={(event) => setQuery(event.currentTarget.value)} />
      </label>
      <ErrorNotice text={cannotOpen} />
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
            <Tabs
              label={t("byCategory")}
              tabs={[
                ["categories", t("byCategory")],
                ["life_events", t("byLifeEvent")],
              ]}
              current={grouping}
              choose={setGrouping}
            />
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
