// Helpers for the library stories: a shop with one ready-made scenario switched on, its data sent through
// the real API, the worker run at given Tokyo wall-clock times, and the outbox, coupons, conversions and
// runs read back in the shop's words (member ids, templates, Tokyo times).
import { expect } from "vitest";
import type { Channel } from "../../../src/db/index.js";
import { fromJson } from "../../../src/db/index.js";
import { enableLibraryScenario, listScenarios, setScenarioStatus } from "../../../src/scenarios/index.js";
import { createShop } from "../../../src/shops/index.js";
import { drainJobs } from "../../../src/worker/index.js";
import { bearer, createTestApp, type TestApp } from "../../support/app.js";

export type { TestApp } from "../../support/app.js";
export { DAY, HOUR, MINUTE, placeOrder, sendEvents, upsertCustomer } from "../support.js";

let fileApp: TestApp | undefined;

/**
 * A new shop, with the clock at `start`, for one story. The stories of a test file share its database
 * (made on first use): creating and migrating a PostgreSQL schema costs more than most stories, and
 * everything here is scoped to the shop. The shop's `close()` archives its scenarios, so nothing of it
 * runs during the next story; `closeFileDatabase()` drops the database after the file.
 */
export async function openShop(start: string): Promise<TestApp> {
  if (!fileApp) {
    fileApp = await createTestApp(start);
    return { ...fileApp, close: () => retire(fileApp!, fileApp!.shop.shop.id) };
  }
  const app = fileApp;
  app.clock.set(start);
  const shop = await createShop(app.ctx.db, app.clock, { name: "Test Shop" });
  return {
    ...app,
    shop,
    secret: bearer(shop.secretKey),
    public: bearer(shop.publicKey),
    close: () => retire(app, shop.shop.id),
  };
}

async function retire(app: TestApp, shopId: number): Promise<void> {
  for (const scenario of await listScenarios(app.ctx.db, shopId)) {
    await setScenarioStatus(app.ctx.db, app.clock, shopId, scenario.key, "archived");
  }
}

export async function closeFileDatabase(): Promise<void> {
  await fileApp?.close();
  fileApp = undefined;
}

/** Monday 1 June 2026, 10:00 in Tokyo: inside the day, clear of quiet hours. */
export const MONDAY_10AM = "2026-06-01T01:00:00.000Z";

/** A Tokyo wall-clock time as a UTC instant: jst("2026-06-02 09:00") is "2026-06-02T00:00:00.000Z". */
export function jst(local: string): string {
  const [date, time = "00:00"] = local.split(" ");
  const seconds = time.length === 5 ? `${time}:00` : time;
  return new Date(`${date}T${seconds}+09:00`).toISOString();
}

/** A LINE user id (U + 32 hex digits) that is easy to tell apart in a test. */
export const lineUser = (n: number) => `U${String(n).padStart(32, "0")}`;

/** The shop switches a library scenario on, as from the gallery. */
export async function switchOn(t: TestApp, key: string): Promise<void> {
  await enableLibraryScenario(t.ctx.db, t.clock, t.shop.shop.id, key);
}

/** Moves the clock to a Tokyo wall-clock time (never backwards). */
export function setClock(t: TestApp, local: string): void {
  const to = new Date(jst(local));
  expect(to.getTime(), `the clock only moves forward (to ${local})`).toBeGreaterThanOrEqual(
    t.clock.now().getTime(),
  );
  t.clock.set(to);
}

/** Moves the clock to a Tokyo wall-clock time and runs a worker round, as the worker would then. */
export async function workerAt(t: TestApp, local: string): Promise<void> {
  setClock(t, local);
  await drainJobs(t.ctx.db, t.clock);
}

/**
 * Runs the worker once a day at `local`'s time of day, from the first such time after the clock's
 * up to and including `local` itself.
 */
export async function workerDailyUntil(t: TestApp, local: string): Promise<void> {
  const until = new Date(jst(local)).getTime();
  const now = t.clock.now().getTime();
  let next = until - Math.floor((until - now) / 86_400_000) * 86_400_000;
  if (next === now) next += 86_400_000;
  for (; next <= until; next += 86_400_000) {
    t.clock.set(new Date(next));
    await drainJobs(t.ctx.db, t.clock);
  }
}

export interface OutboxMessage {
  to: string;
  channel: Channel;
  template: string;
  status: string;
  reason: string | null;
  step: string | null;
  at: string;
  payload: Record<string, unknown>;
}

/** Every message of the shop's outbox, oldest first (ties by member id and template). */
export async function outbox(t: TestApp): Promise<OutboxMessage[]> {
  const rows = await t.ctx.db
    .selectFrom("messages")
    .innerJoin("customers", "customers.id", "messages.customer_id")
    .select([
      "customers.external_id as to",
      "messages.channel",
      "messages.template_key as template",
      "messages.status",
      "messages.status_reason as reason",
      "messages.step_id as step",
      "messages.queued_at as at",
      "messages.payload",
    ])
    .where("messages.shop_id", "=", t.shop.shop.id)
    .execute();
  return rows
    .map((r) => ({ ...r, to: r.to ?? "?", payload: fromJson(r.payload) }))
    .sort(
      (a, b) => a.at.localeCompare(b.at) || a.to.localeCompare(b.to) || a.template.localeCompare(b.template),
    );
}

