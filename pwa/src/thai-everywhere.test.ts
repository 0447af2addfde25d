// Thai everywhere in Thai mode: every pair of words the citizen app says, in the dictionary (i18n/) or
// written in place with tr({ th, en }), has a Thai side written in Thai (not the English copied over).
// The browser test tests/e2e/test_citizen_data.py checks the screens themselves.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { translate } from "./i18n";

const THAI = /[\u0E00-\u0E7F]/;
/** A Thai side that is nothing but placeholders and punctuation says no words of its own. */
const ONLY_PLACES = /^(?:\s|\{\w+\}|[:·,.()–-])*$/;
/** A language's own name ({ th: "English", en: "ไทย" }: the button offering the other language). */
const selfNamed = (pair: { en: string }) => THAI.test(pair.en);
// A pair written on one line: th: "…" or `…`, then en: "…" or `…`.
const PAIR = /\bth:\s*(["`])((?:(?!\1).)*)\1,\s*en:\s*(["`])((?:(?!\3).)*)\3/g;

function files(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return name === "console" ? [] : files(path); // the staff console is not the citizen's
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) && !name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Language and locale codes ({ th: "th-TH", en: "en-GB" }) are pairs of codes, not of words. */
const CODE = /^[a-z]{2}(?:-[A-Z]{2})?$/;

const pairs = files(join(__dirname)).flatMap((path) =>
  [...readFileSync(path, "utf8").replace(/\n\s*/g, " ").matchAll(PAIR)]
    .map((match) => ({ where: path.replace(`${__dirname}/`, ""), th: match[2], en: match[4] }))
    .filter((pair) => !CODE.test(pair.th)),
);

describe("Thai everywhere", () => {
  it("finds the pairs it checks, in the dictionary and written in place", () => {
    expect(pairs.filter((pair) => pair.where.startsWith("i18n/")).length).toBeGreaterThan(100);
    expect(pairs.some((pair) => pair.where === "screens/data-access.tsx")).toBe(true);
    expect(pairs.some((pair) => pair.where === "screens/consent.tsx")).toBe(true);
  });

  it("writes the Thai side of every pair in Thai, never the English copied over", () => {
    const untranslated = pairs.filter(
      (pair) => !selfNamed(pair) && !ONLY_PLACES.test(pair.th) && (!THAI.test(pair.th) || pair.th === pair.en),
    );
    expect(untranslated).toEqual([]);
  });

  it("says no dictionary word in Thai that is one of its English words", () => {
    const english = new Set(pairs.filter((pair) => !selfNamed(pair)).map((pair) => pair.en));
    expect(pairs.filter((pair) => !selfNamed(pair) && english.has(pair.th) && !ONLY_PLACES.test(pair.th))).toEqual([]);
    expect(english.has(translate("th", "dataAccess"))).toBe(false);
  });
});
