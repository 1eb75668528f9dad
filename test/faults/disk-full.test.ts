// A SQLite database on a disk that fills up during an import: a real, small filesystem (tmpfs of
// 3 MB, mounted for the test; skipped where the test may not mount one). The import stops with one line
// saying the disk is full and naming the database, no stack trace; the file is intact (integrity_check),
// what was there before is unchanged, and the import's chunks are whole (one transaction each: a
// customer is there with its consent or not at all). Once there is room again, the same import finishes.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { testEngine } from "../support/db.js";
import { STACK_LINE } from "./support.js";

/** Records per import transaction (the importer's default chunk). */
const CHUNK = 500;
const BIG = 8_000;

function mount(dir: string, size: string): void {
  execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir], { stdio: "pipe" });
}

function unmount(dir: string): void {
  execFileSync("umount", ["-l", dir], { stdio: "pipe" });
}

/** Whether this process may mount a small filesystem (root in a sandbox, as in CI). */
function canMount(): boolean {
  if (process.platform !== "linux" || process.getuid?.() !== 0) return false;
  const dir = mkdtempSync(join(tmpdir(), "kizuna-mount-"));
  try {
    mount(dir, "64k");
    unmount(dir);
    return true;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const mountable = testEngine() === "sqlite" && canMount();
if (testEngine() === "sqlite" && !mountable) {
  console.log("disk-full test skipped: this process cannot mount a tmpfs (needs root on Linux)");
}

function customersCsv(prefix: string, n: number): string {
  const lines = ["externalId,email,lastName,firstName,consents.email"];
  for (let i = 0; i < n; i++)
    lines.push(`${prefix}${i},${prefix.toLowerCase()}${i}@example.jp,佐藤,太郎${i},true`);
  return `${lines.join("\n")}\n`;
}

describe.skipIf(!mountable)("a SQLite database whose disk fills up", () => {
  let work: string;
  let disk: string;
  let file: string;
  let env: Record<string, string>;
  let bigFile: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "kizuna-full-"));
    disk = join(work, "disk");
    execFileSync("mkdir", [disk]);
    mount(disk, "3m");
    chmodSync(disk, 0o755);
    file = join(disk, "kizuna.db");
    env = { DATABASE_URL: `sqlite:${file}` };
    writeFileSync(join(work, "members.csv"), customersCsv("B", 50));
    bigFile = join(work, "big.csv");
    writeFileSync(bigFile, customersCsv("N", BIG));
    const created = await runCli(["shop", "create", "きずな茶房"], env);
    expect(created.code, created.stderr).toBe(0);
    const imported = await runCli(["import", "customers", join(work, "members.csv")], env);
    expect(imported.code, imported.stderr).toBe(0);
  }, 60_000);
  afterAll(() => {
    if (!work) return;
    try {
      unmount(disk);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  function contents() {
    const db = new SqliteDatabase(file, { readonly: true });
    try {
      const rows = (sql: string) => db.prepare(sql).all() as Array<Record<string, unknown>>;
      return {
        integrity: db.pragma("integrity_check", { simple: true }) as string,
        members: rows(
          "select email, first_name, last_name from customers where email like 'b%' order by email",
        ),
        memberConsents: rows(
          "select c.email, k.channel, k.granted from consents k join customers c on c.id = k.customer_id where c.email like 'b%' order by c.email",
        ),
        imported: Number(rows("select count(*) as n from customers where email like 'n%'")[0].n),
        importedWithConsent: Number(
          rows(
            "select count(*) as n from customers c join consents k on k.customer_id = c.id and k.channel = 'email' and k.granted = 1 where c.email like 'n%'",
          )[0].n,
        ),
      };
    } finally {
      db.close();
    }
  }

  it("stops an import that runs out of space with a clear error, keeps the data whole, and finishes it once there is room", async () => {
    const before = contents();
    expect(before.members).toHaveLength(50);
    expect(before.imported).toBe(0);

    const full = await runCli(["import", "customers", bigFile], env);
    expect(full.code).not.toBe(0);
    expect(full.stderr).toContain(
      `error: the database disk is full: ${file} could not be written (SQLITE_FULL: database or disk is full); ` +
        "the write that failed was rolled back: free some space and try again\n",
    );
    expect(full.stderr).not.toMatch(STACK_LINE);

    // Nothing is damaged, the members from before are as they were, and only whole chunks were kept.
    const after = contents();
    expect(after.integrity).toBe("ok");
    expect(after.members).toEqual(before.members);
    expect(after.memberConsents).toEqual(before.memberConsents);
    expect(after.imported).toBeLessThan(BIG);
    expect(after.imported % CHUNK).toBe(0);
    expect(after.importedWithConsent).toBe(after.imported);

    // The disk is made larger: the same import runs again and finishes; what was kept is unchanged.
    execFileSync("mount", ["-o", "remount,size=64m", disk], { stdio: "pipe" });
    const again = await runCli(["import", "customers", bigFile], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(
      new RegExp(
        `customers\\s+${BIG}: ${BIG - after.imported} created, 0 updated, ${after.imported} unchanged`,
      ),
    );
    const done = contents();
    expect(done.integrity).toBe("ok");
    expect(done.imported).toBe(BIG);
    expect(done.importedWithConsent).toBe(BIG);
    expect(done.members).toEqual(before.members);
    console.log(`disk full: ${after.imported} of ${BIG} imported (whole chunks) before the disk filled`);
  }, 120_000);
});
