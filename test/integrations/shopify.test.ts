// Given a JPY shop connected to its Shopify store, when Shopify delivers webhooks (customers, products,
// inventory, orders, checkouts), then the data lands in Kizuna once, in yen, and unsigned or misdirected
// deliveries change nothing.
import { randomUUID } from "node:crypto";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { registerShopifyCommand } from "../../src/cli/commands/shopify.js";
import { fromJson } from "../../src/db/index.js";
import { shopifyHmac } from "../../src/integrations/shopify/index.js";
import { createShop } from "../../src/shops/index.js";
import { bearer, createTestApp, type TestApp } from "../support/app.js";
import { countRows } from "../support/db.js";
import { DOMAIN, deliver, fixture, SECRET } from "./shopify-support.js";

async function counts(t: TestApp) {
  const db = t.testDb.db;
  return {
    customers: await countRows(db, "customers"),
    orders: await countRows(db, "orders"),
    products: await countRows(db, "products"),
    events: await countRows(db, "events"),
    receipts: await countRows(db, "webhook_receipts"),
    consents: await countRows(db, "consent_log"),
  };
}

async function customerByExternalId(t: TestApp, externalId: string) {
  return t.testDb.db
    .selectFrom("customers")
    .selectAll()
    .where("shop_id", "=", t.shop.shop.id)
    .where("external_id", "=", externalId)
    .executeTakeFirstOrThrow();
}

