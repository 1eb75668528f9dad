// A customer asks what the shop holds about them, then asks to be forgotten (APPI, GDPR). Given a member
// with a full profile, consents, points, orders, storefront browsing from before and after login, a
// campaign email delivered to a real SMTP server, an unsubscribe, a bounced phone number, a segment
// membership and a running cart-abandonment scenario, and another customer and another shop beside
// them:
// - the export holds each of those, with their real values, and nothing of anyone else;
// - another shop's key can neither export nor erase them, and nothing changes;
// - an erasure that fails midway changes nothing;
// - the erasure leaves no trace of their name, kana, email, phone, LINE id or address in any column of
//   any table, while the revenue and order figures of every report, and the campaign and message
//   counts, stay exactly as they were, and nothing is sent to them afterwards;
// - the same member id sent again is a new, empty customer, and the address they had unsubscribed
//   stays held back from promotions.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refreshCustomerMetrics } from "../../src/analytics/index.js";
import { type Customer, fromJson } from "../../src/db/index.js";
import { saveChannelSettings } from "../../src/messaging/channels/settings.js";
import { DeliveryWorker } from "../../src/messaging/delivery/worker.js";
import { recordMessageEvents } from "../../src/messaging/outbox.js";
import { EXPORT_FORMAT, erasedSuppressions } from "../../src/privacy/index.js";
import { enableLibraryScenario, ensureTemplates } from "../../src/scenarios/index.js";
import { type CreatedShop, createShop } from "../../src/shops/index.js";
import { saveShopProfile } from "../../src/shops/profile.js";
import { drainJobs } from "../../src/worker/index.js";
import { bearer, createTestApp, type TestApp } from "../support/app.js";
import { type SmtpSink, startSmtpSink } from "../support/smtp.js";
import { findText, snapshot } from "./support.js";

/** Monday 1 June 2026, 10:00 in Tokyo. */
const T0 = "2026-06-01T01:00:00.000Z";
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const LINE_ID = "U7e57a1b2c3d4e5f60718293a4b5c6d7e";

const HOSHIZORA = {
  externalId: "hoshi-7",
  email: "Nanami.Hoshizora@Example.jp",
  phone: "080-7654-3210",
  lineUserId: LINE_ID,
  lastName: "星空",
  firstName: "七海",
  lastNameKana: "ホシゾラ",
  firstNameKana: "ナナミ",
  birthday: "1992-07-07",
  gender: "female",
  postalCode: "152-0003",
  prefecture: "東京都",
  address: "目黒区碑文谷9-8-7 メゾン星空301",
  attributes: { acquisition_channel: "google", nickname: "ななみん" },
};
const OLD_ADDRESS = "横浜市港北区日吉5-5-5";
const YAMADA = {
  externalId: "yama-1",
  email: "hanako.yamada@example.jp",
  lastName: "山田",
  firstName: "花子",
};
const REPORTS = ["rfm", "f2", "cohorts", "ltv", "economics", "performance"] as const;

/** auth's own bookkeeping (a key's last use, the audit log of requests) changes with any request. */
const BOOKKEEPING = new Set(["api_keys", "audit_log"]);
async function data(t: TestApp) {
  const all = await snapshot(t.ctx.db, t.testDb.engine);
  for (const table of BOOKKEEPING) delete all[table];
  return all;
}

