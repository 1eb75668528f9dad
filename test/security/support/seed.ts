// Shop A with at least one of everything, made through its own API (secret key; storefront calls with
// its public key) as a shop would make it, plus the few things only the worker or the outbox produce.
// Every piece of A's content carries A's marker ("SHOPA-<random>"); A's identifiers (member ids,
// order numbers, SKUs, keys, addresses) are random too, so any of them found in an answer to another
// shop is a leak. Shops B and C get the same small data of their own (twins).
import { randomBytes } from "node:crypto";
import type { FastifyInstance, InjectOptions } from "fastify";
import { expect } from "vitest";
import { REPORT_NAMES } from "../../../src/analytics/index.js";
import { inboundWebhookSecret } from "../../../src/messaging/inbound/signature.js";
import type { CreatedShop } from "../../../src/shops/index.js";
import { drainJobs } from "../../../src/worker/index.js";
import { queuePostal } from "../../messaging/postal/support.js";
import { newSubscriber } from "../../messaging/push/push-service.js";
import { bearer } from "../../support/app.js";
import type { World } from "./world.js";

type Headers = Record<string, string>;

export function apiAs(app: FastifyInstance, headers: Headers) {
  return async (method: InjectOptions["method"], url: string, payload?: unknown, expected = 200) => {
    const res = await app.inject({
      method,
      url,
      headers,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(expected);
    return res;
  };
}

const hex = (bytes: number) => randomBytes(bytes).toString("hex");

/** What the probes need to know about shop A: its identifiers, ids and where its data is read. */
export interface ShopA {
  shopId: number;
  secret: Headers;
  public: Headers;
  /** In every name, subject, body, address and secret of A's. */
  marker: string;
  customer: { externalId: string; id: number; email: string; phone: string };
  guest: { externalId: string; email: string };
  visitorId: string;
  eventId: string;
  sku: string;
  sku2: string;
  order: string;
  order2: string;
  segment: string;
  scenario: string;
  libraryScenario: string;
  /** The custom scenario's id (reports take it). */
  scenarioId: number;
  template: { key: string; channel: "email"; locale: "ja" };
  campaignDraft: number;
  campaignSent: number;
  emailMessage: number;
  postalBatch: string;
  adCost: { channel: string; month: string };
  shopDomain: string;
  /** A's sender domain (its bounce address is bounces@ this). */
  mailDomain: string;
  pushEndpoint: string;
  user: { id: number; email: string };
  secretKeyId: number;
  /** Strings that name A's data: none may appear in an answer to another shop that did not send it. */
  identifiers: string[];
  /** GET URLs that, read with A's secret key, show all of A's data. */
  reads: string[];
}

const PROMO_HTML = (
  marker: string,
) => `<html><body><p>{{ customer.lastName | escape }}様 ${marker} 新茶のご案内</p>
<footer>{{ shop.name | escape }} {{ shop.address | escape }} <a href="{{ unsubscribeUrl | escape }}">配信停止</a></footer>
</body></html>`;

/** A's content marker: made before the shops, since A's name carries it too. */
export const newMarker = () => `SHOPA-${hex(6)}`;

export async function seedShopA(world: World, marker: string, smtpPort: number): Promise<ShopA> {
  const { app, a } = world;
  const id = `a${hex(5)}`;
  const api = apiAs(app, bearer(a.secretKey));
  const storefront = apiAs(app, bearer(a.publicKey));
  const customer = {
    externalId: `${id}-c1`,
    email: `${id}-c1@example.jp`,
    phone: `090${String(10_000_000 + (randomBytes(3).readUIntBE(0, 3) % 89_999_999)).slice(0, 8)}`,
  };
  const guest = { externalId: `${id}-c2`, email: `${id}-c2@example.jp` };
  const sku = `${id}-sku1`;
  const sku2 = `${id}-sku2`;
  const shopDomain = `${id}-store.myshopify.com`;
  const template = { key: `${id}-news`, channel: "email" as const, locale: "ja" as const };

  // Sender identity and channels first: promotional templates need them.
  await api("PUT", "/v1/shop/profile", {
    url: `https://${id}.example.jp`,
    address: `東京都渋谷区神宮前1-2-3 ${marker}`,
    email: `info@${id}.example.jp`,
    phone: "03-1234-5678",
  });
  await api("PUT", "/v1/channels/email", {
    provider: "smtp",
    settings: {
      host: "127.0.0.1",
      port: smtpPort,
      fromAddress: `news@${id}.example.jp`,
      fromName: `${marker} 便り`,
      bounceAddress: `bounces@${id}.example.jp`,
      unsubscribeAddress: `unsubscribe@${id}.example.jp`,
    },
    secrets: { user: `${id}-smtp`, password: `pw-${marker}` },
  });
  await api("PUT", "/v1/channels/line", {
    provider: "line",
    // Nothing listens on port 9: no test here may reach LINE.
    settings: { botBasicId: `@${id}`, apiBaseUrl: "http://127.0.0.1:9" },
    secrets: { channelAccessToken: `token-${marker}`, channelSecret: `line-${marker}` },
  });
  await api("PUT", "/v1/integrations/shopify", { shopDomain, webhookSecret: `shpss_${marker}_${hex(8)}` });

  // Customers with consents and points; products (one restocked); orders.
  const created = await api("POST", "/v1/customers", {
    ...customer,
    lastName: `${marker}山田`,
    firstName: "花子",
    lastNameKana: "ヤマダ",
    postalCode: "150-0001",
    prefecture: "東京都",
    address: `渋谷区神宮前 ${marker}`,
    birthday: "1990-06-15",
    memberRank: `gold-${marker}`,
    attributes: { note: marker },
    consents: { email: true, sms: true, postal: true },
  });
  await api("POST", "/v1/customers/batch", {
    customers: [{ ...guest, firstName: `${marker}ゲスト` }],
  });
  await api("POST", `/v1/customers/${customer.externalId}/consents`, { consents: { line: true } });
  await api("POST", `/v1/customers/${customer.externalId}/points`, {
    kind: "earn",
    points: 500,
    externalId: `${id}-earn`,
    reason: marker,
  });
  await api("POST", "/v1/products", {
    sku,
    name: `${marker} 新茶`,
    price: 1200,
    stock: 0,
    categoryPath: "茶/緑茶",
  });
  await api("PUT", `/v1/products/${sku}/stock`, { stock: 5 });
  await api("POST", "/v1/products/batch", { products: [{ sku: sku2, name: `${marker} 急須`, price: 4800 }] });
  const order = `${id}-o1`;
  const order2 = `${id}-o2`;
  await api("POST", "/v1/orders/batch", {
    orders: [
      {
        externalId: order2,
        customerId: customer.externalId,
        orderedAt: "2026-03-10T10:00:00+09:00",
        items: [{ sku: sku2, name: `${marker} 急須`, quantity: 1, unitPrice: 4800 }],
      },
    ],
  });
  await api("POST", "/v1/orders", {
    externalId: order,
    customerId: customer.externalId,
    orderedAt: "2026-05-20T10:00:00+09:00",
    items: [
      { sku, name: `${marker} 新茶`, quantity: 2, unitPrice: 1200 },
      { sku: sku2, name: `${marker} 急須`, quantity: 1, unitPrice: 4800 },
    ],
  });

  // Storefront: events (one anonymous, later identified), a push subscription.
  const visitorId = `${id}-v1`;
  const eventId = `${id}-e1`;
  await storefront("POST", "/v1/events", {
    events: [
      { type: "product_view", customerId: customer.externalId, sku, eventId, properties: { ref: marker } },
      { type: "cart_add", visitorId, sku: sku2 },
    ],
  });
  await storefront("POST", "/v1/identify", { visitorId, externalId: guest.externalId });
  const vapidKey = (await storefront("GET", "/v1/push/vapid-public-key")).json().publicKey as string;
  const pushEndpoint = `https://fcm.googleapis.com/fcm/send/${id}-push`;
  const { p256dh, auth } = newSubscriber();
  await storefront("POST", "/v1/push/subscriptions", {
    endpoint: pushEndpoint,
    keys: { p256dh, auth },
    customerId: customer.externalId,
  });

  // Segments, scenarios, templates, campaigns, ad costs.
  const segment = `${id}-buyers`;
  await api("PUT", `/v1/segments/${segment}`, {
    name: `${marker} buyers`,
    description: marker,
    rule: { type: "orders", withinDays: 365, min: 1 },
  });
  await api("POST", "/v1/segments/starter");
  await api("PUT", `/v1/templates/${template.key}/${template.channel}/${template.locale}`, {
    messageClass: "promotional",
    subject: `${marker} 新茶のご案内`,
    body: PROMO_HTML(marker),
  });
  const libraryScenario = "cart-abandonment";
  await api("POST", `/v1/scenarios/from-template/${libraryScenario}`);
  const scenario = `${id}-flow`;
  await api(
    "POST",
    "/v1/scenarios",
    {
      key: scenario,
      activate: true,
      definition: {
        name: `${marker} flow`,
        trigger: { type: "event", eventTypes: ["favourite"] },
        start: "hello",
        steps: [{ id: "hello", type: "send", template: template.key, channels: ["email"] }],
      },
    },
    201,
  );
  const campaign = (name: string) => ({
    name: `${marker} ${name}`,
    channels: ["email"],
    variants: [{ name: "A", template: template.key }],
  });
  const draft = (await api("POST", "/v1/campaigns", campaign("draft"), 201)).json().id as number;
  const sent = (await api("POST", "/v1/campaigns", campaign("sent"), 201)).json().id as number;
  await api("POST", `/v1/campaigns/${sent}/schedule`, {});
  const adCost = { channel: `${id}-ads`, month: "2026-05" };
  await api("PUT", `/v1/ad-costs/${adCost.channel}/${adCost.month}`, { amount: 54_321, currency: "JPY" });
  await api("POST", `/v1/customers/${created.json().customer.id}/line-link`);
  // A person who signs in to A's admin.
  const userEmail = `${id}-owner@example.jp`;
  const member = await api("POST", "/v1/users", {
    email: userEmail,
    name: `${marker} 店長`,
    role: "owner",
    password: `Kz-${hex(10)}-pass!`,
  });
  const keys = await api("GET", "/v1/api-keys");
  const secretKeyRow = (keys.json().apiKeys as Array<{ id: number; kind: string }>).find(
    (k) => k.kind === "secret",
  );

  // Postal DMs as the engine queues them (there is no API that queues one): one exported, one due.
  const now = world.clock.now().toISOString();
  const customerId = created.json().customer.id as number;
  await queuePostal(world.ctx.db, a.shop.id, customerId, now, { template_key: `${id}-dm` });
  await queuePostal(world.ctx.db, a.shop.id, customerId, now, { template_key: `${id}-dm` });
  const exported = await api("POST", "/v1/postal/exports", { limit: 1 });
  const postalBatch = String(exported.headers["x-kizuna-batch-id"]);
  expect(postalBatch).toMatch(/\S/);

  return {
    shopId: a.shop.id,
    secret: bearer(a.secretKey),
    public: bearer(a.publicKey),
    marker,
    customer: { ...customer, id: customerId },
    guest,
    visitorId,
    eventId,
    sku,
    sku2,
    order,
    order2,
    segment,
    scenario,
    libraryScenario,
    template,
    scenarioId: 0,
    campaignDraft: draft,
    campaignSent: sent,
    // Filled in by settle() once the worker has started the campaign.
    emailMessage: 0,
    postalBatch,
    adCost,
    shopDomain,
    mailDomain: `${id}.example.jp`,
    pushEndpoint,
    user: { id: member.json().user.userId as number, email: userEmail },
    secretKeyId: Number(secretKeyRow?.id),
    identifiers: [
      vapidKey,
      inboundWebhookSecret(world.ctx.secret, a.shop.id),
      userEmail,
      customer.externalId,
      customer.email,
      customer.phone.slice(1),
      guest.externalId,
      guest.email,
      visitorId,
      eventId,
      sku,
      sku2,
      order,
      order2,
      segment,
      scenario,
      template.key,
      postalBatch,
      adCost.channel,
      shopDomain,
      `${id}-push`,
      `${id}.example.jp`,
      `@${id}`,
    ],
    reads: [],
  };
}

/**
 * Runs the worker until nothing is due (the campaign starts and queues A's email, metrics, segments and
 * recommendations are computed for every shop), then lists the reads that show A's data.
 */
export async function settle(world: World, a: ShopA): Promise<void> {
  await drainJobs(world.ctx.db, world.clock);
  const message = await world.ctx.db
    .selectFrom("messages")
    .select("id")
    .where("shop_id", "=", a.shopId)
    .where("channel", "=", "email")
    .orderBy("id")
    .executeTakeFirstOrThrow();
  a.emailMessage = Number(message.id);
  const scenarios = await apiAs(world.app, a.secret)("GET", "/v1/scenarios");
  a.scenarioId = (scenarios.json().scenarios as Array<{ id: number; key: string }>).find(
    (s) => s.key === a.scenario,
  )!.id;
  const postal = await world.ctx.db
    .selectFrom("messages")
    .select("id")
    .where("shop_id", "=", a.shopId)
    .where("channel", "=", "postal")
    .execute();
  const c = a.customer.externalId;
  a.reads = [
    `/v1/customers/${c}`,
    `/v1/customers/${a.guest.externalId}`,
    `/v1/customers?q=${encodeURIComponent(a.marker)}`,
    `/v1/customers/${c}/segments`,
    `/v1/customers/${c}/metrics`,
    `/v1/customers/${c}/recommendations`,
    `/v1/products/${a.sku}`,
    `/v1/products/${a.sku2}`,
    `/v1/products/${a.sku}/related`,
    `/v1/orders/${a.order}`,
    `/v1/orders/${a.order2}`,
    "/v1/segments",
    `/v1/segments/${a.segment}`,
    `/v1/segments/${a.segment}/members`,
    "/v1/scenario-library",
    "/v1/scenarios",
    `/v1/scenarios/${a.scenario}`,
    `/v1/scenarios/${a.libraryScenario}`,
    "/v1/campaigns",
    `/v1/campaigns/${a.campaignDraft}`,
    `/v1/campaigns/${a.campaignSent}`,
    "/v1/templates",
    "/v1/channels",
    "/v1/channels/email/inbound",
    "/v1/shop/profile",
    "/v1/deliverability",
    `/v1/messages/${a.emailMessage}`,
    ...postal.map((m) => `/v1/messages/${m.id}`),
    "/v1/postal/exports",
    `/v1/postal/exports/${a.postalBatch}`,
    "/v1/ad-costs",
    "/v1/integrations/shopify",
    "/v1/users",
    "/v1/api-keys",
    "/v1/audit-log",
    ...REPORT_NAMES.map((r) => `/v1/reports/${r}`),
    `/v1/reports/performance?campaignId=${a.campaignSent}`,
    `/v1/reports/performance?scenarioId=${a.scenarioId}`,
  ];
}

/** What B (and its twin C) have of their own: enough for every probe to reach past "not set up". */
export interface OwnShop {
  shopId: number;
  secretKey: string;
  publicKey: string;
  shopifySecret: string;
  shopDomain: string;
  lineSecret: string;
}

export async function seedOwnShop(world: World, shop: CreatedShop, label: string): Promise<OwnShop> {
  const api = apiAs(world.app, bearer(shop.secretKey));
  const shopifySecret = `shpss_${label}_${hex(12)}`;
  const lineSecret = `line-secret-${label}-${hex(8)}`;
  const shopDomain = `${label}-${hex(3)}.myshopify.com`;
  await api("PUT", "/v1/integrations/shopify", { shopDomain, webhookSecret: shopifySecret });
  await api("PUT", "/v1/channels/line", {
    provider: "line",
    settings: { botBasicId: "@own-shop", apiBaseUrl: "http://127.0.0.1:9" },
    secrets: { channelAccessToken: "own-token", channelSecret: lineSecret },
  });
  // The same member id, email, SKU and order number in both twins.
  await api("POST", "/v1/customers", { externalId: "own-c1", email: "own-c1@example.com", lastName: "Own" });
  await api("POST", "/v1/products", { sku: "own-sku", name: "Own product", price: 1000, stock: 3 });
  await api("POST", "/v1/orders", {
    externalId: "own-o1",
    customerId: "own-c1",
    orderedAt: "2026-05-25T10:00:00+09:00",
    items: [{ sku: "own-sku", quantity: 1, unitPrice: 1000 }],
  });
  return {
    shopId: shop.shop.id,
    secretKey: shop.secretKey,
    publicKey: shop.publicKey,
    shopifySecret,
    shopDomain,
    lineSecret,
  };
}
