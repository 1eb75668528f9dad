// Steps shared by the unsubscribe and preference-centre stories: customers made through the customer
// API, the links a message would carry, a recipient's clicks and form posts, and what the database
// then holds (consents, the consent log, message events, saved preferences).
import type { LightMyRequestResponse } from "fastify";
import { expect } from "vitest";
import { toIso } from "../../../src/core/clock.js";
import type { Channel } from "../../../src/db/index.js";
import { type RecipientRef, recipientToken } from "../../../src/messaging/links.js";
import type { TestApp } from "../../support/app.js";

export type Headers = Record<string, string>;

/** Creates (or updates) a customer through the API as the shop's server; returns its id. */
export async function customer(t: TestApp, body: Record<string, unknown>, headers: Headers = t.secret) {
  const res = await t.app.inject({ method: "POST", url: "/v1/customers", headers, payload: body });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ customer: { id: number } }>().customer.id;
}

export async function product(t: TestApp, sku: string, categoryPath: string | null) {
  const res = await t.app.inject({
    method: "POST",
    url: "/v1/products",
    headers: t.secret,
    payload: { sku, name: sku, categoryPath, price: 1000 },
  });
  expect(res.statusCode, res.body).toBe(200);
}

/** An outbox row, as the delivery pipeline would have left it after sending. */
export async function sentMessage(
  t: TestApp,
  shopId: number,
  customerId: number,
  channel: Channel = "email",
) {
  const now = toIso(t.clock.now());
  const row = await t.ctx.db
    .insertInto("messages")
    .values({
      shop_id: shopId,
      customer_id: customerId,
      channel,
      template_key: "newsletter",
      message_class: "promotional",
      status: "sent",
      status_reason: null,
      idempotency_key: `test:${customerId}:${now}:${Math.random()}`,
      scenario_id: null,
      scenario_version: null,
      run_id: null,
      step_id: null,
      campaign_id: null,
      variant: null,
      payload: "{}",
      queued_at: now,
      sent_at: now,
      opened_at: null,
      clicked_at: null,
      updated_at: now,
      due_at: null,
      address: null,
      provider_id: null,
      delivered_at: null,
      converted_at: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export function unsubscribeUrl(t: TestApp, ref: RecipientRef, query = ""): string {
  return `/u/${recipientToken(t.ctx.secret, "unsubscribe", ref)}${query}`;
}

export function preferencesUrl(t: TestApp, ref: RecipientRef, query = ""): string {
  return `/p/${recipientToken(t.ctx.secret, "preferences", ref)}${query}`;
}

export function get(t: TestApp, url: string, headers: Headers = {}) {
  return t.app.inject({ method: "GET", url, headers });
}

/** A browser form post (application/x-www-form-urlencoded); repeated fields as arrays. */
export function postForm(t: TestApp, url: string, fields: Record<string, string | string[]> = {}) {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields))
    for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
  return t.app.inject({
    method: "POST",
    url,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    payload: body.toString(),
  });
}

/** The RFC 8058 POST a mailbox provider sends, in either encoding it may use. */
export function oneClick(t: TestApp, url: string, encoding: "urlencoded" | "multipart") {
  if (encoding === "urlencoded") {
    return t.app.inject({
      method: "POST",
      url,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: "List-Unsubscribe=One-Click",
    });
  }
  const boundary = "----kizunaTestBoundary7MA4YWxkTrZu0gW";
  const payload = [
    `--${boundary}`,
    'Content-Disposition: form-data; name="List-Unsubscribe"',
    "",
    "One-Click",
    `--${boundary}--`,
    "",
  ].join("\r\n");
  return t.app.inject({
    method: "POST",
    url,
    headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
    payload,
  });
}

/** Asserts an HTML page with the headers every recipient page carries; returns its body. */
export function page(res: LightMyRequestResponse, status = 200): string {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers["content-type"]).toMatch(/^text\/html; charset=utf-8/);
  expect(res.headers["cache-control"]).toBe("no-store");
  expect(res.body).toMatch(/^<!doctype html>\n<html lang="(ja|en)">/);
  return res.body;
}

export async function consentOf(t: TestApp, shopId: number, customerId: number, channel: Channel) {
  const row = await t.ctx.db
    .selectFrom("consents")
    .select(["granted", "source"])
    .where("shop_id", "=", shopId)
    .where("customer_id", "=", customerId)
    .where("channel", "=", channel)
    .executeTakeFirst();
  return row ? { granted: row.granted === 1, source: row.source } : null;
}

export async function consentLog(t: TestApp, shopId: number, customerId: number) {
  const rows = await t.ctx.db
    .selectFrom("consent_log")
    .select(["channel", "granted", "source"])
    .where("shop_id", "=", shopId)
    .where("customer_id", "=", customerId)
    .orderBy("id")
    .execute();
  return rows.map((r) => ({ channel: r.channel, granted: r.granted === 1, source: r.source }));
}

export async function messageEvents(t: TestApp, messageId: number) {
  const rows = await t.ctx.db
    .selectFrom("message_events")
    .select(["shop_id", "type", "reason"])
    .where("message_id", "=", messageId)
    .orderBy("id")
    .execute();
  return rows.map((r) => ({ shopId: Number(r.shop_id), type: r.type, reason: r.reason }));
}

/** The checkboxes and radios of a page: name=value pairs, and whether each is checked. */
export function inputsOf(html: string): Array<{ name: string; value: string; checked: boolean }> {
  return [...html.matchAll(/<input type="(?:checkbox|radio)"[^>]*>/g)].map((m) => ({
    name: /name="([^"]*)"/.exec(m[0])?.[1] ?? "",
    value: /value="([^"]*)"/.exec(m[0])?.[1] ?? "",
    checked: / checked\b/.test(m[0]),
  }));
}
