// No browser dialogs: confirm(), prompt() and alert() speak in the browser's language, not the app's,
// ignore 200% text and look like scam pop-ups to elderly users. Confirmations are asked in the page
// (ui/confirm.tsx) and answers are typed into forms.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

function files(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) && !name.endsWith(".d.ts") ? [path] : [];
  });
}

const DIALOG = /(?<![\w.$])(?:window\.|globalThis\.|self\.)?(?:confirm|prompt|alert)\s*\(/;

describe("no browser dialogs", () => {
  const sources = files(__dirname);

  it("reads the console and the citizen app", () => {
    expect(sources.some((path) => path.includes("/console/"))).toBe(true);
    expect(sources.some((path) => path.includes("/screens/"))).toBe(true);
  });

  it("catches a dialog when there is one", () => {
    expect(DIALOG.test('if (!window.confirm("Sure?")) return;')).toBe(true);
    expect(DIALOG.test('alert("x")')).toBe(true);
    expect(DIALOG.test("onConfirm()")).toBe(false);
  });

  it("calls none of confirm(), prompt() or alert()", () => {
    const found = sources.flatMap((path) =>
      readFileSync(path, "utf8")
        .split("\n")
        .map((line, index) => ({ where: `${path.replace(`${__dirname}/`, "")}:${index + 1}`, line }))
        .filter(({ line }) => DIALOG.test(line) && !/^\s*(\/\/|\*)/.test(line)),
    );
    expect(found).toEqual([]);
  });
});
