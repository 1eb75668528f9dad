// The background WAL checkpointer of the embedded SQLite database (src/db/sqlite-checkpointer.ts):
// with it, commits leave the WAL alone and the other thread copies it back into the database file.
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { checkpointerOf, type Db, openDb } from "../../src/db/index.js";
import { testEngine } from "../support/db.js";

const sqliteOnly = testEngine() === "sqlite" ? describe : describe.skip;

sqliteOnly("background WAL checkpoints (SQLite)", () => {
  let dir: string;
  let db: Db | undefined;
  afterEach(async () => {
    await db?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  async function writeRows(target: Db, rows: number): Promise<void> {
    await sql`create table if not exists t (id integer primary key, payload text not null)`.execute(target);
    await target.transaction().execute(async (trx) => {
      for (let i = 0; i < rows; i++) {
        await sql`insert into t (payload) values (${"x".repeat(500)})`.execute(trx);
      }
    });
  }

  it("copies committed pages back into the database file from the other thread", async () => {
    dir = mkdtempSync(join(tmpdir(), "kizuna-ckpt-"));
    const file = join(dir, "kizuna.db");
    db = openDb({ engine: "sqlite", location: file }, { backgroundCheckpoints: true });
    const checkpointer = checkpointerOf(db);
    expect(checkpointer).toBeDefined();
    // The writer's own automatic checkpoint is only a backstop now.
    const [{ wal_autocheckpoint }] = (
      await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(db)
    ).rows;
    expect(wal_autocheckpoint).toBeGreaterThan(1000);

    const sizeBefore = statSync(file).size;
    await writeRows(db, 2_000); // about 1 MB, 250 pages: below the backstop, so only the thread copies it
    let result = await checkpointer!.next();
    // A round may have started before the commit; the one after it must see and copy every frame.
    if (result.log === 0) result = await checkpointer!.next();
    expect(result.busy).toBe(0);
    expect(result.log).toBeGreaterThan(200);
    expect(result.checkpointed).toBe(result.log);
    expect(statSync(file).size).toBeGreaterThan(sizeBefore + 900_000);

    const [{ n }] = (await sql<{ n: number }>`select count(*) as n from t`.execute(db)).rows;
    expect(n).toBe(2_000);
  });

  it("has closed its connection when destroy() returns, so the files can go at once", async () => {
    // A short command (the CLI) opens, writes and closes before the thread has even opened the file.
    // destroy() must wait for the thread: one still holding (or about to open) the database would
    // recreate the -wal and -shm files while the caller removes the directory (ENOTEMPTY in CI).
    dir = mkdtempSync(join(tmpdir(), "kizuna-ckpt-"));
    const file = join(dir, "kizuna.db");
    const short = openDb({ engine: "sqlite", location: file }, { backgroundCheckpoints: true });
    await writeRows(short, 10);
    const checkpointer = checkpointerOf(short)!;
    await short.destroy();
    expect(checkpointer.ended).toBe(true);
    // The last connection to close in WAL mode checkpoints and deletes both side files.
    expect(existsSync(`${file}-wal`)).toBe(false);
    expect(existsSync(`${file}-shm`)).toBe(false);
  });

  it("is off unless asked for", async () => {
    dir = mkdtempSync(join(tmpdir(), "kizuna-ckpt-"));
    db = openDb({ engine: "sqlite", location: join(dir, "kizuna.db") });
    expect(checkpointerOf(db)).toBeUndefined();
  });
});
