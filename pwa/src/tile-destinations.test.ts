import { readFileSync } from "node:fs";

import { describe, expect, it } from "vitest";

import { IN_APP } from "./routes";
import { TILE_DESTINATIONS, tileDestination } from "./tile-destinations";

/** Every tile kind the backend's OpenAPI document (the one the app's types are generated from) lists. */
function kindsInTheSchema(): string[] {
  const document = JSON.parse(readFileSync(new URL("../openapi.json", import.meta.url), "utf8")) as {
    components: { schemas: Record<string, { properties?: Record<string, { enum?: string[] }> }> };
  };
  const kinds = new Set<string>();
  for (const name of ["TileContent", "TileVersionView"]) {
    for (const kind of document.components.schemas[name]?.properties?.kind?.enum ?? []) kinds.add(kind);
  }
  return [...kinds].sort();
}

describe("tile destinations", () => {
  it("reads the tile kinds from the schema", () => {
    expect(kindsInTheSchema()).toEqual(expect.arrayContaining(["application", "bill_payment", "entitlement", "link"]));
  });

  it("opens something for every kind the catalogue can hold", () => {
    for (const kind of kindsInTheSchema()) {
      expect(Object.keys(TILE_DESTINATIONS), `tile kind "${kind}" has no destination`).toContain(kind);
      const destination = tileDestination({ id: 7, kind, link_url: "https://www.example.go.th/service" });
      expect(destination, kind).not.toBeNull();
      if (destination && "screen" in destination) expect(IN_APP.test(destination.screen), kind).toBe(true);
    }
  });

  it("sends a bill tile to the bills screen (its kind is bill_payment, not bill)", () => {
    expect(tileDestination({ id: 1, kind: "bill_payment" })).toEqual({ screen: "/bills" });
    expect(tileDestination({ id: 1, kind: "entitlement" })).toEqual({ screen: "/entitlements" });
    expect(tileDestination({ id: 12, kind: "application" })).toEqual({ screen: "/apply/12" });
  });

  it("opens a link tile's https page only, and says nothing opens for an unknown kind", () => {
    expect(tileDestination({ id: 1, kind: "link", link_url: "https://www.dopa.go.th/" })).toEqual({
      page: "https://www.dopa.go.th/",
    });
    expect(tileDestination({ id: 1, kind: "link", link_url: null })).toBeNull();
    expect(tileDestination({ id: 1, kind: "link", link_url: "javascript:alert(1)" })).toBeNull();
    expect(tileDestination({ id: 1, kind: "hologram" })).toBeNull();
    expect(tileDestination({ id: 1, kind: "toString" })).toBeNull();
  });
});
