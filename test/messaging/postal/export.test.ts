// Postal DM through the API: the shop exports its due postal messages as a print vendor's CSV. Each
// exported message is recorded as sent under the batch id, a customer without an address is skipped
// (recorded as failed), nothing is exported twice, and the file survives Excel and CP932 systems.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromJson } from "../../../src/db/index.js";
import { type CreatedShop, createShop } from "../../../src/shops/index.js";
import { createEventsTestApp } from "../../events/support.js";
import { bearer, type TestApp } from "../../support/app.js";
import { addCustomer, eventsOf, messageRow, queuePostal, readCsv } from "./support.js";

const NOW = "2026-06-01T00:00:00.000Z";
const EARLIER = "2026-05-31T00:00:00.000Z";
const LATER = "2026-06-02T00:00:00.000Z";

const HEADER = [
  "郵便番号",
  "都道府県",
  "住所1",
  "住所2",
  "氏名",
  "氏名カナ",
  "電話番号",
  "テンプレート",
  "DM番号",
  "キャンペーン",
];

describe("exporting postal DM for the print vendor", () => {
  let t: TestApp;
  let other: CreatedShop;
  const ids: Record<string, number> = {};

  const exportCsv = (payload: object = {}, headers = t.secret) =>
    t.app.inject({ method: "POST", url: "/v1/postal/exports", headers, payload });

  beforeAll(async () => {
    t = await createEventsTestApp(NOW);
    other = await createShop(t.ctx.db, t.clock, { name: "Other Shop" });
    const shop = t.shop.shop.id;
    const db = t.ctx.db;
    const hanako = await addCustomer(db, shop, EARLIER, {
      externalId: "M1",
      lastName: "山田",
      firstName: "花子",
      lastNameKana: "ヤマダ",
      firstNameKana: "ハナコ",
      postalCode: "1500001",
      prefecture: "東京都",
      address: "渋谷区神宮前1−2−3 グリーンビル201",
      phone: "+819012345678",
    });
    // A hostile profile: a formula in the building line, a comma and quotes in the street.
    const mallory = await addCustomer(db, shop, EARLIER, {
      externalId: "M2",
      lastName: '=HYPERLINK("http://evil.example")',
      firstName: "太郎",
      postalCode: "5300001",
      prefecture: "大阪府",
      address: '大阪市北区梅田1-1,"本館"\n@SUM(A1)',
      phone: null,
    });
    const noAddress = await addCustomer(db, shop, EARLIER, {
      externalId: "M3",
      lastName: "佐藤",
      postalCode: null,
    });
    const campaign = await db
      .insertInto("campaigns")
      .values({
        shop_id: shop,
        name: "春のDM",
        status: "sending",
        definition: "{}",
        scenario_id: null,
        scheduled_at: EARLIER,
        started_at: EARLIER,
        finished_at: null,
        created_at: EARLIER,
        updated_at: EARLIER,
      })
      .returning("id")
      .executeTakeFirstOrThrow();

    ids.hanako = await queuePostal(db, shop, hanako, EARLIER, {
      campaign_id: campaign.id,
      template_key: "dm.spring.a",
    });
    ids.mallory = await queuePostal(db, shop, mallory, NOW);
    ids.noAddress = await queuePostal(db, shop, noAddress, NOW);
    ids.notDue = await queuePostal(db, shop, hanako, LATER);
    ids.email = await queuePostal(db, shop, hanako, EARLIER, { channel: "email" });
    const elsewhere = await addCustomer(db, other.shop.id, EARLIER, {
      externalId: "X1",
      lastName: "他店",
      postalCode: "1000001",
      address: "千代田区千代田1-1",
    });
    ids.otherShop = await queuePostal(db, other.shop.id, elsewhere, EARLIER);
  });
  afterAll(async () => t?.close());

  it("writes the due postal messages as a CSV in the vendor's column order", async () => {
    const res = await exportCsv();
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
    const batchId = res.headers["x-kizuna-batch-id"] as string;
    expect(batchId).toMatch(/^postal-20260601-000000-[0-9a-f]{6}$/);
    expect(res.headers["content-disposition"]).toBe(`attachment; filename="${batchId}.csv"`);
    expect(res.headers["x-kizuna-rows"]).toBe("2");
    expect(res.headers["x-kizuna-skipped"]).toBe("1");

    const bytes = res.rawPayload;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString("utf8")).toContain("\r\n");
    const [header, ...rows] = readCsv(bytes);
    expect(header).toEqual(HEADER);
    expect(rows).toEqual([
      [
        "150-0001",
        "東京都",
        "渋谷区神宮前1−2−3",
        "グリーンビル201",
        "山田\u3000花子",
        "ヤマダ\u3000ハナコ",
        "090-1234-5678",
        "dm.spring.a",
        String(ids.hanako),
        "春のDM",
      ],
      [
        "530-0001",
        "大阪府",
        '大阪市北区梅田1-1,"本館"',
        "'@SUM(A1)",
        '\'=HYPERLINK("http://evil.example")\u3000太郎',
        "",
        "",
        "dm.spring",
        String(ids.mallory),
        "",
      ],
    ]);
  });

  it("records each exported message as sent under the batch, and the one without an address as failed", async () => {
    const batches = await t.app.inject({ method: "GET", url: "/v1/postal/exports", headers: t.secret });
    expect(batches.statusCode, batches.body).toBe(200);
    const [batch] = batches.json().batches;
    expect(batch).toEqual({ batchId: expect.stringMatching(/^postal-/), rows: 2, exportedAt: NOW });

    for (const id of [ids.hanako, ids.mallory]) {
      const m = await messageRow(t.ctx.db, id);
      expect(m).toMatchObject({
        status: "sent",
        provider_id: batch.batchId,
        sent_at: NOW,
        attempts: 1,
        due_at: null,
      });
      const events = await eventsOf(t.ctx.db, id);
      expect(events.map((e) => e.type)).toEqual(["sent"]);
      expect(fromJson(events[0].detail)).toEqual({ batchId: batch.batchId });
    }
    expect((await messageRow(t.ctx.db, ids.hanako)).address).toBe("1500001");

    const skipped = await messageRow(t.ctx.db, ids.noAddress);
    expect(skipped).toMatchObject({
      status: "failed",
      status_reason: "no_postal_address",
      provider_id: null,
    });
    const [failed] = await eventsOf(t.ctx.db, ids.noAddress);
    expect(failed).toMatchObject({ type: "failed", reason: "no_postal_address" });
    expect(fromJson(failed.detail)).toEqual({ missing: ["postalCode", "address"] });

    // Not due yet, another channel, another shop: untouched.
    expect((await messageRow(t.ctx.db, ids.notDue)).status).toBe("queued");
    expect((await messageRow(t.ctx.db, ids.email)).status).toBe("queued");
    expect((await messageRow(t.ctx.db, ids.otherShop)).status).toBe("queued");
  });

  it("exports nothing twice: the next export is only the header", async () => {
    const res = await exportCsv();
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers["x-kizuna-batch-id"]).toBeUndefined();
    expect(res.headers["x-kizuna-rows"]).toBe("0");
    expect(readCsv(res.rawPayload)).toEqual([HEADER]);
  });

  it("writes a past batch again without recording anything", async () => {
    const [batch] = (
      await t.app.inject({ method: "GET", url: "/v1/postal/exports", headers: t.secret })
    ).json().batches;
    const again = await t.app.inject({
      method: "GET",
      url: `/v1/postal/exports/${batch.batchId}`,
      headers: t.secret,
    });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.headers["x-kizuna-batch-id"]).toBe(batch.batchId);
    expect(readCsv(again.rawPayload).map((r) => r[8])).toEqual([
      "DM番号",
      String(ids.hanako),
      String(ids.mallory),
    ]);
    expect(await eventsOf(t.ctx.db, ids.hanako)).toHaveLength(1);
    const missing = await t.app.inject({
      method: "GET",
      url: "/v1/postal/exports/postal-nope",
      headers: t.secret,
    });
    expect(missing.statusCode).toBe(404);
  });

  it("exports the next day's messages once they are due", async () => {
    t.clock.set(LATER);
    const res = await exportCsv({ encoding: "cp932" });
    expect(res.headers["content-type"]).toBe("text/csv; charset=Shift_JIS");
    const [, row] = readCsv(res.rawPayload, "cp932");
    expect(row[8]).toBe(String(ids.notDue));
    t.clock.set(NOW);
  });

  it("needs the secret key and names a bad field", async () => {
    expect((await exportCsv({}, t.public)).statusCode).toBe(403);
    expect((await exportCsv({}, bearer(other.publicKey))).statusCode).toBe(403);
    const bad = await exportCsv({ encoding: "latin1", limit: 0 });
    expect(bad.statusCode).toBe(400);
    const fields = bad.json().error.issues.map((i: { field: string }) => i.field);
    expect(fields).toEqual(expect.arrayContaining(["encoding", "limit"]));
    const list = await t.app.inject({
      method: "GET",
      url: "/v1/postal/exports",
      headers: bearer(t.shop.publicKey),
    });
    expect(list.statusCode).toBe(403);
  });
});