/** What was queued for sending: [member, channel, template, queued at], oldest first. */
export async function queued(t: TestApp): Promise<Array<[string, Channel, string, string]>> {
  return (await outbox(t))
    .filter((m) => m.status === "queued")
    .map((m) => [m.to, m.channel, m.template, m.at]);
}

/** What a step recorded but held back: [member, template, reason]. */
export async function heldBack(t: TestApp): Promise<Array<[string, string, string | null]>> {
  return (await outbox(t)).filter((m) => m.status === "suppressed").map((m) => [m.to, m.template, m.reason]);
}

/** The payload of the one queued message of `template` to `member`. */
export async function payloadOf(
  t: TestApp,
  member: string,
  template: string,
): Promise<Record<string, unknown>> {
  const found = (await outbox(t)).filter(
    (m) => m.to === member && m.template === template && m.status === "queued",
  );
  expect(found, `one queued ${template} to ${member}`).toHaveLength(1);
  return found[0].payload;
}

/** A member's coupons, oldest first. */
export async function couponsOf(t: TestApp, member: string) {
  return t.ctx.db
    .selectFrom("coupons")
    .innerJoin("customers", "customers.id", "coupons.customer_id")
    .select(["coupons.code", "coupons.kind", "coupons.value", "coupons.expires_at", "coupons.created_at"])
    .where("coupons.shop_id", "=", t.shop.shop.id)
    .where("customers.external_id", "=", member)
    .orderBy("coupons.id")
    .execute();
}

/** Members who hold any coupon, sorted. */
export async function couponHolders(t: TestApp): Promise<string[]> {
  const rows = await t.ctx.db
    .selectFrom("coupons")
    .innerJoin("customers", "customers.id", "coupons.customer_id")
    .select("customers.external_id")
    .where("coupons.shop_id", "=", t.shop.shop.id)
    .execute();
  return [...new Set(rows.map((r) => r.external_id ?? "?"))].sort();
}

/** Recorded conversions: member, order number, revenue and the step credited. */
export async function conversions(t: TestApp) {
  return t.ctx.db
    .selectFrom("conversions")
    .innerJoin("customers", "customers.id", "conversions.customer_id")
    .innerJoin("orders", "orders.id", "conversions.order_id")
    .select([
      "customers.external_id as member",
      "orders.external_id as order",
      "conversions.revenue",
      "conversions.step_id as step",
    ])
    .where("conversions.shop_id", "=", t.shop.shop.id)
    .orderBy("conversions.id")
    .execute();
}

/** The members who entered the scenario (one entry per run), sorted. */
export async function entrants(t: TestApp): Promise<string[]> {
  const rows = await t.ctx.db
    .selectFrom("scenario_runs")
    .innerJoin("customers", "customers.id", "scenario_runs.customer_id")
    .select("customers.external_id")
    .where("scenario_runs.shop_id", "=", t.shop.shop.id)
    .execute();
  return rows.map((r) => r.external_id ?? "?").sort();
}

/** How each member's runs ended (or "active"), sorted by member. */
export async function runEnds(t: TestApp): Promise<Array<[string, string]>> {
  const rows = await t.ctx.db
    .selectFrom("scenario_runs")
    .innerJoin("customers", "customers.id", "scenario_runs.customer_id")
    .select(["customers.external_id", "scenario_runs.status", "scenario_runs.end_reason"])
    .where("scenario_runs.shop_id", "=", t.shop.shop.id)
    .orderBy("scenario_runs.id")
    .execute();
  return rows
    .map((r): [string, string] => [r.external_id ?? "?", r.end_reason ?? r.status])
    .sort((a, b) => a[0].localeCompare(b[0]));
}

/** Creates or updates a product through the catalogue API. */
export async function putProduct(t: TestApp, product: Record<string, unknown>): Promise<void> {
  const res = await t.app.inject({
    method: "POST",
    url: "/v1/products",
    headers: t.secret,
    payload: product,
  });
  expect(res.statusCode, res.body).toBe(200);
}

/** An inventory feed sets a product's stock. */
export async function setStock(t: TestApp, sku: string, stock: number): Promise<{ restocked: boolean }> {
  const res = await t.app.inject({
    method: "PUT",
    url: `/v1/products/${sku}/stock`,
    headers: t.secret,
    payload: { stock },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** Adds a point ledger entry (earn, spend…) for a member. */
export async function points(t: TestApp, member: string, entry: Record<string, unknown>): Promise<void> {
  const res = await t.app.inject({
    method: "POST",
    url: `/v1/customers/${member}/points`,
    headers: t.secret,
    payload: entry,
  });
  expect(res.statusCode, res.body).toBe(200);
}
