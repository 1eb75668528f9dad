// A real app on the file's test database with the confirmation pages mounted (whether or not the app
// mounts them itself yet), and a new shop per story, as the library stories do.
import type { FastifyInstance } from "fastify";
import { ManualClock } from "../../../src/core/clock.js";
import { silentLogger } from "../../../src/core/logger.js";
import type { Channel } from "../../../src/db/index.js";
import { buildApp } from "../../../src/http/app.js";
import type { AppContext } from "../../../src/http/context.js";
import { optInRoutes } from "../../../src/messaging/opt-in/index.js";
import { createShop } from "../../../src/shops/index.js";
import { bearer } from "../../support/app.js";
import { createTestDb, type TestDb } from "../../support/db.js";

export interface OptInApp {
  app: FastifyInstance;
  ctx: AppContext;
  clock: ManualClock;
  testDb: TestDb;
}

export interface OptInShop {
  shopId: number;
  secret: { authorization: string };
}

let shared: OptInApp | undefined;

export async function optInApp(start: string): Promise<OptInApp> {
  if (shared) {
    shared.clock.set(start);
    return shared;
  }
  const testDb = await createTestDb();
  const clock = new ManualClock(start);
  const ctx: AppContext = { db: testDb.db, clock, logger: silentLogger, secret: "test-secret-0123456789" };
  const app = await buildApp(ctx);
  if (!app.hasRoute({ method: "GET", url: "/c/:token" })) await app.register(optInRoutes, { ctx });
  await app.ready();
  shared = { app, ctx, clock, testDb };
  return shared;
}

export async function closeOptInApp(): Promise<void> {
  await shared?.app.close();
  await shared?.testDb.cleanup();
  shared = undefined;
}

/** A new shop; `doubleOptIn` switches double opt-in on for email in its settings. */
export async function newShop(t: OptInApp, doubleOptIn: boolean): Promise<OptInShop> {
  const created = await createShop(t.ctx.db, t.clock, { name: "きずな茶房 & Co." });
  const secret = bearer(created.secretKey);
  if (doubleOptIn) {
    // As the shop turns it on: through its delivery policies.
    const res = await t.app.inject({
      method: "PATCH",
      url: "/v1/shop/policies",
      headers: secret,
      payload: { doubleOptIn: { email: true } },
    });
    if (res.statusCode !== 200) throw new Error(res.body);
  }
  return { shopId: created.shop.id, secret };
}

export async function newCustomer(t: OptInApp, shop: OptInShop, externalId: string): Promise<number> {
  const res = await t.app.inject({
    method: "POST",
    url: "/v1/customers",
    headers: shop.secret,
    payload: { externalId, email: `${externalId}@example.jp`, lastName: "山田" },
  });
  if (res.statusCode !== 200) throw new Error(res.body);
  return (JSON.parse(res.body) as { customer: { id: number } }).customer.id;
}

export async function consentsOf(t: OptInApp, shopId: number, customerId: number) {
  return t.ctx.db
    .selectFrom("consents")
    .select(["channel", "granted", "source"])
    .where("shop_id", "=", shopId)
    .where("customer_id", "=", customerId)
    .orderBy("channel")
    .execute();
}

export async function consentLogOf(t: OptInApp, shopId: number, customerId: number, channel: Channel) {
  return t.ctx.db
    .selectFrom("consent_log")
    .select(["granted", "source"])
    .where("shop_id", "=", shopId)
    .where("customer_id", "=", customerId)
    .where("channel", "=", channel)
    .orderBy("id")
    .execute();
}

export async function outboxOf(t: OptInApp, shopId: number) {
  return t.ctx.db
    .selectFrom("messages")
    .select(["id", "customer_id", "channel", "template_key", "message_class", "status", "payload"])
    .where("shop_id", "=", shopId)
    .orderBy("id")
    .execute();
}
