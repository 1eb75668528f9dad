// A customer's history in one list for the admin's profile page: orders, storefront events and messages
// (with when they were opened and clicked), newest first, paged with a cursor; and the coupons issued
// to them. The three sources are read separately and merged here, so each keeps its own index.

import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from "kysely";
import { z } from "zod";
import { NotFoundError } from "../core/errors.js";
import { type Db, fromJson, type Schema } from "../db/index.js";
import { shopIdOf } from "../http/auth.js";
import type { RoutePlugin } from "../http/context.js";
import { findByExternalId } from "./identity.js";

const tags = ["customers"];
const KINDS = ["order", "message", "event"] as const;
type Kind = (typeof KINDS)[number];
/** Among entries at the same instant, orders come first, then messages, then events. */
const RANK: Record<Kind, number> = { order: 3, message: 2, event: 1 };

/** Where a page ended: the last entry's time, kind and id ("2026-05-01T00:00:00.000Z/order/12"). */
interface Cursor {
  at: string;
  rank: number;
  id: number;
}

const CURSOR = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)(?:\/(order|message|event)\/(\d+))?$/;

/** A bare timestamp means "everything strictly before it". */
function parseCursor(before: string): Cursor {
  const m = CURSOR.exec(before);
  if (!m) throw new Error("unreachable: the schema checked the cursor");
  const at = new Date(m[1]).toISOString();
  return m[2] ? { at, rank: RANK[m[2] as Kind], id: Number(m[3]) } : { at, rank: 0, id: 0 };
}

const orderEntry = z.object({
  kind: z.literal("order"),
  id: z.number(),
  at: z.string(),
  externalId: z.string(),
  channel: z.string(),
  status: z.string(),
  total: z.number().describe("Minor units"),
  currency: z.string(),
  couponCode: z.string().nullable(),
  pointsUsed: z.number(),
});
const eventEntry = z.object({
  kind: z.literal("event"),
  id: z.number(),
  at: z.string(),
  type: z.string(),
  sku: z.string().nullable(),
  properties: z.record(z.string(), z.unknown()),
});
const messageEntry = z.object({
  kind: z.literal("message"),
  id: z.number(),
  at: z.string().describe("Sent, or queued if not sent yet"),
  channel: z.string(),
  template: z.string(),
  status: z.string(),
  sentAt: z.string().nullable(),
  openedAt: z.string().nullable(),
  clickedAt: z.string().nullable(),
});
const timelineEntry = z.discriminatedUnion("kind", [orderEntry, eventEntry, messageEntry]);
type TimelineEntry = z.infer<typeof timelineEntry>;

const couponOut = z.object({
  code: z.string(),
  kind: z.enum(["amount", "percent"]),
  value: z.number().describe("Minor units for an amount, whole percent for a percent"),
  currency: z.string(),
  minOrder: z.number(),
  expiresAt: z.string().nullable(),
  redeemedAt: z.string().nullable(),
  redeemedOrderExternalId: z.string().nullable(),
  createdAt: z.string(),
});

/**
 * Rows of one source that come after the cursor in (time desc, rank desc, id desc) order: older, or
 * as old and lower in rank, or as old, same rank and lower id.
 */
function olderThan<T extends keyof Schema>(
  eb: ExpressionBuilder<Schema, T>,
  at: Expression<string>,
  id: Expression<number>,
  rank: number,
  cursor: Cursor,
): Expression<SqlBool> {
  const older = eb(at, "<", cursor.at);
  if (rank < cursor.rank) return eb.or([older, eb(at, "=", cursor.at)]);
  if (rank > cursor.rank) return older;
  return eb.or([older, eb.and([eb(at, "=", cursor.at), eb(id, "<", cursor.id)])]);
}

async function orderEntries(db: Db, shopId: number, customerId: number, limit: number, cursor?: Cursor) {
  const rows = await db
    .selectFrom("orders")
    .select(["id", "ordered_at", "external_id", "channel", "status", "total", "currency", "coupon_code"])
    .select("points_used")
    .where("shop_id", "=", shopId)
    .where("customer_id", "=", customerId)
    .$if(cursor !== undefined, (q) =>
      q.where((eb) => olderThan(eb, eb.ref("ordered_at"), eb.ref("id"), RANK.order, cursor as Cursor)),
    )
    .orderBy("ordered_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  return rows.map(
    (o): TimelineEntry => ({
      kind: "order",
      id: o.id,
      at: o.ordered_at,
      externalId: o.external_id,
      channel: o.channel,
      status: o.status,
      total: Number(o.total),
      currency: o.currency,
      couponCode: o.coupon_code,
      pointsUsed: Number(o.points_used),
    }),
  );
}

async function eventEntries(db: Db, shopId: number, customerId: number, limit: number, cursor?: Cursor) {
  const rows = await db
    .selectFrom("events")
    .select(["id", "occurred_at", "type", "sku", "properties"])
    .where("shop_id", "=", shopId)
    .where("customer_id", "=", customerId)
    .$if(cursor !== undefined, (q) =>
      q.where((eb) => olderThan(eb, eb.ref("occurred_at"), eb.ref("id"), RANK.event, cursor as Cursor)),
    )
    .orderBy("occurred_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  return rows.map(
    (e): TimelineEntry => ({
      kind: "event",
      id: e.id,
      at: e.occurred_at,
      type: e.type,
      sku: e.sku,
      properties: fromJson(e.properties),
    }),
  );
}

