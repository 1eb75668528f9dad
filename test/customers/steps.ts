// Steps shared by the customer stories: calls to the customer API as a shop's server or storefront
// makes them, and rows written straight into the tables of features these stories do not exercise
// (orders, storefront events, ledger entries of guest profiles).
import type { LightMyRequestResponse } from "fastify";
import { expect } from "vitest";
import type { PointBalance } from "../../src/customers/points.js";
import type { getCustomerProfile } from "../../src/customers/profile.js";
import type { CustomerOutput } from "../../src/customers/schema.js";
import type { Channel, EventType, PointKind } from "../../src/db/index.js";
import type { TestApp } from "../support/app.js";

export type Profile = Awaited<ReturnType<typeof getCustomerProfile>>;
export type Headers = Record<string, string>;
type Body = Record<string, unknown>;

export interface UpsertReply {
  customer: CustomerOutput;
  created: boolean;
  merged: number;
}

export interface PointsReply {
  recorded: boolean;
  points: PointBalance;
}

export interface ErrorReply {
  error: { code: string; message: string; issues: Array<{ field: string; message: string }> };
}

/** The customer API as one caller (by default the shop's server, holding the secret key) sees it. */
export function customerApi(t: TestApp, headers: Headers = t.secret) {
  const call = (method: "GET" | "POST", url: string, payload?: Body) =>
    t.app.inject({ method, url, headers, payload });
  const path = (externalId: string) => `/v1/customers/${encodeURIComponent(externalId)}`;
  return {
    upsert: (customer: Body) => call("POST", "/v1/customers", customer),
    batch: (customers: Body[]) => call("POST", "/v1/customers/batch", { customers }),
    get: (externalId: string) => call("GET", path(externalId)),
    search: (query: Record<string, string>) => call("GET", `/v1/customers?${new URLSearchParams(query)}`),
    consents: (externalId: string, body: Body) => call("POST", `${path(externalId)}/consents`, body),
    points: (externalId: string, entry: Body) => call("POST", `${path(externalId)}/points`, entry),
    identify: (body: Body) => call("POST", "/v1/identify", body),
  };
}

export type CustomerApi = ReturnType<typeof customerApi>;

/** The JSON body of a 200 reply (the body is shown when the status is not 200). */
export function ok<T>(res: LightMyRequestResponse): T {
  expect(res.statusCode, res.body).toBe(200);
  return res.json<T>();
}

/** Asserts the one JSON error shape, with `status`, and returns it. */
export function failure(res: LightMyRequestResponse, status: number): ErrorReply["error"] {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers["content-type"]).toMatch(/^application\/json/);
  const { error } = res.json<ErrorReply>();
  expect(error).toEqual({
    code: expect.any(String),
    message: expect.any(String),
    issues: expect.any(Array),
  });
  return error;
}

/** Asserts a 400 whose issues name `field`, and returns the issue's message. */
export function rejects(res: LightMyRequestResponse, field: string): string {
  const error = failure(res, 400);
  expect(error.code).toBe("validation_failed");
  const issue = error.issues.find((i) => i.field === field);
  expect(issue, `no issue for ${field} in ${res.body}`).toBeDefined();
  return issue?.message ?? "";
}

export async function upserted(api: CustomerApi, customer: Body): Promise<UpsertReply> {
  return ok<UpsertReply>(await api.upsert(customer));
}

export async function profileOf(api: CustomerApi, externalId: string): Promise<Profile> {
  return ok<Profile>(await api.get(externalId));
}

export async function pointsRecorded(
  api: CustomerApi,
  externalId: string,
  entry: Body,
): Promise<PointsReply> {
  return ok<PointsReply>(await api.points(externalId, entry));
}

export const shopIdOf = (t: TestApp) => t.shop.shop.id;

export async function customerRow(t: TestApp, id: number) {
  return t.testDb.db.selectFrom("customers").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

export async function insertOrder(
  t: TestApp,
  order: {
    customerId: number | null;
    externalId: string;
    orderedAt: string;
    total?: number;
    shopId?: number;
  },
): Promise<void> {
  const total = order.total ?? 5_000;
  await t.testDb.db
    .insertInto("orders")
    .values({
      shop_id: order.shopId ?? shopIdOf(t),
      external_id: order.externalId,
      customer_id: order.customerId,
      channel: "online",
      status: "paid",
      ordered_at: order.orderedAt,
      currency: "JPY",
      subtotal: total,
      discount: 0,
      shipping: 0,
      tax: 0,
      points_used: 0,
      total,
      created_at: order.orderedAt,
      updated_at: order.orderedAt,
    })
    .execute();
}

export async function insertEvent(
  t: TestApp,
  event: {
    customerId?: number | null;
    visitorId?: string | null;
    type?: EventType;
    sku?: string | null;
    occurredAt: string;
    properties?: Record<string, unknown>;
    shopId?: number;
  },
): Promise<void> {
  await t.testDb.db
    .insertInto("events")
    .values({
      shop_id: event.shopId ?? shopIdOf(t),
      customer_id: event.customerId ?? null,
      visitor_id: event.visitorId ?? null,
      type: event.type ?? "product_view",
      sku: event.sku ?? null,
      properties: JSON.stringify(event.properties ?? {}),
      occurred_at: event.occurredAt,
      received_at: event.occurredAt,
    })
    .execute();
}

/** A ledger row written directly, for profiles the points endpoint cannot address (no external id). */
export async function insertLedgerEntry(
  t: TestApp,
  entry: { customerId: number; kind: PointKind; points: number; expiresAt?: string; occurredAt: string },
): Promise<void> {
  await t.testDb.db
    .insertInto("point_ledger")
    .values({
      shop_id: shopIdOf(t),
      customer_id: entry.customerId,
      kind: entry.kind,
      points: entry.points,
      expires_at: entry.expiresAt ?? null,
      occurred_at: entry.occurredAt,
    })
    .execute();
}

export async function consentLog(t: TestApp, customerId: number, channel?: Channel) {
  let q = t.testDb.db
    .selectFrom("consent_log")
    .select(["channel", "granted", "source", "recorded_at"])
    .where("customer_id", "=", customerId);
  if (channel) q = q.where("channel", "=", channel);
  return q.orderBy("id").execute();
}

export const HOUR = 60 * 60 * 1000;
export const DAY = 24 * HOUR;
