// Helpers for scenario tests: a shop with customers made through the real API, templates, and a
// worker round (triggers, then steps) run with the test's clock.
import { expect } from "vitest";
import type { Channel } from "../../src/db/index.js";
import { ensureTemplates } from "../../src/scenarios/index.js";
import { drainJobs } from "../../src/worker/index.js";
import type { TestApp } from "../support/app.js";

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export async function upsertCustomer(
  t: TestApp,
  customer: Record<string, unknown>,
  consents: Partial<Record<Channel, boolean>> = {},
): Promise<number> {
  const res = await t.app.inject({
    method: "POST",
    url: "/v1/customers",
    headers: t.secret,
    payload: customer,
  });
  expect(res.statusCode, res.body).toBe(200);
  if (Object.keys(consents).length > 0) {
    const c = await t.app.inject({
      method: "POST",
      url: `/v1/customers/${customer.externalId}/consents`,
      headers: t.secret,
      payload: { consents },
    });
    expect(c.statusCode, c.body).toBe(200);
  }
  const row = await t.ctx.db
    .selectFrom("customers")
    .select("id")
    .where("shop_id", "=", t.shop.shop.id)
    .where("external_id", "=", String(customer.externalId))
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function sendEvents(t: TestApp, events: Array<Record<string, unknown>>): Promise<void> {
  const res = await t.app.inject({
    method: "POST",
    url: "/v1/events",
    headers: t.public,
    payload: { events },
  });
  expect(res.statusCode, res.body).toBe(200);
}

export async function placeOrder(t: TestApp, order: Record<string, unknown>): Promise<void> {
  const res = await t.app.inject({ method: "POST", url: "/v1/orders", headers: t.secret, payload: order });
  expect(res.statusCode, res.body).toBe(200);
}

export async function templatesFor(
  t: TestApp,
  keys: string[],
  channels: Channel[] = ["email", "line", "sms"],
) {
  await ensureTemplates(
    t.ctx.db,
    t.clock,
    t.shop.shop.id,
    keys.flatMap((key) =>
      channels.map((channel) => ({
        key,
        channel,
        locale: "ja",
        messageClass: "promotional" as const,
        subject: channel === "email" ? `${key} subject` : null,
        body: `${key} body`,
      })),
    ),
  );
}

/** Moves the clock and runs the worker until it has nothing due. */
export async function advance(t: TestApp, ms: number): Promise<void> {
  t.clock.advance(ms);
  await drainJobs(t.ctx.db, t.clock);
}

export async function messages(t: TestApp) {
  return t.ctx.db
    .selectFrom("messages")
    .innerJoin("customers", "customers.id", "messages.customer_id")
    .select([
      "customers.external_id as customer",
      "messages.channel",
      "messages.template_key as template",
      "messages.status",
      "messages.status_reason as reason",
      "messages.step_id as step",
      "messages.queued_at",
      "messages.run_id",
    ])
    .where("messages.shop_id", "=", t.shop.shop.id)
    .orderBy("messages.id")
    .execute();
}
