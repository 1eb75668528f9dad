// Storing storefront events: checks that need the clock turn inputs into drafts, then a whole group of
// drafts (one request's, or several coalesced requests') is resolved and inserted with a handful of
// queries, whatever its size: one lookup per kind of id, one insert for the new visitors and members,
// one for the events.

import { productIdsBySku } from "../catalog/index.js";
import type { Clock } from "../core/clock.js";
import { toIso } from "../core/clock.js";
import { type FieldIssue, ValidationError } from "../core/errors.js";
import { ensureCustomersByExternalIds } from "../customers/index.js";
import { chunk, type Db, maxParams, type NewStorefrontEvent, selectIn } from "../db/index.js";
import { insertEventRows } from "./insert.js";
import type { StorefrontEventInput, StorefrontEventType } from "./schema.js";

/**
 * A clock a little ahead is tolerated (the event is taken to have happened on receipt); further ahead
 * is a bug worth reporting to the sender.
 */
export const MAX_FUTURE_MS = 5 * 60_000;
/** Older events are history, which belongs in an import rather than in live triggers and segments. */
export const MAX_AGE_MS = 90 * 24 * 3_600_000;
export const MAX_PROPERTIES_BYTES = 8 * 1024;
const MAX_ISSUES = 20;

/** A validated event, ready to be resolved against the shop's customers, visitors and products. */
export interface EventDraft {
  type: StorefrontEventType;
  customerExternalId: string | null;
  visitorId: string | null;
  sku: string | null;
  /** JSON text. */
  properties: string;
  occurredAt: string;
  receivedAt: string;
  eventKey: string | null;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
}

export interface DraftOptions {
  /** The sender's clock when it sent the batch: occurredAt values are corrected by the skew. */
  sentAt?: string;
  /** Field name prefix for event i in error messages, e.g. `events[3].`. */
  fieldPrefix: (index: number) => string;
}

/** Applies the rules that need the clock and serialises properties once; throws naming every bad field. */
export function draftEvents(inputs: StorefrontEventInput[], now: Date, options: DraftOptions): EventDraft[] {
  const nowMs = now.getTime();
  const receivedAt = toIso(now);
  const skewMs = options.sentAt ? nowMs - Date.parse(options.sentAt) : 0;
  const issues: FieldIssue[] = [];
  const drafts: EventDraft[] = new Array(inputs.length);

  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i];
    let occurredAt = receivedAt;
    if (input.occurredAt !== undefined) {
      const ms = Date.parse(input.occurredAt) + skewMs;
      if (ms > nowMs + MAX_FUTURE_MS) {
        issues.push({
          field: `${options.fieldPrefix(i)}occurredAt`,
          message: "more than 5 minutes in the future",
        });
      } else if (ms < nowMs - MAX_AGE_MS) {
        issues.push({ field: `${options.fieldPrefix(i)}occurredAt`, message: "older than 90 days" });
      }
      occurredAt = toIso(Math.min(ms, nowMs));
    }
    const properties = input.properties ? JSON.stringify(input.properties) : "{}";
    if (
      properties.length > MAX_PROPERTIES_BYTES / 3 &&
      Buffer.byteLength(properties) > MAX_PROPERTIES_BYTES
    ) {
      issues.push({ field: `${options.fieldPrefix(i)}properties`, message: "larger than 8 KB as JSON" });
    }
    if (issues.length >= MAX_ISSUES) break;
    drafts[i] = {
      type: input.type,
      customerExternalId: input.customerId ?? null,
      visitorId: input.visitorId ?? null,
      sku: input.sku ?? null,
      properties,
      occurredAt,
      receivedAt,
      eventKey: input.eventId ?? null,
    };
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return drafts;
}

/** One request's drafts for one shop. */
export interface EventGroup {
  shopId: number;
  drafts: EventDraft[];
}

/**
 * Stores several groups of drafts and reports, per group, how many were stored and how many were
 * duplicates of an event stored before (same shop and eventId). Must run inside a transaction.
 */
