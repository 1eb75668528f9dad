// Steps shared by the storefront-event stories: sending events as the snippet or a shop's server
// would, and reading back what was stored.
import pg from "pg";
import type { StorefrontEvent } from "../../src/db/index.js";
import { createTestApp, type TestApp } from "../support/app.js";
import { testEngine } from "../support/db.js";

// Kysely's migrator looks for its bookkeeping table in every PostgreSQL schema, so test files that
// migrate their schemas at the same moment trip over each other. Same advisory lock (and reason) as
// test/customers/steps.ts; it belongs in test/support once the lead moves it there.
const MIGRATION_LOCK = 4_710_001;

export async function createEventsTestApp(start?: string): Promise<TestApp> {
  const url = process.env.DATABASE_URL;
  if (testEngine() !== "postgres" || !url) return createTestApp(start);
  const lock = new pg.Client({ connectionString: url });
  await lock.connect();
  try {
    await lock.query("select pg_advisory_lock($1)", [MIGRATION_LOCK]);
    return await createTestApp(start);
  } finally {
    await lock.end();
  }
}

export type Headers = Record<string, string>;

/** POST /v1/events as JSON with the given headers (by default the storefront's public key). */
export function postEvents(t: TestApp, payload: unknown, headers: Headers = t.public, query = "") {
  return t.app.inject({ method: "POST", url: `/v1/events${query}`, headers, payload: payload as object });
}

export async function storedEvents(t: TestApp, shopId = t.shop.shop.id): Promise<StorefrontEvent[]> {
  return t.ctx.db.selectFrom("events").selectAll().where("shop_id", "=", shopId).orderBy("id").execute();
}

export async function customerIdOf(t: TestApp, externalId: string, shopId = t.shop.shop.id) {
  const row = await t.ctx.db
    .selectFrom("customers")
    .select("id")
    .where("shop_id", "=", shopId)
    .where("external_id", "=", externalId)
    .executeTakeFirst();
  return row?.id;
}

/** `n` product views by anonymous visitors, each with its own eventId. */
export function productViews(n: number, prefix = "e") {
  return Array.from({ length: n }, (_, i) => ({
    type: "product_view",
    visitorId: `v${i % 50}`,
    sku: `SKU-${i % 20}`,
    eventId: `${prefix}${i}`,
    properties: { position: i },
  }));
}