async function messageEntries(db: Db, shopId: number, customerId: number, limit: number, cursor?: Cursor) {
  const at = sql<string>`coalesce(sent_at, queued_at)`;
  const rows = await db
    .selectFrom("messages")
    .select(["id", "channel", "template_key", "status", "sent_at", "opened_at", "clicked_at"])
    .select(at.as("at"))
    .where("shop_id", "=", shopId)
    .where("customer_id", "=", customerId)
    .$if(cursor !== undefined, (q) =>
      q.where((eb) => olderThan(eb, at, eb.ref("id"), RANK.message, cursor as Cursor)),
    )
    .orderBy(at, "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  return rows.map(
    (m): TimelineEntry => ({
      kind: "message",
      id: m.id,
      // SQLite hands coalesce() back as stored; PostgreSQL as a timestamp the driver turns into ISO.
      at: new Date(m.at).toISOString(),
      channel: m.channel,
      template: m.template_key,
      status: m.status,
      sentAt: m.sent_at,
      openedAt: m.opened_at,
      clickedAt: m.clicked_at,
    }),
  );
}

const newestFirst = (a: TimelineEntry, b: TimelineEntry) =>
  b.at.localeCompare(a.at) || RANK[b.kind] - RANK[a.kind] || b.id - a.id;

export async function customerTimeline(
  db: Db,
  shopId: number,
  customerId: number,
  options: { before?: string; limit: number; kinds: readonly Kind[] },
): Promise<{ entries: TimelineEntry[]; nextBefore: string | null }> {
  const cursor = options.before ? parseCursor(options.before) : undefined;
  // One more than a page from each source tells whether anything is left after this page.
  const take = options.limit + 1;
  const sources = { order: orderEntries, event: eventEntries, message: messageEntries };
  const lists = await Promise.all(
    options.kinds.map((kind) => sources[kind](db, shopId, customerId, take, cursor)),
  );
  const merged = lists.flat().sort(newestFirst);
  const entries = merged.slice(0, options.limit);
  const last = entries.at(-1);
  const nextBefore = merged.length > options.limit && last ? `${last.at}/${last.kind}/${last.id}` : null;
  return { entries, nextBefore };
}

export const customerTimelineRoutes: RoutePlugin = async (instance, { ctx }) => {
  const app = (instance as FastifyInstance).withTypeProvider<ZodTypeProvider>();
  const { db } = ctx;
  const params = z.object({ externalId: z.string().min(1).max(128) });

  app.get(
    "/customers/:externalId/timeline",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "A customer's orders, storefront events and messages (opens, clicks), newest first",
        description:
          "Paged: pass the answer's nextBefore as before for the next page. before may also be a bare " +
          "timestamp (entries strictly before it). kind narrows the list to one or more kinds.",
        params,
        querystring: z
          .object({
            before: z.string().regex(CURSOR, "a timestamp, or a nextBefore from an earlier page").optional(),
            limit: z.coerce.number().int().min(1).max(100).default(30),
            kind: z
              .union([z.enum(KINDS), z.array(z.enum(KINDS))])
              .optional()
              .transform((k) => (k === undefined ? [...KINDS] : Array.isArray(k) ? k : [k])),
          })
          .strict(),
        response: {
          200: z.object({ entries: z.array(timelineEntry), nextBefore: z.string().nullable() }),
        },
      },
    },
    async (request) => {
      const shopId = shopIdOf(request);
      const customer = await findByExternalId(db, shopId, request.params.externalId);
      if (!customer) throw new NotFoundError(`customer ${request.params.externalId}`);
      const { before, limit, kind } = request.query;
      return customerTimeline(db, shopId, customer.id, { before, limit, kinds: [...new Set(kind)] });
    },
  );

  app.get(
    "/customers/:externalId/coupons",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "The coupons issued to a customer, newest first, used or not",
        params,
        response: { 200: z.object({ coupons: z.array(couponOut) }) },
      },
    },
    async (request) => {
      const shopId = shopIdOf(request);
      const customer = await findByExternalId(db, shopId, request.params.externalId);
      if (!customer) throw new NotFoundError(`customer ${request.params.externalId}`);
      const rows = await db
        .selectFrom("coupons")
        .selectAll()
        .where("shop_id", "=", shopId)
        .where("customer_id", "=", customer.id)
        .orderBy("created_at", "desc")
        .orderBy("id", "desc")
        .limit(200)
        .execute();
      return {
        coupons: rows.map((c) => ({
          code: c.code,
          kind: c.kind,
          value: Number(c.value),
          currency: c.currency,
          minOrder: Number(c.min_order),
          expiresAt: c.expires_at,
          redeemedAt: c.redeemed_at,
          redeemedOrderExternalId: c.redeemed_order_external_id,
          createdAt: c.created_at,
        })),
      };
    },
  );
};
