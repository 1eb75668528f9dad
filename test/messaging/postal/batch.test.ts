// exportPostalBatch itself: CP932 for vendors' systems (wave dash and minus carried over, characters
// CP932 lacks reported), the earliest due first within a limit, merged profiles, all-or-nothing
// recording, and two exports at once never sharing a message.
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { exportPostalBatch } from "../../../src/messaging/postal/index.js";
import { createEventsTestApp } from "../../events/support.js";
import type { TestApp } from "../../support/app.js";
import { countRows } from "../../support/db.js";
import { addCustomer, messageRow, queuePostal, readCsv } from "./support.js";

const NOW = "2026-06-01T00:00:00.000Z";
const at = (minutes: number) => new Date(Date.parse(NOW) - minutes * 60_000).toISOString();

describe("a postal export batch", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createEventsTestApp(NOW);
  });
  afterEach(async () => t?.close());

  const shop = () => t.shop.shop.id;
  const customer = (externalId: string, more: Record<string, string> = {}) =>
    addCustomer(t.ctx.db, shop(), NOW, {
      externalId,
      lastName: "鈴木",
      firstName: "一郎",
      postalCode: "0600001",
      prefecture: "北海道",
      address: "札幌市中央区北一条西2-1",
      ...more,
    });

  it("writes CP932 that decodes to the same text, with the wave dash and minus as Windows writes them", async () => {
    const id = await customer("M1", {
      lastName: "髙橋",
      firstName: "①子",
      lastNameKana: "タカハシ",
      address: "札幌市中央区北一条西2−1 〜サッポロ館〜",
    });
    const lossy = await customer("M2", { lastName: "𠮷田" });
    const ok = await queuePostal(t.ctx.db, shop(), id, at(2));
    const bad = await queuePostal(t.ctx.db, shop(), lossy, at(1));

    const result = await exportPostalBatch(t.ctx.db, t.clock, { shopId: shop(), encoding: "cp932" });
    expect(result.csv.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
    const [header, first, second] = readCsv(result.csv, "cp932");
    expect(header[0]).toBe("郵便番号");
    expect(first.slice(0, 6)).toEqual([
      "060-0001",
      "北海道",
      "札幌市中央区北一条西2－1",
      "～サッポロ館～",
      "髙橋\u3000①子",
      "タカハシ",
    ]);
    expect(first[8]).toBe(String(ok));
    expect(second[4]).toBe("?田\u3000一郎");
    expect(result.lossyMessageIds).toEqual([bad]);
  });

  it("takes the earliest due first, up to the limit", async () => {
    const id = await customer("M1");
    const queued = [];
    for (const minutes of [5, 30, 10, 20]) queued.push(await queuePostal(t.ctx.db, shop(), id, at(minutes)));
    const result = await exportPostalBatch(t.ctx.db, t.clock, { shopId: shop(), limit: 2 });
    expect(result.rows).toBe(2);
    expect(
      readCsv(result.csv)
        .slice(1)
        .map((r) => Number(r[8])),
    ).toEqual([queued[1], queued[3]]);
    expect((await messageRow(t.ctx.db, queued[0])).status).toBe("queued");
    await expect(exportPostalBatch(t.ctx.db, t.clock, { shopId: shop(), limit: 0 })).rejects.toThrow(/limit/);
  });

  it("addresses a message queued for a profile since merged to the surviving profile", async () => {
    const survivor = await customer("M1", { lastName: "新住所" });
    const merged = await addCustomer(t.ctx.db, shop(), NOW, { externalId: "M1-old", lastName: "旧" });
    await t.ctx.db
      .updateTable("customers")
      .set({ merged_into_id: survivor })
      .where("id", "=", merged)
      .execute();
    await queuePostal(t.ctx.db, shop(), merged, at(1));
    const result = await exportPostalBatch(t.ctx.db, t.clock, { shopId: shop() });
    expect(readCsv(result.csv)[1][4]).toBe("新住所\u3000一郎");
  });

  it("skips a customer without a name, saying so", async () => {
    const nameless = await customer("M1", { lastName: "", firstName: "" });
    const id = await queuePostal(t.ctx.db, shop(), nameless, at(1));
    const result = await exportPostalBatch(t.ctx.db, t.clock, { shopId: shop() });
    expect(result).toMatchObject({
      batchId: null,
      rows: 0,
      skipped: [{ messageId: id, reason: "no_postal_name" }],
    });
  });

  it("records all of an export or nothing", async () => {
    const id = await customer("M1");
    const queued = [
      await queuePostal(t.ctx.db, shop(), id, at(2)),
      await queuePostal(t.ctx.db, shop(), id, at(1)),
    ];
    // The events table missing makes the last write of the export fail.
    await sql`alter table message_events rename to message_events_away`.execute(t.ctx.db);
    await expect(exportPostalBatch(t.ctx.db, t.clock, { shopId: shop() })).rejects.toThrow();
    await sql`alter table message_events_away rename to message_events`.execute(t.ctx.db);
    for (const m of queued) expect((await messageRow(t.ctx.db, m)).status).toBe("queued");
    expect(await countRows(t.ctx.db, "message_events")).toBe(0);

    const result = await exportPostalBatch(t.ctx.db, t.clock, { shopId: shop() });
    expect(result.rows).toBe(2);
    expect(await countRows(t.ctx.db, "message_events")).toBe(2);
  });

  it("never gives one message to two exports running at once", async () => {
    const id = await customer("M1");
    const queued: number[] = [];
    for (let i = 0; i < 40; i++) queued.push(await queuePostal(t.ctx.db, shop(), id, at(40 - i)));
    const exports = await Promise.all(
      [1, 2, 3].map(() => exportPostalBatch(t.ctx.db, t.clock, { shopId: shop(), limit: 20 })),
    );
    const exported = exports.flatMap((e) =>
      readCsv(e.csv)
        .slice(1)
        .map((r) => Number(r[8])),
    );
    expect(exported.sort((a, b) => a - b)).toEqual(queued);
    expect(new Set(exports.filter((e) => e.rows > 0).map((e) => e.batchId)).size).toBe(
      exports.filter((e) => e.rows > 0).length,
    );
  });
});