describe("Shopify adapter", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  describe("connecting a store", () => {
    it("refuses webhooks before the shop is connected", async () => {
      const res = await deliver(t, "customers/create", fixture("customers-create"));
      expect(res.statusCode).toBe(401);
      expect(await countRows(t.testDb.db, "customers")).toBe(0);
    });

    it("stores the domain and an encrypted secret, and never returns the secret", async () => {
      const put = await t.app.inject({
        method: "PUT",
        url: "/v1/integrations/shopify",
        headers: t.secret,
        payload: { shopDomain: "https://Kizuna-Cosme.myshopify.com/admin", webhookSecret: SECRET },
      });
      expect(put.statusCode, put.body).toBe(200);
      expect(put.json()).toMatchObject({
        provider: "shopify",
        connected: true,
        shopDomain: DOMAIN,
        webhookSecretSet: true,
        webhookUrl: `http://localhost:80/webhooks/shopify/${t.shop.shop.id}`,
        topics: expect.arrayContaining(["orders/create", "inventory_levels/update", "checkouts/update"]),
        webhooks: { received: 0 },
      });
      expect(put.body).not.toContain(SECRET);

      const get = await t.app.inject({
        method: "GET",
        url: "/v1/integrations/shopify",
        headers: { ...t.secret, "x-forwarded-proto": "https", "x-forwarded-host": "crm.kizuna.example" },
      });
      expect(get.statusCode).toBe(200);
      expect(get.json().webhookUrl).toBe(`https://crm.kizuna.example/webhooks/shopify/${t.shop.shop.id}`);
      expect(get.body).not.toContain(SECRET);

      const row = await t.testDb.db.selectFrom("integrations").selectAll().executeTakeFirstOrThrow();
      expect(row.settings).not.toContain(SECRET);
      expect(fromJson<{ webhookSecret: string }>(row.settings).webhookSecret).toMatch(/^v1\./);
    });

    it("needs the secret key and a myshopify.com domain", async () => {
      const withPublicKey = await t.app.inject({
        method: "GET",
        url: "/v1/integrations/shopify",
        headers: t.public,
      });
      expect(withPublicKey.statusCode).toBe(403);
      const badDomain = await t.app.inject({
        method: "PUT",
        url: "/v1/integrations/shopify",
        headers: t.secret,
        payload: { shopDomain: "kizuna-cosme.example.com", webhookSecret: SECRET },
      });
      expect(badDomain.statusCode).toBe(400);
      expect(badDomain.json().error.issues[0].field).toBe("shopDomain");
    });
  });

  describe("customers", () => {
    it("customers/create lands a profile with consents from Shopify", async () => {
      const res = await deliver(t, "customers/create", fixture("customers-create"));
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ ok: true, outcome: "processed" });

      const customer = await customerByExternalId(t, "7012345678901");
      expect(customer).toMatchObject({
        email: "hanako.yamada@example.jp",
        phone: "+819012345678",
        last_name: "山田",
        first_name: "花子",
        postal_code: "1500041",
        prefecture: "東京都",
        address: "渋谷区神南1-2-3 渋谷ビル5F",
        created_at: "2026-04-01T01:00:00.000Z",
      });
      expect(fromJson(customer.attributes)).toMatchObject({
        tags: ["VIP", "リピーター"],
        shopifyState: "enabled",
      });
      const consents = await t.testDb.db
        .selectFrom("consents")
        .select(["channel", "granted", "source"])
        .where("customer_id", "=", customer.id)
        .orderBy("channel")
        .execute();
      expect(consents).toEqual([
        { channel: "email", granted: 1, source: "shopify" },
        { channel: "sms", granted: 0, source: "shopify" },
      ]);
    });

    it("a retried delivery (same webhook id) does nothing", async () => {
      const before = await counts(t);
      const webhookId = randomUUID();
      const update = {
        ...fixture("customers-create"),
        first_name: "華子",
        updated_at: "2026-05-25T09:00:00+09:00",
      };
      const first = await deliver(t, "customers/update", update, { webhookId });
      expect(first.json().outcome).toBe("processed");
      const retry = await deliver(t, "customers/update", { ...update, last_name: "別人" }, { webhookId });
      expect(retry.statusCode).toBe(200);
      expect(retry.json().outcome).toBe("duplicate");
      expect(await counts(t)).toEqual({ ...before, receipts: before.receipts + 1 });
      expect(await customerByExternalId(t, "7012345678901")).toMatchObject({
        first_name: "華子",
        last_name: "山田",
      });
    });

    it("a late delivery of an older version does not undo a newer unsubscribe", async () => {
      const unsubscribed = {
        ...fixture("customers-create"),
        updated_at: "2026-05-30T09:00:00+09:00",
        email_marketing_consent: { state: "unsubscribed", opt_in_level: "single_opt_in" },
      };
      expect((await deliver(t, "customers/update", unsubscribed)).json().outcome).toBe("processed");
      const late = await deliver(t, "customers/update", fixture("customers-create"));
      expect(late.json().outcome).toBe("stale");
      const customer = await customerByExternalId(t, "7012345678901");
      const email = await t.testDb.db
        .selectFrom("consents")
        .select("granted")
        .where("customer_id", "=", customer.id)
        .where("channel", "=", "email")
        .executeTakeFirstOrThrow();
      expect(email.granted).toBe(0);
    });
  });

  describe("products and inventory", () => {
    it("products/create adds one product per variant, with price in yen, stock, URL and image", async () => {
      const res = await deliver(t, "products/create", fixture("products-create"));
      expect(res.json().outcome).toBe("processed");
      const products = await t.testDb.db
        .selectFrom("products")
        .selectAll()
        .where("shop_id", "=", t.shop.shop.id)
        .orderBy("sku")
        .execute();
      expect(products.map((p) => [p.sku, p.name, p.price, p.currency, p.stock])).toEqual([
        ["KZ-LOTION-200", "薬用化粧水 - 200ml", 3980, "JPY", 0],
        ["KZ-LOTION-400", "薬用化粧水 - 400ml", 6980, "JPY", 12],
      ]);
      expect(products[0]).toMatchObject({
        category_path: "スキンケア/化粧水",
        url: `https://${DOMAIN}/products/medicated-lotion`,
        image_url: "https://cdn.shopify.com/s/files/1/0000/0001/products/lotion-200.jpg?v=1740787200",
      });
      expect(products[1].image_url).toBe(
        "https://cdn.shopify.com/s/files/1/0000/0001/products/lotion.jpg?v=1740787200",
      );
      expect(fromJson(products[0].attributes)).toMatchObject({
        shopifyProductId: "8123456789012",
        shopifyVariantId: "44000000000001",
        vendor: "絆コスメ",
        tags: ["化粧水", "敏感肌"],
      });
      const items = await t.testDb.db
        .selectFrom("shopify_inventory_items")
        .select(["inventory_item_id", "sku"])
        .orderBy("inventory_item_id")
        .execute();
      expect(items).toEqual([
        { inventory_item_id: "46000000000001", sku: "KZ-LOTION-200" },
        { inventory_item_id: "46000000000002", sku: "KZ-LOTION-400" },
      ]);
    });

    it("inventory_levels/update from 0 to 5 sets the stock and records a restock", async () => {
      const res = await deliver(t, "inventory_levels/update", fixture("inventory-levels-update"));
      expect(res.json().outcome).toBe("processed");
      const product = await t.testDb.db
        .selectFrom("products")
        .selectAll()
        .where("sku", "=", "KZ-LOTION-200")
        .executeTakeFirstOrThrow();
      expect(product.stock).toBe(5);
      const restocks = await t.testDb.db
        .selectFrom("events")
        .selectAll()
        .where("type", "=", "restock")
        .execute();
      expect(restocks).toHaveLength(1);
      expect(restocks[0]).toMatchObject({ sku: "KZ-LOTION-200", product_id: product.id });
      expect(fromJson(restocks[0].properties)).toEqual({ stockBefore: 0, stockAfter: 5 });
    });

    it("an inventory item no product webhook has named is acknowledged and ignored", async () => {
      const unknown = { ...fixture("inventory-levels-update"), inventory_item_id: 46999999999999 };
      const res = await deliver(t, "inventory_levels/update", unknown);
      expect(res.json().outcome).toBe("ignored");
    });
  });

  describe("orders", () => {
    it("orders/create lands the order with items and totals in yen, linked to the customer", async () => {
      const res = await deliver(t, "orders/create", fixture("orders-create"));
      expect(res.json().outcome).toBe("processed");
      const got = await t.app.inject({
        method: "GET",
        url: `/v1/orders/${encodeURIComponent("#1001")}`,
        headers: t.secret,
      });
      expect(got.statusCode, got.body).toBe(200);
      expect(got.json()).toMatchObject({
        externalId: "#1001",
        customerId: "7012345678901",
        channel: "online",
        storeId: null,
        status: "paid",
        orderedAt: "2026-05-12T11:15:00.000Z",
        shippedAt: null,
        currency: "JPY",
        subtotal: 13460,
        discount: 500,
        shipping: 660,
        tax: 0,
        total: 13620,
        couponCode: "WELCOME500",
        items: [
          { sku: "KZ-LOTION-200", name: "薬用化粧水 - 200ml", quantity: 2, unitPrice: 3980, lineTotal: 7960 },
          { sku: "44000000000099", name: "ビタミンC美容液", quantity: 1, unitPrice: 5500, lineTotal: 5500 },
        ],
      });
      expect(await countRows(t.testDb.db, "customers")).toBe(1);
    });

    it("orders/updated with a cancellation cancels the same order", async () => {
      const cancelled = {
        ...fixture("orders-create"),
        cancelled_at: "2026-05-13T09:00:00+09:00",
        cancel_reason: "customer",
        financial_status: "refunded",
        updated_at: "2026-05-13T09:00:02+09:00",
      };
      const res = await deliver(t, "orders/updated", cancelled);
      expect(res.json().outcome).toBe("processed");
      const orders = await t.testDb.db.selectFrom("orders").selectAll().execute();
      expect(orders).toHaveLength(1);
      expect(orders[0]).toMatchObject({ external_id: "#1001", status: "cancelled", total: 13620 });
      expect(await countRows(t.testDb.db, "order_items")).toBe(2);

      // orders/paid for the earlier state, delivered late, does not revive it.
      const late = await deliver(t, "orders/paid", fixture("orders-create"));
      expect(late.json().outcome).toBe("stale");
      const after = await t.testDb.db.selectFrom("orders").select("status").executeTakeFirstOrThrow();
      expect(after.status).toBe("cancelled");
    });

    it("orders/fulfilled marks an order shipped; a POS order is a store order", async () => {
      const fulfilled = {
        ...fixture("orders-create"),
        id: 5900000000002,
        admin_graphql_api_id: "gid://shopify/Order/5900000000002",
        name: "#1002",
        fulfillment_status: "fulfilled",
        fulfillments: [{ id: 1, status: "success", created_at: "2026-05-14T10:00:00+09:00" }],
      };
      expect((await deliver(t, "orders/fulfilled", fulfilled)).json().outcome).toBe("processed");
      const pos = {
        ...fixture("orders-create"),
        id: 5900000000003,
        admin_graphql_api_id: "gid://shopify/Order/5900000000003",
        name: "#1003",
        source_name: "pos",
        location_id: 61000000001,
        discount_codes: [],
        customer: null,
        email: "",
        total_shipping_price_set: null,
        shipping_lines: [],
      };
      expect((await deliver(t, "orders/create", pos)).json().outcome).toBe("processed");
      const orders = await t.testDb.db
        .selectFrom("orders")
        .select(["external_id", "status", "channel", "store_id", "shipped_at", "customer_id", "shipping"])
        .where("external_id", "in", ["#1002", "#1003"])
        .orderBy("external_id")
        .execute();
      expect(orders).toEqual([
        {
          external_id: "#1002",
          status: "shipped",
          channel: "online",
          store_id: null,
          shipped_at: "2026-05-14T01:00:00.000Z",
          customer_id: expect.any(Number),
          shipping: 660,
        },
        {
          external_id: "#1003",
          status: "paid",
          channel: "store",
          store_id: "61000000001",
          shipped_at: null,
          customer_id: null,
          shipping: 0,
        },
      ]);
    });

    it("test orders and the admin's test notifications are counted but not imported", async () => {
      const testOrder = { ...fixture("orders-create"), id: 5900000000099, name: "#9999", test: true };
      const res = await deliver(t, "orders/create", testOrder);
      expect(res.json().outcome).toBe("ignored");
      expect(await countRows(t.testDb.db, "orders")).toBe(3);
      const sample = { ...fixture("customers-create"), id: 706405506930370000, email: "bob@biller.com" };
      const notification = await deliver(t, "customers/create", sample, {
        headers: { "x-shopify-test": "true" },
      });
      expect(notification.json().outcome).toBe("ignored");
      expect(await countRows(t.testDb.db, "customers")).toBe(1);
    });
  });

  describe("checkouts", () => {
    it("checkouts/create records one checkout_start event; updates rewrite it instead of adding more", async () => {
      const eventsBefore = await countRows(t.testDb.db, "events");
      const checkout = fixture("checkouts-create");
      expect((await deliver(t, "checkouts/create", checkout)).json().outcome).toBe("processed");

      const updated = {
        ...checkout,
        updated_at: "2026-05-21T22:45:00+09:00",
        line_items: [{ ...checkout.line_items[0], quantity: 2, line_price: "13960" }],
        total_price: "13960",
      };
      expect((await deliver(t, "checkouts/update", updated)).json().outcome).toBe("processed");
      expect(await countRows(t.testDb.db, "events")).toBe(eventsBefore + 1);

      const event = await t.testDb.db
        .selectFrom("events")
        .selectAll()
        .where("type", "=", "checkout_start")
        .executeTakeFirstOrThrow();
      const customer = await customerByExternalId(t, "7012345678901");
      expect(event).toMatchObject({
        customer_id: customer.id,
        occurred_at: "2026-05-21T13:40:00.000Z",
        event_key: `shopify:checkout:${checkout.token}`,
      });
      expect(fromJson(event.properties)).toEqual({
        checkoutToken: checkout.token,
        abandonedCheckoutUrl: checkout.abandoned_checkout_url,
        items: [{ sku: "KZ-LOTION-400", name: "薬用化粧水 - 400ml", quantity: 2, price: 6980 }],
        total: 13960,
        currency: "JPY",
        completedAt: null,
      });
    });

    it("a checkout without any contact yet is ignored until one arrives", async () => {
      const anonymous = { ...fixture("checkouts-create"), token: "anon0000", email: null, customer: null };
      expect((await deliver(t, "checkouts/create", anonymous)).json().outcome).toBe("ignored");
    });
  });

  describe("refused and ignored deliveries", () => {
    it("a wrong or missing signature is refused with 401 and writes nothing", async () => {
      const before = await counts(t);
      const payload = { ...fixture("customers-create"), id: 7099999999999, email: "intruder@example.jp" };
      const wrongSecret = await deliver(t, "customers/create", payload, {
        secret: "shpss_not-the-real-secret-000",
      });
      expect(wrongSecret.statusCode).toBe(401);
      expect(wrongSecret.json().error.code).toBe("unauthorized");
      const missing = await deliver(t, "customers/create", payload, { hmac: null });
      expect(missing.statusCode).toBe(401);
      const garbage = await deliver(t, "customers/create", payload, { hmac: "not base64 at all" });
      expect(garbage.statusCode).toBe(401);
      // The signature covers the raw bytes: the same JSON laid out differently is not what was signed.
      const body = JSON.stringify(payload);
      const reformatted = await deliver(t, "customers/create", payload, {
        body: JSON.stringify(payload, null, 2),
        hmac: shopifyHmac(Buffer.from(body), SECRET),
      });
      expect(reformatted.statusCode).toBe(401);
      expect(await counts(t)).toEqual(before);
    });

    it("a delivery for another store domain is refused", async () => {
      const before = await counts(t);
      const res = await deliver(t, "customers/create", fixture("customers-create"), {
        domain: "other-store.myshopify.com",
      });
      expect(res.statusCode).toBe(401);
      expect(await counts(t)).toEqual(before);
    });

    it("shop B's webhook URL does not accept shop A's secret", async () => {
      const shopB = await createShop(t.testDb.db, t.clock, { name: "Shop B" });
      const before = await counts(t);
      const unconnected = await deliver(t, "customers/create", fixture("customers-create"), {
        shopId: shopB.shop.id,
      });
      expect(unconnected.statusCode).toBe(401);

      const connectB = await t.app.inject({
        method: "PUT",
        url: "/v1/integrations/shopify",
        headers: bearer(shopB.secretKey),
        payload: {
          shopDomain: "shop-b.myshopify.com",
          webhookSecret: "shpss_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
        },
      });
      expect(connectB.statusCode, connectB.body).toBe(200);
      const withASecret = await deliver(t, "customers/create", fixture("customers-create"), {
        shopId: shopB.shop.id,
      });
      expect(withASecret.statusCode).toBe(401);
      const withADomainAndBSecret = await deliver(t, "customers/create", fixture("customers-create"), {
        shopId: shopB.shop.id,
        secret: "shpss_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
      });
      expect(withADomainAndBSecret.statusCode).toBe(401);
      expect(await counts(t)).toEqual(before);

      // One Shopify store belongs to one Kizuna shop.
      const sameStore = await t.app.inject({
        method: "PUT",
        url: "/v1/integrations/shopify",
        headers: bearer(shopB.secretKey),
        payload: { shopDomain: DOMAIN, webhookSecret: SECRET },
      });
      expect(sameStore.statusCode).toBe(409);
    });

    it("unknown topics are acknowledged and ignored; a payload Kizuna cannot read is recorded as failed", async () => {
      const unknown = await deliver(t, "app/uninstalled", { id: 1, name: "Kizuna Cosme" });
      expect(unknown.statusCode).toBe(200);
      expect(unknown.json().outcome).toBe("ignored");
      const broken = await deliver(t, "orders/create", { id: 1, line_items: "nope" });
      expect(broken.statusCode).toBe(200);
      expect(broken.json().outcome).toBe("failed");
    });

    it("leaves JSON parsing of the other routes alone", async () => {
      const res = await t.app.inject({
        method: "POST",
        url: "/v1/customers",
        headers: t.secret,
        payload: { externalId: "M-1", email: "m1@example.jp" },
      });
      expect(res.statusCode, res.body).toBe(200);
    });

    it("GET shows the counts of webhooks received", async () => {
      const res = await t.app.inject({ method: "GET", url: "/v1/integrations/shopify", headers: t.secret });
      const { webhooks } = res.json();
      expect(webhooks.byOutcome).toMatchObject({ processed: 11, stale: 2, failed: 1 });
      expect(webhooks.byTopic).toMatchObject({
        "orders/create": 4,
        "app/uninstalled": 1,
        "checkouts/update": 1,
      });
      expect(webhooks.received).toBe(
        Object.values(webhooks.byOutcome as Record<string, number>).reduce((a, b) => a + b, 0),
      );
      expect(webhooks.lastReceivedAt).toBe("2026-06-01T00:00:00.000Z");
    });
  });

  describe("CLI", () => {
    it("kizuna shopify connect stores the connection; webhooks signed with the secret are accepted", async () => {
      const shopC = await createShop(t.testDb.db, t.clock, { name: "Shop C" });
      const output = await runShopifyCli(t, [
        "connect",
        "--shop",
        String(shopC.shop.id),
        "--domain",
        "shop-c.myshopify.com",
        "--secret",
        "shpss_cccccccccccccccccccccccccccccccc",
        "--json",
      ]);
      expect(JSON.parse(output)).toMatchObject({
        shopId: shopC.shop.id,
        connected: true,
        shopDomain: "shop-c.myshopify.com",
        webhookSecretSet: true,
        webhookUrl: `https://crm.kizuna.example/webhooks/shopify/${shopC.shop.id}`,
      });
      expect(output).not.toContain("shpss_cccc");

      const res = await deliver(
        t,
        "customers/create",
        { ...fixture("customers-create"), id: 7000000000333 },
        {
          shopId: shopC.shop.id,
          domain: "shop-c.myshopify.com",
          secret: "shpss_cccccccccccccccccccccccccccccccc",
        },
      );
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().outcome).toBe("processed");

      const status = JSON.parse(await runShopifyCli(t, ["status", "--json"]));
      expect(status.shops.map((s: { shopId: number }) => s.shopId)).toEqual([
        t.shop.shop.id,
        expect.any(Number),
        shopC.shop.id,
      ]);
      expect(JSON.stringify(status)).not.toContain("shpss_");
    });
  });
});

/** Runs `kizuna shopify …` in-process against the test database, with the app's instance secret. */
async function runShopifyCli(t: TestApp, args: string[]): Promise<string> {
  const program = new Command("kizuna").exitOverride();
  registerShopifyCommand(program);
  const env = { ...t.testDb.env, KIZUNA_SECRET: t.ctx.secret, PUBLIC_URL: "https://crm.kizuna.example" };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const lines: string[] = [];
  const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  const log = vi.spyOn(console, "log").mockImplementation((...parts) => lines.push(`${parts.join(" ")}\n`));
  Object.assign(process.env, env);
  try {
    await program.parseAsync(["node", "kizuna", "shopify", ...args]);
  } finally {
    write.mockRestore();
    log.mockRestore();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  return lines.join("");
}
