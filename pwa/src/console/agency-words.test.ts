import { describe, expect, it } from "vitest";

import type { Schema } from "../api";
import { TILE_ICONS } from "../ui/tile-preview";
import { allAgencyWords } from "./agency-words";

const THAI = /[\u0E00-\u0E7F]/;
const has = (prefix: string, codes: readonly string[]) => codes.filter((code) => !(`${prefix}${code}` in allAgencyWords));

describe("agency console words", () => {
  it("has every word in Thai (in Thai script) and in English", () => {
    for (const [word, text] of Object.entries(allAgencyWords)) {
      expect(text.en.trim(), word).not.toBe("");
      expect(text.th, word).toMatch(THAI);
    }
  });

  it("names every icon, category, life event, kind and state the console shows", () => {
    const categories: Schema<"TileContent">["category"][] = ["welfare", "health", "family", "education", "work", "tax", "utilities", "documents", "transport", "housing", "agriculture", "safety"];
    const lifeEvents: NonNullable<Schema<"TileContent">["life_events"]> = ["newborn", "school", "work", "marriage", "moving", "retirement", "disability", "bereavement", "business"];
    const kinds: Schema<"TileContent">["kind"][] = ["link", "entitlement", "bill_payment", "application"];
    const bills: (keyof Schema<"BillSummary">)[] = ["unpaid", "paid", "cancelled"];
    expect(has("icon_", Object.keys(TILE_ICONS))).toEqual([]);
    expect(has("category_", categories)).toEqual([]);
    expect(has("life_", lifeEvents)).toEqual([]);
    expect(has("kind_", kinds)).toEqual([]);
    expect(has("bill_", bills)).toEqual([]);
    expect(has("payment_", ["created", "pending", "success", "failed", "expired", "cancelled"])).toEqual([]);
    expect(has("refund_", ["submitted", "success", "error"])).toEqual([]);
    expect(has("scope_", ["tiles", "bills", "notifications", "connectors", "applications"])).toEqual([]);
  });
});
