// A database its user may read but not write. On SQLite: the file and its folder owned by someone else, or
// the file alone write-protected in a folder the user may write. Commands that write (an import, the
// worker) stop at once with one line that names the database and says it is read-only, no stack
// trace; commands that only read still work; the data is as it was. (Root writes to any file whatever
// its mode, so as root the commands run as `nobody`.)
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, parseDatabaseUrl } from "../../src/db/index.js";
import { runCli } from "../support/cli.js";
import { countRows, createTestDb, type TestDb, testEngine } from "../support/db.js";
import { isRoot, runKizunaAs, STACK_LINE } from "./support.js";

function customersCsv(prefix: string, n: number): string {
  const lines = ["externalId,email,lastName,firstName,consents.email"];
  for (let i = 0; i < n; i++)
    lines.push(`${prefix}${i},${prefix.toLowerCase()}${i}@example.jp,山田,花子${i},true`);
  return `${lines.join("\n")}\n`;
}

describe.skipIf(testEngine() !== "sqlite")("a read-only SQLite database", () => {
  let dir: string;
  let dbDir: string;
  let file: string;
  let env: Record<string, string>;
  let newCustomers: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "kizuna-ro-"));
    chmodSync(dir, 0o755);
    dbDir = join(dir, "data");
    mkdirSync(dbDir);
    file = join(dbDir, "kizuna.db");
    env = { DATABASE_URL: `sqlite:${file}` };
    writeFileSync(join(dir, "first.csv"), customersCsv("A", 3));
    newCustomers = join(dir, "new.csv");
    writeFileSync(newCustomers, customersCsv("N", 20));
    for (const f of ["first.csv", "new.csv"]) chmodSync(join(dir, f), 0o644);
    const created = await runCli(["shop", "create", "きずな茶房"], env);
    expect(created.code, created.stderr).toBe(0);
    const imported = await runCli(["import", "customers", join(dir, "first.csv")], env);
    expect(imported.code, imported.stderr).toBe(0);
  }, 60_000);
  afterAll(() => {
    if (dir) {
      chmodSync(dbDir, 0o755);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /** What the file holds, read as its owner. */
  function contents(): { integrity: string; customers: string[]; consents: number } {
    const db = new SqliteDatabase(file, { readonly: true });
    try {
      return {
        integrity: db.pragma("integrity_check", { simple: true }) as string,
        customers: db
          .prepare("select email from customers order by email")
          .all()
          .map((r) => (r as { email: string }).email),
        consents: (db.prepare("select count(*) as n from consents").get() as { n: number }).n,
      };
    } finally {
      db.close();
    }
  }

  function expectReadOnlyRefusal(res: { code: number | null; stderr: string; timedOut: boolean }): void {
    expect(res.timedOut, "the command must stop by itself").toBe(false);
    expect(res.code).not.toBe(0);
    const line = new RegExp(
      `^error: the database ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is read-only \\(SQLITE_READONLY[A-Z_]*: attempt to write a readonly database\\); the user running kizuna needs write access to it and its folder\\n$`,
    );
    expect(res.stderr).toMatch(line);
    expect(res.stderr).not.toMatch(STACK_LINE);
  }

  it("refuses an import and the worker when neither the file nor its folder may be written", async () => {
    // As root the commands run as nobody, for whom root's 0644 file and 0755 folder are read-only.
    if (!isRoot) {
      chmodSync(file, 0o444);
      chmodSync(dbDir, 0o555);
    }
    const before = contents();
    expect(before.customers).toHaveLength(3);

    const imported = await runKizunaAs(["import", "customers", newCustomers], env);
    expectReadOnlyRefusal(imported);
    expect(imported.stdout).not.toMatch(/imported/);
    const worker = await runKizunaAs(["worker", "--interval", "1"], env, 30_000);
    expectReadOnlyRefusal(worker);

    expect(contents()).toEqual(before);
  });

  it("still reads, but refuses to write, when only the file is write-protected", async () => {
    chmodSync(dbDir, 0o777);
    chmodSync(file, 0o444);
    const before = contents();

    const listed = await runKizunaAs(["shop", "list"], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain("きずな茶房");

    const imported = await runKizunaAs(["import", "customers", newCustomers], env);
    expectReadOnlyRefusal(imported);
    // The worker checks that it may write before it starts its rounds, instead of failing each one.
    const worker = await runKizunaAs(["worker", "--interval", "1"], env, 30_000);
    expectReadOnlyRefusal(worker);

    expect(contents()).toEqual(before);
    expect(before.integrity).toBe("ok");
  });
});

// The same on PostgreSQL: a login whose transactions are read-only (as on a standby, or with
// default_transaction_read_only), over a database that holds a shop and its customers.
describe.skipIf(testEngine() !== "postgres")("a read-only PostgreSQL database", () => {
  let t: TestDb;
  let dir: string;
  let role: string;
  let readOnlyEnv: Record<string, string>;
  let newCustomers: string;

  beforeAll(async () => {
    t = await createTestDb();
    dir = mkdtempSync(join(tmpdir(), "kizuna-ro-"));
    writeFileSync(join(dir, "first.csv"), customersCsv("A", 3));
    newCustomers = join(dir, "new.csv");
    writeFileSync(newCustomers, customersCsv("N", 20));
    expect((await runCli(["shop", "create", "きずな茶房"], t.env)).code).toBe(0);
    const imported = await runCli(["import", "customers", join(dir, "first.csv")], t.env);
    expect(imported.code, imported.stderr).toBe(0);
    const schema = /search_path%3D(t_[0-9a-f]+)/.exec(t.url)?.[1];
    if (!schema) throw new Error(`no schema in ${t.url}`);
    role = `ro_${schema}`;
    await sql.raw(`CREATE ROLE ${role} LOGIN`).execute(t.db);
    await sql.raw(`ALTER ROLE ${role} SET default_transaction_read_only = on`).execute(t.db);
    await sql.raw(`GRANT USAGE ON SCHEMA ${schema} TO ${role}`).execute(t.db);
    await sql.raw(`GRANT ALL ON ALL TABLES IN SCHEMA ${schema} TO ${role}`).execute(t.db);
    readOnlyEnv = { DATABASE_URL: t.url.replace("postgres://postgres@", `postgres://${role}@`) };
  }, 60_000);
  afterAll(async () => {
    await t?.cleanup();
    if (role) {
      const admin = openDb(parseDatabaseUrl(process.env.DATABASE_URL ?? ""));
      await sql.raw(`DROP ROLE IF EXISTS ${role}`).execute(admin);
      await admin.destroy();
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("refuses an import and the worker with one line naming the database, and changes nothing", async () => {
    const customersBefore = await countRows(t.db, "customers");
    const consentsBefore = await countRows(t.db, "consents");
    const line =
      /^error: the database postgres:\/\/127\.0\.0\.1:5432\/test is read-only \(25006: (cannot execute [A-Z ]+ in a read-only transaction|the server accepts reads only \(a standby, or default_transaction_read_only\))\); the user running kizuna needs write access to it\n$/;

    const imported = await runCli(["import", "customers", newCustomers], readOnlyEnv);
    expect(imported.code).not.toBe(0);
    expect(imported.stderr).toMatch(line);
    expect(imported.stderr).not.toMatch(STACK_LINE);

    const worker = await runCli(["worker", "--interval", "1"], readOnlyEnv);
    expect(worker.code).not.toBe(0);
    expect(worker.stderr).toMatch(line);

    expect(await countRows(t.db, "customers")).toBe(customersBefore);
    expect(await countRows(t.db, "consents")).toBe(consentsBefore);
  });
});