export async function storeEvents(trx: Db, clock: Clock, groups: EventGroup[]): Promise<IngestResult[]> {
  const results = groups.map(() => ({ accepted: 0, duplicates: 0 }));
  const rows: NewStorefrontEvent[] = [];
  /** For each keyed row: the group it came from, to credit or debit after the insert. */
  const keyedOwners = new Map<string, number>();

  for (const [shopId, members] of groupsByShop(groups)) {
    const drafts = members.flatMap((g) => groups[g].drafts);
    const customerIds = distinct(drafts, (d) => d.customerExternalId);
    const customers = await ensureCustomersByExternalIds(trx, clock, shopId, customerIds);
    const visitors = await resolveVisitors(trx, shopId, drafts);
    const skus = distinct(drafts, (d) => d.sku);
    const products = await productIdsBySku(trx, shopId, skus);

    for (const g of members) {
      for (const d of groups[g].drafts) {
        if (d.eventKey !== null) {
          const key = keyOf(shopId, d.eventKey);
          // The same id twice in what is stored together: the later one is a duplicate of the first.
          if (keyedOwners.has(key)) {
            results[g].duplicates++;
            continue;
          }
          keyedOwners.set(key, g);
        }
        const customerId =
          d.customerExternalId !== null
            ? customers.get(d.customerExternalId)!
            : d.visitorId !== null
              ? (visitors.get(d.visitorId) ?? null)
              : null;
        rows.push({
          shop_id: shopId,
          customer_id: customerId,
          visitor_id: d.visitorId,
          type: d.type,
          product_id: d.sku !== null ? (products.get(d.sku) ?? null) : null,
          sku: d.sku,
          properties: d.properties,
          occurred_at: d.occurredAt,
          received_at: d.receivedAt,
          event_key: d.eventKey,
        });
        results[g].accepted++;
      }
    }
  }

  // Usually no event is a duplicate, and when some are, one request (a retried batch) holds them all:
  // the row count then tells whose they are. Only with keyed events from several requests in one
  // transaction does the insert have to say which keys it stored.
  const keyedGroups = new Set(keyedOwners.values());
  // In visitor order, the inserts into the visitor index (random ids, the costliest of the events
  // indexes) land near each other: about 15% less work for SQLite on 1,000 rows. The sort is stable,
  // so each visitor's events keep their order (and ascending ids).
  rows.sort(byVisitor);
  const inserted = await insertEventRows(trx, rows, { returnKeys: keyedGroups.size > 1 });
  if (keyedGroups.size === 1) {
    const [g] = keyedGroups;
    results[g].accepted -= rows.length - inserted.count;
    results[g].duplicates += rows.length - inserted.count;
  } else if (keyedGroups.size > 1) {
    const stored = new Set(inserted.keys.map((r) => keyOf(r.shop_id, r.event_key!)));
    for (const [key, g] of keyedOwners) {
      if (stored.has(key)) continue;
      results[g].accepted--;
      results[g].duplicates++;
    }
  }
  return results;
}

function byVisitor(a: NewStorefrontEvent, b: NewStorefrontEvent): number {
  const x = a.visitor_id ?? "";
  const y = b.visitor_id ?? "";
  return x < y ? -1 : x > y ? 1 : 0;
}

function keyOf(shopId: number, eventKey: string): string {
  return `${shopId}\u0000${eventKey}`;
}

function groupsByShop(groups: EventGroup[]): Map<number, number[]> {
  const byShop = new Map<number, number[]>();
  groups.forEach((g, i) => {
    const list = byShop.get(g.shopId);
    if (list) list.push(i);
    else byShop.set(g.shopId, [i]);
  });
  return byShop;
}

/** Distinct non-null values, sorted so concurrent transactions lock rows in the same order. */
function distinct(drafts: EventDraft[], pick: (d: EventDraft) => string | null): string[] {
  const values = new Set<string>();
  for (const d of drafts) {
    const v = pick(d);
    if (v !== null) values.add(v);
  }
  return [...values].sort();
}

/**
 * Visitor id → the customer it is linked to (null while anonymous). Visitors seen for the first time
 * are recorded, first seen at their earliest event.
 */
async function resolveVisitors(
  trx: Db,
  shopId: number,
  drafts: EventDraft[],
): Promise<Map<string, number | null>> {
  const firstSeen = new Map<string, string>();
  for (const d of drafts) {
    if (d.visitorId === null) continue;
    const seen = firstSeen.get(d.visitorId);
    if (seen === undefined || d.occurredAt < seen) firstSeen.set(d.visitorId, d.occurredAt);
  }
  const linked = new Map<string, number | null>();
  if (firstSeen.size === 0) return linked;
  const visitorIds = [...firstSeen.keys()].sort();
  const found = await selectIn(trx, visitorIds, (slice) =>
    trx
      .selectFrom("visitors")
      .select(["visitor_id", "customer_id"])
      .where("shop_id", "=", shopId)
      .where("visitor_id", "in", slice)
      .execute(),
  );
  for (const v of found) linked.set(v.visitor_id, v.customer_id);
  const unseen = visitorIds
    .filter((v) => !linked.has(v))
    .map((visitor_id) => ({
      shop_id: shopId,
      visitor_id,
      customer_id: null,
      first_seen_at: firstSeen.get(visitor_id)!,
      linked_at: null,
    }));
  for (const part of chunk(unseen, Math.floor(maxParams(trx) / 5))) {
    await trx
      .insertInto("visitors")
      .values(part)
      .onConflict((oc) => oc.columns(["shop_id", "visitor_id"]).doNothing())
      .execute();
  }
  return linked;
}
