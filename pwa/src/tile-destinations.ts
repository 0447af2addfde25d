// Where each kind of catalogue tile takes the citizen. Typed against the kinds the backend's OpenAPI
// document lists (TileContent.kind), so that a kind added there without a destination here fails the
// type check, and tile-destinations.test.ts checks the same against openapi.json at run time.
import type { Schema } from "./api";

export type TileKind = Schema<"TileContent">["kind"];

/** What the home screen needs of a tile to open it. */
export interface OpenableTile {
  id: number | string;
  kind: string;
  link_url?: string | null;
}

/** Where a tile goes: one of the app's screens (a path) or an agency's own page (an https URL). */
export type Destination = { screen: string } | { page: string };

export const TILE_DESTINATIONS: { [K in TileKind]: (tile: OpenableTile) => Destination | null } = {
  entitlement: () => ({ screen: "/entitlements" }),
  bill_payment: () => ({ screen: "/bills" }),
  application: (tile) => ({ screen: `/apply/${encodeURIComponent(String(tile.id))}` }),
  // The API accepts only https:// for a link tile's address; anything else is not opened.
  link: (tile) => (tile.link_url && /^https:\/\//.test(tile.link_url) ? { page: tile.link_url } : null),
};

/** Where a tile opens, or null when it cannot be opened (a kind this version of the app does not know
 * yet, or a link tile without an address): the home screen says so rather than doing nothing. */
export function tileDestination(tile: OpenableTile): Destination | null {
  const destination = Object.prototype.hasOwnProperty.call(TILE_DESTINATIONS, tile.kind)
    ? TILE_DESTINATIONS[tile.kind as TileKind]
    : undefined;
  return destination ? destination(tile) : null;
}
