// `kizuna postal export` and `kizuna postal batches`, run in-process through commander against the
// test database (the built bin does not list the command until src/cli/main.ts registers it): the
// CSV goes to the file or to stdout, the summary to stdout or stderr, and a past batch can be written
// again.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { registerPostalCommand } from "../../../src/cli/commands/postal.js";
import { createEventsTestApp } from "../../events/support.js";
import type { TestApp } from "../../support/app.js";
import type { TestDb } from "../../support/db.js";
import { addCustomer, messageRow, queuePostal, readCsv } from "./support.js";

async function kizuna(t: TestDb, args: string[]): Promise<{ stdout: Buffer; stderr: string }> {
  const program = new Command("kizuna").exitOverride();
  registerPostalCommand(program);
  const out: Buffer[] = [];
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    out.push(Buffer.from(chunk));
    return true;
  });
  const stderr = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    err.push(Buffer.from(chunk).toString("utf8"));
    return true;
  });
  const log = vi.spyOn(console, "log").mockImplementation((line: string) => {
    out.push(Buffer.from(`${line}\n`));
  });
  const databaseUrl = process.env.DATABASE_URL;
  process.env.DATABASE_URL = t.url;
  try {
    await program.parseAsync(["node", "kizuna", ...args]);
  } finally {
    if (databaseUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = databaseUrl;
    stdout.mockRestore();
    stderr.mockRestore();
    log.mockRestore();
  }
  return { stdout: Buffer.concat(out), stderr: err.join("") };
}

describe("kizuna postal", () => {
  let app: TestApp;
  let t: TestDb;
  let dir: string;
  let shopId: number;
  const ids: number[] = [];
  beforeEach(async () => {
    // The app is not used: it makes the database the way PostgreSQL test files must (one migration at
    // a time) and the shop.
    app = await createEventsTestApp(new Date().toISOString());
    t = app.testDb;
    dir = mkdtempSync(join(tmpdir(), "kizuna-postal-"));
    shopId = app.shop.shop.id;
    const now = new Date().toISOString();
    const customer = await addCustomer(t.db, shopId, now, {
      externalId: "M1",
      lastName: "山田",
      firstName: "花子",
      postalCode: "1500001",
      prefecture: "東京都",
      address: "渋谷区神宮前1-2-3",
    });
    const nobody = await addCustomer(t.db, shopId, now, { externalId: "M2", lastName: "住所なし" });
    ids.length = 0;
    ids.push(await queuePostal(t.db, shopId, customer, now), await queuePostal(t.db, shopId, nobody, now));
  });
  afterEach(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("exports to a file in CP932, prints the summary, and lists the batch", async () => {
    const file = join(dir, "dm.csv");
    const run = await kizuna(t, [
      "postal",
      "export",
      "--shop",
      String(shopId),
      "--out",
      file,
      "--encoding",
      "cp932",
    ]);
    const summary = run.stdout.toString("utf8");
    expect(summary).toMatch(/^batch postal-\S+: 1 rows, 1 skipped \(no postal address\)\n$/);
    const [header, row] = readCsv(readFileSync(file), "cp932");
    expect(header[0]).toBe("郵便番号");
    expect(row.slice(0, 5)).toEqual(["150-0001", "東京都", "渋谷区神宮前1-2-3", "", "山田\u3000花子"]);
    expect((await messageRow(t.db, ids[0])).status).toBe("sent");
    expect((await messageRow(t.db, ids[1])).status).toBe("failed");

    const batches = await kizuna(t, ["postal", "batches", "--json"]);
    const batchId = summary.split(" ")[1].replace(":", "");
    expect(JSON.parse(batches.stdout.toString("utf8")).batches).toEqual([
      { batchId, rows: 1, exportedAt: expect.any(String) },
    ]);

    const again = await kizuna(t, ["postal", "export", "--batch", batchId]);
    expect(readCsv(again.stdout)[1][8]).toBe(String(ids[0]));
    expect(again.stderr).toContain(`batch ${batchId}: 1 rows`);
  });

  it("writes the CSV alone to stdout, with the summary on stderr", async () => {
    const run = await kizuna(t, ["postal", "export", "--json"]);
    const rows = readCsv(run.stdout);
    expect(rows).toHaveLength(2);
    expect(JSON.parse(run.stderr)).toMatchObject({
      rows: 1,
      skipped: 1,
      skippedMessages: [{ messageId: ids[1], reason: "no_postal_address" }],
      encoding: "utf8",
    });
  });

  it("refuses a bad encoding or an unwritable file before recording anything", async () => {
    await expect(kizuna(t, ["postal", "export", "--encoding", "latin1"])).rejects.toThrow(/encoding/);
    await expect(
      kizuna(t, ["postal", "export", "--out", join(dir, "no-such-dir", "dm.csv")]),
    ).rejects.toThrow(/out/);
    expect((await messageRow(t.db, ids[0])).status).toBe("queued");
  });
});
