// Given an instance, when someone runs `kizuna demo`, a demo shop is generated and its id, keys and row
// counts are printed (as JSON with --json); a bad --customers is refused with exit code 2.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { createTestDb, type TestDb } from "../support/db.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

/** Builds dist/ when a demo source is newer than its compiled file (or that file is missing). */
function ensureBuilt(): void {
  const sources = [
    "src/cli/commands/demo.ts",
    ...readdirSync(join(repoRoot, "src/demo")).map((f) => `src/demo/${f}`),
  ];
  const compiled = (source: string) => join(repoRoot, "dist", source.replace(/\.ts$/, ".js"));
  const stale = () =>
    sources.filter((s) => {
      const out = compiled(s);
      return !existsSync(out) || statSync(out).mtimeMs < statSync(join(repoRoot, s)).mtimeMs;
    });
  if (stale().length === 0) return;
  try {
    execFileSync("npm", ["run", "build"], { cwd: repoRoot, stdio: "pipe" });
  } catch {
    // tsc still emits when other parts of the tree have type errors; what matters is checked below.
  }
  if (!existsSync(compiled("src/cli/commands/demo.ts")))
    throw new Error("npm run build did not produce dist/");
}

describe("kizuna demo (CLI)", () => {
  let t: TestDb;
  beforeAll(() => ensureBuilt(), 180_000);
  beforeEach(async () => {
    t = await createTestDb();
  });
  afterEach(async () => t.cleanup());

  it("generates a demo shop and prints its id, keys and counts as JSON", async () => {
    const out = await runCli(["demo", "--customers", "200", "--seed", "3", "--json"], t.env);
    expect(out.code, out.stderr).toBe(0);
    const printed = JSON.parse(out.stdout.trim());
    expect(printed).toEqual({
      id: expect.any(Number),
      secretKey: expect.stringMatching(/^kz_sk_/),
      publicKey: expect.stringMatching(/^kz_pk_/),
      counts: expect.objectContaining({
        customers: 200,
        products: expect.any(Number),
        orders: expect.any(Number),
      }),
    });
    const shop = await t.db
      .selectFrom("shops")
      .selectAll()
      .where("id", "=", printed.id)
      .executeTakeFirstOrThrow();
    expect(shop.name).toBe("デモショップ Kizuna Beauty & Health");
    const customers = await t.db
      .selectFrom("customers")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("shop_id", "=", printed.id)
      .executeTakeFirstOrThrow();
    expect(Number(customers.n)).toBe(200);
    const orders = await t.db
      .selectFrom("orders")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("shop_id", "=", printed.id)
      .executeTakeFirstOrThrow();
    expect(Number(orders.n)).toBe(printed.counts.orders);
  }, 120_000);

  it("prints the keys and a table of counts for people, under the given name", async () => {
    const out = await runCli(["demo", "--customers", "50", "--name", "絆ビューティー"], t.env);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain('"絆ビューティー"');
    expect(out.stdout).toMatch(/secret key: kz_sk_/);
    expect(out.stdout).toMatch(/customers\s+50/);
  }, 120_000);

  it("refuses a --customers that is not a positive whole number, and writes nothing", async () => {
    for (const bad of ["0", "-3", "abc", "1.5"]) {
      const out = await runCli(["demo", "--customers", bad], t.env);
      expect(out.code, bad).toBe(2);
      expect(out.stderr).toContain("customers");
    }
    expect(await t.db.selectFrom("shops").selectAll().execute()).toEqual([]);
  }, 120_000);
});
