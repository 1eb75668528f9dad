// Given a shop on an instance, when someone runs `kizuna import` on files, the command prints a summary
// or JSON, writes the rejected rows to a CSV, and says by its exit code whether every row made it.

import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import {
  createImportWorld,
  type ImportWorld,
  mappingFile,
  mappings,
  readText,
  repoRoot,
  writeEncoded,
} from "./support.js";

/** Builds dist/ when it is missing or older than the importer's sources. */
function ensureBuilt(): void {
  const built = join(repoRoot, "dist/src/cli/commands/import.js");
  const sources = [
    join(repoRoot, "src/cli/commands/import.ts"),
    ...readdirSync(join(repoRoot, "src/imports")).map((f) => join(repoRoot, "src/imports", f)),
  ];
  const newest = Math.max(...sources.map((f) => statSync(f).mtimeMs));
  if (existsSync(built) && statSync(built).mtimeMs >= newest) return;
  try {
    execFileSync("npm", ["run", "build"], { cwd: repoRoot, stdio: "pipe" });
  } catch {
    // tsc still emits when other parts of the tree have type errors; the check below is what matters.
  }
  if (!existsSync(built)) throw new Error("npm run build did not produce dist/");
}

describe("kizuna import (CLI)", () => {
  let w: ImportWorld;
  beforeAll(async () => {
    ensureBuilt();
    w = await createImportWorld();
  }, 300_000);
  afterAll(async () => w.close());

  const kizuna = (...args: string[]) => runCli(["import", ...args], w.testDb.env);

  it("imports a CP932 member export, prints a summary and exits 0", async () => {
    const file = writeEncoded(
      w.dir,
      "会員.csv",
      readText(join(mappings, "ec-cube-customers.sample.csv")),
      "cp932",
    );
    const res = await kizuna("customers", file, "--mapping", mappingFile("ec-cube-customers.json"));
    expect(res.stderr).not.toMatch(/error/);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain("imported customers from");
    expect(res.stdout).toContain("(cp932)");
    expect(res.stdout).toMatch(/4 created, 0 updated, 0 unchanged/);
    expect(res.stdout).toMatch(/rows\s+5 \(1 skipped by the mapping\)/);
  });

  it("re-running it reports everything unchanged, as JSON", async () => {
    const file = writeEncoded(
      w.dir,
      "会員-bom.csv",
      readText(join(mappings, "ec-cube-customers.sample.csv")),
      "utf8-bom",
    );
    const res = await kizuna("customers", file, "--mapping", mappingFile("ec-cube-customers.json"), "--json");
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({
      rows: 5,
      created: 0,
      updated: 0,
      unchanged: 4,
      errors: [],
    });
  });

  it("exits 1 when rows are rejected, with a table and an errors CSV", async () => {
    const file = writeEncoded(
      w.dir,
      "bad.csv",
      "externalId,email,postalCode\nB1,b1@example.com,100-0001\nB2,nope,100-0001\nB3,b3@example.com,1\n",
      "utf8",
    );
    const errors = join(w.dir, "errors.csv");
    const res = await kizuna("customers", file, "--errors", errors);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/row\s+column\s+field\s+reason/);
    expect(res.stdout).toMatch(/3\s+email\s+email\s+"nope" is not an email address/);
    expect(readFileSync(errors, "utf8")).toBe(
      '\uFEFFrow,column,field,reason\r\n3,email,email,"""nope"" is not an email address"\r\n' +
        '4,postalCode,postalCode,"""1"" is not a 7-digit postal code"\r\n',
    );
    const json = await kizuna("customers", file, "--json", "--dry-run");
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ dryRun: true, rows: 3, rejected: 2, unchanged: 1 });
  });

  it("exits 2 when the import cannot run at all", async () => {
    const unknownKind = await kizuna("coupons", "x.csv");
    expect(unknownKind.code).toBe(2);
    expect(unknownKind.stderr).toMatch(/kind: must be one of customers, orders, products/);
    const missing = await kizuna("orders", join(w.dir, "nope.csv"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such file/);
  });
});
