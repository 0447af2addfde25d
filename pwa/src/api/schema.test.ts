// schema.d.ts is generated (openapi-typescript, from the app's OpenAPI document in ../../openapi.json,
// which scripts/openapi.py writes and tests/unit/test_openapi_current.py keeps current): this fails
// when it is not what the generator makes of that document now. `npm run gen:api` makes it again.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CLI = fileURLToPath(new URL("../../node_modules/openapi-typescript/bin/cli.js", import.meta.url));

describe("src/api/schema.d.ts", () => {
  it("is what openapi-typescript makes of openapi.json (else: npm run gen:api)", () => {
    const run = spawnSync(process.execPath, [CLI, "openapi.json", "--output", "src/api/schema.d.ts", "--check"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
    });
    expect(run.status, `${run.stdout}${run.stderr}`).toBe(0);
  }, 30_000);
});