describe("a customer's data under APPI and GDPR: export and erasure", () => {
  let t: TestApp;
  let sink: SmtpSink;
  let delivery: DeliveryWorker;
  let shopB: CreatedShop;
  let hoshi: Customer;
  let campaignId: number;
  let segmentId: number;
  /** The person's text as stored and as typed: none of it may survive the erasure. */
  let needles: string[];

  const shopId = () => t.shop.shop.id;
  const api = (method: "GET" | "POST" | "PUT" | "DELETE", url: string, payload?: unknown, key = t.secret) =>
    t.app.inject({
      method,
      url,
      headers: key,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  const ok = async (
    method: "GET" | "POST" | "PUT" | "DELETE",
    url: string,
    payload?: unknown,
    key = t.secret,
  ) => {
    const res = await api(method, url, payload, key);
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
    return res.json();
  };
  const at = (ms: number) => t.clock.set(new Date(Date.parse(T0) + ms));
  const numericRef = () => `%23${hoshi.id}`;

  async function reports(): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const name of REPORTS) out[name] = await ok("GET", `/v1/reports/${name}`);
    out.campaign = (await ok("GET", `/v1/campaigns/${campaignId}`)).report;
    return out;
  }

  async function messageCounts() {
    const { rows } = await sql<Record<string, unknown>>`
      select channel, template_key, status, campaign_id, scenario_id, count(*) as n,
        count(sent_at) as sent, count(opened_at) as opened
      from messages where shop_id = ${shopId()}
      group by channel, template_key, status, campaign_id, scenario_id
      order by channel, template_key, status, campaign_id, scenario_id`.execute(t.ctx.db);
    return rows.map((r) => ({ ...r, n: Number(r.n), sent: Number(r.sent), opened: Number(r.opened) }));
  }

  beforeAll(async () => {
    t = await createTestApp(T0);
    sink = await startSmtpSink();
    const db = t.ctx.db;
    await saveShopProfile(db, shopId(), {
      url: "https://kizuna-sabo.jp",
      address: "〒150-0001 東京都渋谷区神宮前1-2-3",
      email: "info@kizuna-sabo.jp",
      phone: "03-1234-5678",
    });
    await saveChannelSettings(db, t.clock, t.ctx.secret, shopId(), "email", {
      provider: "smtp",
      settings: {
        host: "127.0.0.1",
        port: sink.port,
        fromAddress: "news@kizuna-sabo.jp",
        fromName: "きずな茶房",
      },
      secrets: {},
    });
    delivery = new DeliveryWorker({
      db,
      clock: t.clock,
      secret: t.ctx.secret,
      publicUrl: "https://crm.example",
    });
    await ensureTemplates(db, t.clock, shopId(), [
      {
        key: "news.summer",
        channel: "email",
        locale: "ja",
        messageClass: "promotional",
        subject: "{{ customer.lastName }}様、夏の新茶です",
        // Personalised: the name is rendered into the mail, never stored with the message.
        body:
          "<p>{{ customer.lastName }} {{ customer.firstName }}様</p><p>{{ shop.name }} {{ shop.address }}</p>" +
          '<p><a href="{{ unsubscribeUrl }}">配信停止</a></p>',
      },
    ]);
    await enableLibraryScenario(db, t.clock, shopId(), "cart-abandonment");
    await ok("POST", "/v1/products/batch", {
      products: [
        { sku: "MATCHA-100", name: "宇治抹茶 100g", price: 2480, stock: 20 },
        { sku: "SENCHA-50", name: "煎茶 50g", price: 1980, stock: 20 },
      ],
    });

    // The member; a guest profile from before she joined (her email, an old address), folded into
    // hers when her profile learns the email; her browsing before logging in; another member.
    const { email, ...memberWithoutEmail } = HOSHIZORA;
    await ok("POST", "/v1/customers", { ...memberWithoutEmail, consents: { email: true, sms: true } });
    await ok("POST", "/v1/customers", { email, lastName: "星空", address: OLD_ADDRESS });
    expect((await ok("POST", "/v1/customers", { externalId: "hoshi-7", email })).merged).toBe(1);
    hoshi = await db
      .selectFrom("customers")
      .selectAll()
      .where("shop_id", "=", shopId())
      .where("external_id", "=", "hoshi-7")
      .executeTakeFirstOrThrow();
    await ok("POST", "/v1/customers", { ...YAMADA, consents: { email: true } });
    await ok(
      "POST",
      "/v1/events",
      { events: [{ type: "product_view", visitorId: "v-hoshi-1", sku: "SENCHA-50" }] },
      t.public,
    );
    await ok("POST", "/v1/identify", { visitorId: "v-hoshi-1", externalId: "hoshi-7" }, t.public);
    await ok("POST", "/v1/orders/batch", {
      orders: [
        {
          externalId: "O-H1",
          customerId: "hoshi-7",
          orderedAt: "2026-03-10T03:00:00.000Z",
          items: [{ sku: "SENCHA-50", quantity: 2, unitPrice: 1980 }],
        },
        {
          externalId: "O-H2",
          customerId: "hoshi-7",
          orderedAt: "2026-05-02T03:00:00.000Z",
          items: [{ sku: "MATCHA-100", quantity: 1, unitPrice: 2480 }],
        },
        {
          externalId: "O-Y1",
          customerId: "yama-1",
          orderedAt: "2026-04-01T03:00:00.000Z",
          items: [{ sku: "MATCHA-100", quantity: 3, unitPrice: 2480 }],
        },
      ],
    });
    await ok("POST", "/v1/customers/hoshi-7/points", {
      kind: "earn",
      points: 500,
      reason: "welcome",
      externalId: "P-H1",
      expiresAt: "2026-12-31T15:00:00.000Z",
    });

    // A campaign email to both, delivered over SMTP.
    at(5 * MINUTE);
    const campaign = await ok("POST", "/v1/campaigns", {
      name: "Summer tea",
      channels: ["email"],
      variants: [{ name: "A", template: "news.summer" }],
    });
    campaignId = campaign.id;
    await ok("POST", `/v1/campaigns/${campaignId}/schedule`, {});
    await drainJobs(db, t.clock);
    expect(await delivery.drain()).toBe(2);
    await sink.waitFor(2);
    const mail = sink.received.find((m) => m.envelopeTo.includes("nanami.hoshizora@example.jp"));
    expect((await mail!.parse()).subject).toBe("星空様、夏の新茶です");
    // Her mailbox provider's feedback loop quotes her address.
    const sent = await db
      .selectFrom("messages")
      .select("id")
      .where("customer_id", "=", hoshi.id)
      .executeTakeFirstOrThrow();
    await recordMessageEvents(db, [
      {
        shopId: shopId(),
        messageId: sent.id,
        type: "complaint",
        reason: "feedback loop: nanami.hoshizora@example.jp",
        detail: { feedbackType: "abuse", originalRcptTo: "nanami.hoshizora@example.jp" },
        at: t.clock.now().toISOString(),
      },
    ]);

    // A cart left at 10:10: the scenario's run enters and waits.
    at(10 * MINUTE);
    await ok("POST", "/v1/events", {
      events: [{ type: "cart_add", customerId: "hoshi-7", sku: "MATCHA-100" }],
    });
    at(10 * MINUTE + 10_000);
    await drainJobs(db, t.clock);

    // She unsubscribes from email; her phone number turned out not to exist.
    at(30 * MINUTE);
    await ok("POST", "/v1/customers/hoshi-7/consents", {
      consents: { email: false },
      source: "unsubscribe-link",
    });
    await db
      .insertInto("suppressions")
      .values({
        shop_id: shopId(),
        channel: "sms",
        address: hoshi.phone!,
        reason: `21211 invalid 'To' number ${hoshi.phone}`,
        created_at: t.clock.now().toISOString(),
      })
      .execute();

    // Buyers, as a saved segment.
    await refreshCustomerMetrics(db, shopId(), { now: t.clock.now() });
    await ok("PUT", "/v1/segments/buyers", { name: "Buyers", rule: { type: "orders", min: 1 } });
    const segment = await db
      .selectFrom("segments")
      .select(["id", "member_count"])
      .where("shop_id", "=", shopId())
      .where("key", "=", "buyers")
      .executeTakeFirstOrThrow();
    expect(segment.member_count).toBe(2);
    segmentId = segment.id;

    // Another shop, with a customer of its own.
    shopB = await createShop(db, t.clock, { name: "Shop B" });
    await ok(
      "POST",
      "/v1/customers",
      { externalId: "b-1", email: "b1@example.jp", lastName: "別店" },
      bearer(shopB.secretKey),
    );

    needles = [
      ...[HOSHIZORA.email, hoshi.email!],
      ...[HOSHIZORA.phone, hoshi.phone!, "08076543210"],
      LINE_ID,
      ...["星空", "七海", "ホシゾラ", "ナナミ", "ななみん"],
      ...[HOSHIZORA.postalCode, hoshi.postal_code!, HOSHIZORA.address, OLD_ADDRESS],
      HOSHIZORA.birthday,
    ];
  });

  afterAll(async () => {
    await delivery?.close();
    await sink?.close();
    await t?.close();
  });

  it("exports everything about the customer, with real values, and nothing of anyone else", async () => {
    const res = await api("GET", "/v1/customers/hoshi-7/export");
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    const doc = res.json();
    expect(doc).toMatchObject({
      format: EXPORT_FORMAT,
      shopId: shopId(),
      customerId: hoshi.id,
      externalId: "hoshi-7",
    });
    const rows = (table: string) => doc.tables[table].rows as Array<Record<string, unknown>>;

    expect(rows("customers")).toEqual([
      expect.objectContaining({
        id: hoshi.id,
        externalId: "hoshi-7",
        email: "nanami.hoshizora@example.jp",
        phone: "+818076543210",
        lineUserId: LINE_ID,
        lastName: "星空",
        firstName: "七海",
        lastNameKana: "ホシゾラ",
        birthday: "1992-07-07",
        address: HOSHIZORA.address,
        attributes: { acquisition_channel: "google", nickname: "ななみん" },
        mergedIntoId: null,
      }),
      expect.objectContaining({
        externalId: null,
        email: null,
        address: OLD_ADDRESS,
        mergedIntoId: hoshi.id,
      }),
    ]);
    expect(Object.fromEntries(rows("consents").map((c) => [c.channel, c.granted]))).toEqual({
      email: false,
      sms: true,
    });
    expect(rows("consentLog").map((c) => [c.channel, c.granted, c.source])).toEqual([
      ["email", true, "api"],
      ["sms", true, "api"],
      ["email", false, "unsubscribe-link"],
    ]);
    expect(rows("pointLedger")).toEqual([
      expect.objectContaining({
        kind: "earn",
        points: 500,
        reason: "welcome",
        externalId: "P-H1",
        expiresAt: "2026-12-31T15:00:00.000Z",
      }),
    ]);
    expect(rows("pointBalances")).toEqual([expect.objectContaining({ balance: 500 })]);
    expect(rows("orders").map((o) => [o.externalId, o.total, o.orderedAt])).toEqual([
      ["O-H1", 3960, "2026-03-10T03:00:00.000Z"],
      ["O-H2", 2480, "2026-05-02T03:00:00.000Z"],
    ]);
    expect(rows("orderItems").map((i) => [i.sku, i.quantity, i.unitPrice, i.lineTotal])).toEqual([
      ["SENCHA-50", 2, 1980, 3960],
      ["MATCHA-100", 1, 2480, 2480],
    ]);
    // The page view from before she logged in is hers too.
    expect(rows("events").map((e) => [e.type, e.sku, e.visitorId ?? null])).toEqual([
      ["product_view", "SENCHA-50", "v-hoshi-1"],
      ["cart_add", "MATCHA-100", null],
    ]);
    expect(rows("visitors")).toEqual([
      expect.objectContaining({ visitorId: "v-hoshi-1", customerId: hoshi.id }),
    ]);
    expect(rows("messages")).toEqual([
      expect.objectContaining({
        channel: "email",
        templateKey: "news.summer",
        status: "sent",
        campaignId,
        address: "nanami.hoshizora@example.jp",
      }),
    ]);
    const messageId = rows("messages")[0].id;
    expect(rows("messageEvents").map((e) => [e.messageId, e.type])).toEqual(
      expect.arrayContaining([[messageId, "sent"]]),
    );
    // Two runs going: the campaign's (watching for a purchase) and the cart reminder's, waiting its hour.
    expect(rows("scenarioRuns").map((r) => [r.entryKey, r.status])).toEqual([
      [`campaign:${campaignId}`, "active"],
      [expect.stringMatching(/^event:\d+$/), "active"],
    ]);
    const cartRun = rows("scenarioRuns")[1];
    const cartScenario = await t.ctx.db
      .selectFrom("scenarios")
      .select("id")
      .where("shop_id", "=", shopId())
      .where("key", "=", "cart-abandonment")
      .executeTakeFirstOrThrow();
    expect(cartRun).toMatchObject({
      customerId: hoshi.id,
      scenarioId: cartScenario.id,
      stepId: "wait-1h",
      nextAt: "2026-06-01T02:10:10.000Z",
      holdout: false,
      context: { event: { type: "cart_add", sku: "MATCHA-100" } },
    });
    expect(rows("segmentMemberships")).toEqual([expect.objectContaining({ segmentId, exitedAt: null })]);
    expect(rows("suppressions")).toEqual([
      expect.objectContaining({
        channel: "sms",
        address: "+818076543210",
        reason: "21211 invalid 'To' number +818076543210",
      }),
    ]);
    expect(rows("customerMetrics")).toEqual([expect.objectContaining({ ordersCount: 2, revenue: 6440 })]);
    for (const table of Object.keys(doc.tables)) expect(doc.tables[table].holds.length).toBeGreaterThan(10);

    // Nothing of the other member, the other shop, or another customer's rows.
    for (const other of ["hanako", "山田", "yama-1", "O-Y1", "b1@example.jp", "別店"])
      expect(res.body).not.toContain(other);
    for (const [table, { rows: list }] of Object.entries(
      doc.tables as Record<string, { rows: Array<Record<string, unknown>> }>,
    )) {
      for (const row of list) {
        if ("shopId" in row) expect(row.shopId, table).toBe(shopId());
        if ("customerId" in row) expect(row.customerId, table).toBe(hoshi.id);
      }
    }

    // "#<id>" names the same customer.
    const byId = await api("GET", `/v1/customers/${numericRef()}/export`);
    expect(byId.statusCode).toBe(200);
    expect(byId.json()).toEqual(doc);
  });

  it("gives another shop's key a 404 for export and erasure, and changes nothing", async () => {
    const before = await data(t);
    const keyB = bearer(shopB.secretKey);
    for (const ref of ["hoshi-7", numericRef()]) {
      const exported = await api("GET", `/v1/customers/${ref}/export`, undefined, keyB);
      expect(exported.statusCode, exported.body).toBe(404);
      expect(exported.json().error.code).toBe("not_found");
      const erased = await api("DELETE", `/v1/customers/${ref}`, undefined, keyB);
      expect(erased.statusCode, erased.body).toBe(404);
    }
    // Shop B's own customer exports, without anything of shop A.
    const own = await api("GET", "/v1/customers/b-1/export", undefined, keyB);
    expect(own.statusCode).toBe(200);
    expect(own.json().tables.customers.rows[0].email).toBe("b1@example.jp");
    for (const needle of needles) expect(own.body.toLowerCase()).not.toContain(needle.toLowerCase());
    // And the public key may not ask at all.
    expect((await api("GET", "/v1/customers/hoshi-7/export", undefined, t.public)).statusCode).toBe(403);
    expect((await api("DELETE", "/v1/customers/hoshi-7", undefined, t.public)).statusCode).toBe(403);
    expect(await data(t)).toEqual(before);
  });

  it("changes nothing when the erasure fails midway", async () => {
    // The database refuses the last step (the profile becoming a tombstone): every step before it ran.
    const db = t.ctx.db;
    if (t.testDb.engine === "sqlite") {
      await sql`create trigger refuse_tombstone before update on customers
        when new.merged_into_id = new.id begin select raise(abort, 'refused by the test'); end`.execute(db);
    } else {
      await sql`create function refuse_tombstone() returns trigger language plpgsql as $$
        begin if new.merged_into_id = new.id then raise exception 'refused by the test'; end if; return new; end $$`.execute(
        db,
      );
      await sql`create trigger refuse_tombstone before update on customers
        for each row execute function refuse_tombstone()`.execute(db);
    }
    const before = await data(t);
    const res = await api("DELETE", "/v1/customers/hoshi-7");
    expect(res.statusCode).toBe(500);
    expect(await data(t)).toEqual(before);
    await sql`drop trigger refuse_tombstone${t.testDb.engine === "postgres" ? sql` on customers` : sql``}`.execute(
      db,
    );
    if (t.testDb.engine === "postgres") await sql`drop function refuse_tombstone()`.execute(db);
  });

  it("erases every trace of the person and keeps the shop's figures exactly as they were", async () => {
    const figuresBefore = await reports();
    // The figures count her: one of two buyers, her campaign email, her profile as a lead from google.
    expect(figuresBefore.rfm).toMatchObject({ summary: { buyers: 2, revenue: 13880 } });
    expect(figuresBefore.campaign).toMatchObject({
      entered: 2,
      arms: [expect.objectContaining({ sent: 2 })],
    });
    expect(JSON.stringify(figuresBefore.economics)).toContain(
      '"channel":"google","month":"2026-06","ad_cost":null,"leads":1',
    );
    const countsBefore = await messageCounts();
    const sentBefore = sink.received.length;
    expect(needles.length).toBeGreaterThan(10);
    expect((await findText(t.ctx.db, t.testDb.engine, needles)).length).toBeGreaterThan(10);

    const res = await api("DELETE", "/v1/customers/hoshi-7");
    expect(res.statusCode, res.body).toBe(200);
    const { erased } = res.json();
    expect(erased).toMatchObject({
      customerId: hoshi.id,
      erasedAt: t.clock.now().toISOString(),
    });
    const key = await t.ctx.db
      .selectFrom("api_keys")
      .select("id")
      .where("shop_id", "=", shopId())
      .where("kind", "=", "secret")
      .executeTakeFirstOrThrow();
    expect(erased.source).toBe(`api_key:${key.id}`);
    // Rows deleted or stripped, per table: what the erasure record keeps.
    expect(erased.tables).toEqual({
      consents: 2,
      point_ledger: 1,
      point_balances: 1,
      events: 2,
      visitors: 1,
      customer_recommendations: 1,
      segment_memberships: 1,
      scenario_runs: 2,
      messages: 1,
      message_events: 1,
      // the clear sms entry removed, hashed entries for the bad number and the unsubscribed email
      suppressions: 3,
      // her profile and the guest profile folded into it
      customers: 2,
    });

    // No name, kana, email, phone, LINE id, postal code or address in any column of any table.
    expect(await findText(t.ctx.db, t.testDb.engine, needles)).toEqual([]);

    // The profile is an anonymous tombstone that keeps only what the reports read.
    const tombstone = await t.ctx.db
      .selectFrom("customers")
      .selectAll()
      .where("id", "=", hoshi.id)
      .executeTakeFirstOrThrow();
    expect(tombstone).toMatchObject({
      external_id: null,
      email: null,
      phone: null,
      line_user_id: null,
      last_name: null,
      birthday: null,
      merged_into_id: hoshi.id,
      created_at: hoshi.created_at,
    });
    expect(fromJson(tombstone.attributes)).toEqual({ acquisition_channel: "google" });
    // Her message is still counted, without address or personalisation.
    const [message] = await t.ctx.db
      .selectFrom("messages")
      .selectAll()
      .where("customer_id", "=", hoshi.id)
      .execute();
    expect(message).toMatchObject({ status: "sent", address: null, campaign_id: campaignId });
    expect(fromJson(message.payload)).toEqual({});
    expect(message.sent_at).not.toBeNull();
    const complaint = await t.ctx.db
      .selectFrom("message_events")
      .select(["reason", "detail"])
      .where("message_id", "=", message.id)
      .where("type", "=", "complaint")
      .executeTakeFirstOrThrow();
    expect(complaint.reason).toBe("feedback loop: [erased]");
    expect(fromJson(complaint.detail)).toEqual({ feedbackType: "abuse", originalRcptTo: "[erased]" });
    // The unsubscribed email and the bad number stay on the suppression list, as keyed hashes only.
    const suppressions = await t.ctx.db
      .selectFrom("suppressions")
      .select(["channel", "address", "reason"])
      .where("shop_id", "=", shopId())
      .orderBy("channel")
      .execute();
    expect(suppressions).toEqual([
      {
        channel: "email",
        address: expect.stringMatching(/^erased:[0-9a-f]{64}$/),
        reason: "erased: unsubscribed",
      },
      {
        channel: "sms",
        address: expect.stringMatching(/^erased:[0-9a-f]{64}$/),
        reason: "erased: 21211 invalid 'To' number [erased]",
      },
    ]);
    // The erasure itself is on record, without anything about her.
    const record = await t.ctx.db
      .selectFrom("customer_erasures")
      .selectAll()
      .where("shop_id", "=", shopId())
      .execute();
    expect(record).toEqual([
      expect.objectContaining({ customer_id: hoshi.id, source: erased.source, erased_at: erased.erasedAt }),
    ]);
    expect(fromJson(record[0].summary)).toEqual(erased.tables);

    // Revenue, orders, cohorts, repeat rates, LTV, campaign and scenario figures: all as before.
    expect(await reports()).toEqual(figuresBefore);
    expect(await messageCounts()).toEqual(countsBefore);
    const buyers = await t.ctx.db
      .selectFrom("segments")
      .select("member_count")
      .where("id", "=", segmentId)
      .executeTakeFirstOrThrow();
    expect(buyers.member_count).toBe(1);

    // Her cart reminder would be due at 11:10, the next one a day later: the run has stopped, nothing goes.
    const runs = await t.ctx.db
      .selectFrom("scenario_runs")
      .select(["status", "end_reason", "context"])
      .where("customer_id", "=", hoshi.id)
      .orderBy("id")
      .execute();
    expect(runs.map((r) => r.end_reason)).toContain("customer_erased");
    for (const r of runs) {
      expect(r.status).not.toBe("active");
      expect(fromJson(r.context)).toEqual({});
    }
    for (const hours of [1.5, 26]) {
      at(hours * HOUR);
      await drainJobs(t.ctx.db, t.clock);
      await delivery.drain();
    }
    expect(sink.received.length).toBe(sentBefore);
    expect(await messageCounts()).toEqual(countsBefore);
  });

  it("afterwards: a second erasure is a 404, and the same member id makes a new, empty customer", async () => {
    for (const url of ["/v1/customers/hoshi-7", `/v1/customers/${numericRef()}`]) {
      expect((await api("DELETE", url)).statusCode).toBe(404);
      expect((await api("GET", `${url}/export`)).statusCode).toBe(404);
    }
    expect((await api("GET", "/v1/customers/hoshi-7")).statusCode).toBe(404);

    // An old CSV brings her back, with the consent she had once given.
    const again = await ok("POST", "/v1/customers", {
      externalId: "hoshi-7",
      email: HOSHIZORA.email,
      consents: { email: true },
    });
    expect(again.created).toBe(true);
    expect(again.customer.id).not.toBe(hoshi.id);
    const profile = await ok("GET", "/v1/customers/hoshi-7");
    expect(profile).toMatchObject({
      firstName: null,
      lastName: null,
      phone: null,
      recentOrders: [],
      recentEvents: [],
      points: { balance: 0 },
    });

    // Her address stays held back from promotions: a cart reminder is suppressed, nothing is mailed.
    const sentBefore = sink.received.length;
    at(27 * HOUR);
    await ok("POST", "/v1/events", {
      events: [{ type: "cart_add", customerId: "hoshi-7", sku: "MATCHA-100" }],
    });
    at(27 * HOUR + 10_000);
    await drainJobs(t.ctx.db, t.clock);
    at(28 * HOUR + 20_000);
    await drainJobs(t.ctx.db, t.clock);
    expect(await delivery.drain()).toBeGreaterThan(0);
    const reminders = await t.ctx.db
      .selectFrom("messages")
      .select(["status", "status_reason"])
      .where("customer_id", "=", again.customer.id)
      .execute();
    expect(reminders).toEqual([{ status: "suppressed", status_reason: "no consent, or suppressed" }]);
    expect(sink.received.length).toBe(sentBefore);

    // An unsubscribe holds back promotions only; the number that did not exist holds back everything.
    const email = { channel: "email" as const, address: "nanami.hoshizora@example.jp" };
    const phone = { channel: "sms" as const, address: "+818076543210" };
    const held = (cls: "promotional" | "transactional") =>
      erasedSuppressions(t.ctx.db, t.ctx.secret, shopId(), cls, [email, phone]);
    expect([...(await held("promotional"))].sort()).toEqual([
      "email:nanami.hoshizora@example.jp",
      "sms:+818076543210",
    ]);
    expect([...(await held("transactional"))]).toEqual(["sms:+818076543210"]);
    // Another shop's list is its own.
    expect(
      (await erasedSuppressions(t.ctx.db, t.ctx.secret, shopB.shop.id, "promotional", [email, phone])).size,
    ).toBe(0);
  });
});
