// Conditions: the yes/no questions branch steps and audiences ask about a customer ("ordered since
// entry?", "reachable on LINE?", "more than 500 points?"). A condition is a small JSON tree; it is
// evaluated for a whole batch of runs at once, one query per kind of question, so advancing thousands
// of runs costs a handful of queries rather than thousands.

import { z } from "zod";
import { earliestIso } from "../core/clock.js";
import { anyOf, CHANNELS, type Channel, type Db, EVENT_TYPES, fromJson, selectIn } from "../db/index.js";
import { reachableChannels } from "./reachability.js";

const PROFILE_FIELDS = [
  "gender",
  "prefecture",
  "member_rank",
  "email",
  "phone",
  "line_user_id",
  "birthday",
] as const;

type Leaf =
  | { type: "order_since_entry" }
  | { type: "event_since_entry"; eventTypes: string[] }
  | { type: "orders"; min?: number; max?: number; withinDays?: number }
  | { type: "last_order"; withinDays?: number; olderThanDays?: number }
  | { type: "message"; engagement: "opened" | "clicked"; step?: string }
  | { type: "reachable"; channel: Channel }
  | {
      type: "profile";
      field: (typeof PROFILE_FIELDS)[number];
      op: "eq" | "neq" | "in" | "exists" | "missing";
      value?: string | string[];
    }
  | {
      type: "attribute";
      name: string;
      op: "eq" | "neq" | "exists" | "missing" | "gte" | "lte";
      value?: string | number | boolean;
    }
  | { type: "points"; min?: number; max?: number }
  | { type: "tag"; tag: string }
  /** A current member of the shop's segment (segments/), as of its last refresh. */
  | { type: "segment"; key: string }
  | {
      type: "entry";
      path: string;
      op: "eq" | "neq" | "exists" | "missing" | "gte" | "lte";
      value?: string | number | boolean;
    };

export type Condition =
  | Leaf
  | { type: "all"; conditions: Condition[] }
  | { type: "any"; conditions: Condition[] }
  | { type: "not"; condition: Condition };

const count = z.number().int().min(0);
const days = z.number().int().min(1).max(3650);

const leafSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("order_since_entry") }).strict(),
  z
    .object({ type: z.literal("event_since_entry"), eventTypes: z.array(z.enum(EVENT_TYPES)).min(1) })
    .strict(),
  z
    .object({
      type: z.literal("orders"),
      min: count.optional(),
      max: count.optional(),
      withinDays: days.optional(),
    })
    .strict(),
  z
    .object({ type: z.literal("last_order"), withinDays: days.optional(), olderThanDays: days.optional() })
    .strict(),
  z
    .object({
      type: z.literal("message"),
      engagement: z.enum(["opened", "clicked"]),
      step: z.string().min(1).optional(),
    })
    .strict(),
  z.object({ type: z.literal("reachable"), channel: z.enum(CHANNELS) }).strict(),
  z
    .object({
      type: z.literal("profile"),
      field: z.enum(PROFILE_FIELDS),
      op: z.enum(["eq", "neq", "in", "exists", "missing"]),
      value: z.union([z.string(), z.array(z.string())]).optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal("attribute"),
      name: z.string().min(1).max(64),
      op: z.enum(["eq", "neq", "exists", "missing", "gte", "lte"]),
      value: z.union([z.string(), z.number(), z.boolean()]).optional(),
    })
    .strict(),
  z.object({ type: z.literal("points"), min: count.optional(), max: count.optional() }).strict(),
  z.object({ type: z.literal("tag"), tag: z.string().min(1).max(64) }).strict(),
  z
    .object({
      type: z.literal("segment"),
      key: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "a segment key"),
    })
    .strict(),
  /** A value the trigger put in the run's context, e.g. `subscription.deliveryCount`. */
  z
    .object({
      type: z.literal("entry"),
      path: z
        .string()
        .regex(/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/, "dotted names, e.g. order.channel"),
      op: z.enum(["eq", "neq", "exists", "missing", "gte", "lte"]),
      value: z.union([z.string(), z.number(), z.boolean()]).optional(),
    })
    .strict(),
]);

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    leafSchema,
    z.object({ type: z.literal("all"), conditions: z.array(conditionSchema).min(1) }).strict(),
    z.object({ type: z.literal("any"), conditions: z.array(conditionSchema).min(1) }).strict(),
    z.object({ type: z.literal("not"), condition: conditionSchema }).strict(),
  ]),
) as z.ZodType<Condition>;

/** Who a condition is asked about: a customer, and for "since entry" questions, their run. */
export interface Subject {
  customerId: number;
  runId?: number;
  enteredAt: string;
  /** The run's context (what the trigger recorded), for `entry` conditions. */
  context?: Record<string, unknown>;
}

const DAY_MS = 86_400_000;

/** Answers `condition` for every subject, in order. */
export async function evaluateCondition(
  db: Db,
  shopId: number,
  now: Date,
  condition: Condition,
  subjects: Subject[],
): Promise<boolean[]> {
  if (subjects.length === 0) return [];
  const facts = new FactCache(db, shopId, now, subjects);
  const answers: boolean[] = [];
  const leaves = collectLeaves(condition);
  for (const leaf of leaves) await facts.load(leaf);
  for (const subject of subjects) answers.push(facts.evaluate(condition, subject));
  return answers;
}

function collectLeaves(c: Condition, out: Leaf[] = []): Leaf[] {
  if (c.type === "all" || c.type === "any") for (const x of c.conditions) collectLeaves(x, out);
  else if (c.type === "not") collectLeaves(c.condition, out);
  else out.push(c);
  return out;
}

/** The facts a batch needs, loaded once per kind of leaf. */
class FactCache {
  private readonly customerIds: number[];
  private readonly runIds: number[];
  private readonly earliestEntry: string;
  private readonly nowIso: string;
  private readonly results = new Map<Leaf, (s: Subject) => boolean>();

  constructor(
    private readonly db: Db,
    private readonly shopId: number,
    private readonly now: Date,
    subjects: Subject[],
  ) {
    this.customerIds = [...new Set(subjects.map((s) => s.customerId))].sort((a, b) => a - b);
    this.runIds = subjects.flatMap((s) => (s.runId === undefined ? [] : [s.runId]));
    this.earliestEntry = earliestIso(
      subjects.map((s) => s.enteredAt),
      subjects[0].enteredAt,
    );
    this.nowIso = now.toISOString();
  }

  evaluate(c: Condition, s: Subject): boolean {
    switch (c.type) {
      case "all":
        return c.conditions.every((x) => this.evaluate(x, s));
      case "any":
        return c.conditions.some((x) => this.evaluate(x, s));
      case "not":
        return !this.evaluate(c.condition, s);
      default:
        return this.results.get(c)!(s);
    }
  }

  async load(leaf: Leaf): Promise<void> {
    this.results.set(leaf, await this.answer(leaf));
  }

  private byCustomer<T extends { customer_id: number | null }>(
    query: (ids: number[]) => Promise<T[]>,
  ): Promise<Map<number, T>> {
    return selectIn(this.db, this.customerIds, query).then(
      (rows) => new Map(rows.map((r) => [r.customer_id as number, r])),
    );
  }

  private async answer(leaf: Leaf): Promise<(s: Subject) => boolean> {
    const { db, shopId, nowIso } = this;
    switch (leaf.type) {
      case "order_since_entry": {
        const latest = await this.byCustomer((ids) =>
          db
            .selectFrom("orders")
            .select(["customer_id", (eb) => eb.fn.max("ordered_at").as("at")])
            .where("shop_id", "=", shopId)
            .where(anyOf(db, "customer_id", ids))
            .where("ordered_at", ">=", this.earliestEntry)
            .where("ordered_at", "<=", nowIso)
            .where("status", "not in", ["cancelled"])
            .groupBy("customer_id")
            .execute(),
        );
        return (s) => {
          const at = latest.get(s.customerId)?.at;
          return at !== undefined && at >= s.enteredAt;
        };
      }
      case "event_since_entry": {
        const latest = await this.byCustomer((ids) =>
          db
            .selectFrom("events")
            .select(["customer_id", (eb) => eb.fn.max("occurred_at").as("at")])
            .where("shop_id", "=", shopId)
            .where(anyOf(db, "customer_id", ids))
            .where("type", "in", leaf.eventTypes as never[])
            .where("occurred_at", ">=", this.earliestEntry)
            .where("occurred_at", "<=", nowIso)
            .groupBy("customer_id")
            .execute(),
        );
        return (s) => {
          const at = latest.get(s.customerId)?.at;
          return at !== undefined && at >= s.enteredAt;
        };
      }
      case "orders": {
        const since = leaf.withinDays
          ? new Date(this.now.getTime() - leaf.withinDays * DAY_MS).toISOString()
          : null;
        const counts = await this.byCustomer((ids) => {
          let q = db
            .selectFrom("orders")
            .select(["customer_id", (eb) => eb.fn.countAll<number>().as("n")])
            .where("shop_id", "=", shopId)
            .where("customer_id", "in", ids)
            .where("ordered_at", "<=", nowIso)
            .where("status", "not in", ["cancelled", "returned"]);
          if (since) q = q.where("ordered_at", ">=", since);
          return q.groupBy("customer_id").execute();
        });
        return (s) => {
          const n = Number(counts.get(s.customerId)?.n ?? 0);
          return (leaf.min === undefined || n >= leaf.min) && (leaf.max === undefined || n <= leaf.max);
        };
      }
      case "last_order": {
        const latest = await this.byCustomer((ids) =>
          db
            .selectFrom("orders")
            .select(["customer_id", (eb) => eb.fn.max("ordered_at").as("at")])
            .where("shop_id", "=", shopId)
            .where(anyOf(db, "customer_id", ids))
            .where("ordered_at", "<=", nowIso)
            .where("status", "not in", ["cancelled", "returned"])
            .groupBy("customer_id")
            .execute(),
        );
        const nowMs = this.now.getTime();
        return (s) => {
          const at = latest.get(s.customerId)?.at;
          if (at === undefined) return false;
          const age = nowMs - Date.parse(at);
          return (
            (leaf.withinDays === undefined || age <= leaf.withinDays * DAY_MS) &&
            (leaf.olderThanDays === undefined || age > leaf.olderThanDays * DAY_MS)
          );
        };
      }
      case "message": {
        const column = leaf.engagement === "opened" ? "opened_at" : "clicked_at";
        const runIds = this.runIds;
        const engaged = new Set<number>();
        if (runIds.length > 0) {
          const rows = await selectIn(db, runIds, (ids) => {
            let q = db
              .selectFrom("messages")
              .select("run_id")
              .where("shop_id", "=", shopId)
              .where("run_id", "in", ids)
              .where(column, "is not", null)
              .where(column, "<=", nowIso);
            if (leaf.step) q = q.where("step_id", "=", leaf.step);
            return q.execute();
          });
          for (const r of rows) if (r.run_id !== null) engaged.add(r.run_id);
        }
        return (s) => s.runId !== undefined && engaged.has(s.runId);
      }
      case "reachable": {
        const reach = await reachableChannels(db, shopId, this.customerIds, "promotional");
        return (s) => reach.get(s.customerId)?.has(leaf.channel) ?? false;
      }
      case "profile": {
        const profiles = await this.profiles();
        return (s) => {
          const value = profiles.get(s.customerId)?.[leaf.field] ?? null;
          return compareText(leaf.op, value === null ? null : String(value), leaf.value);
        };
      }
      case "attribute":
      case "tag": {
        const profiles = await this.profiles();
        return (s) => {
          const attributes = fromJson<Record<string, unknown>>(profiles.get(s.customerId)?.attributes);
          if (leaf.type === "tag") {
            const tags = attributes.tags;
            return Array.isArray(tags) && tags.includes(leaf.tag);
          }
          return compareAttribute(leaf.op, attributes[leaf.name], leaf.value);
        };
      }
      case "entry":
        return (s) => compareAttribute(leaf.op, valueAt(s.context ?? {}, leaf.path), leaf.value);
      case "segment": {
        const members = await this.byCustomer((ids) =>
          db
            .selectFrom("segment_memberships as sm")
            .innerJoin("segments as s", "s.id", "sm.segment_id")
            .select("sm.customer_id")
            .where("s.shop_id", "=", shopId)
            .where("s.key", "=", leaf.key)
            .where("sm.exited_at", "is", null)
            .where(anyOf(db, "sm.customer_id", ids))
            .execute(),
        );
        return (s) => members.has(s.customerId);
      }
      case "points": {
        const balances = await this.byCustomer((ids) =>
          db
            .selectFrom("point_balances")
            .select(["customer_id", "balance"])
            .where("shop_id", "=", shopId)
            .where(anyOf(db, "customer_id", ids))
            .execute(),
        );
        return (s) => {
          const balance = balances.get(s.customerId)?.balance ?? 0;
          return (
            (leaf.min === undefined || balance >= leaf.min) && (leaf.max === undefined || balance <= leaf.max)
          );
        };
      }
    }
  }

  private profileCache: Promise<Map<number, Record<string, unknown> & { attributes: string }>> | null = null;
  private profiles() {
    this.profileCache ??= this.byCustomer((ids) =>
      this.db
        .selectFrom("customers")
        .select(["id as customer_id", ...PROFILE_FIELDS, "attributes"])
        .where("shop_id", "=", this.shopId)
        .where(anyOf(this.db, "id", ids))
        .execute(),
    ) as Promise<Map<number, Record<string, unknown> & { attributes: string }>>;
    return this.profileCache;
  }
}

function compareText(op: string, actual: string | null, expected: string | string[] | undefined): boolean {
  switch (op) {
    case "exists":
      return actual !== null && actual !== "";
    case "missing":
      return actual === null || actual === "";
    case "eq":
      return actual === expected;
    case "neq":
      return actual !== expected;
    case "in":
      return Array.isArray(expected) && actual !== null && expected.includes(actual);
    default:
      return false;
  }
}

function compareAttribute(
  op: string,
  actual: unknown,
  expected: string | number | boolean | undefined,
): boolean {
  switch (op) {
    case "exists":
      return actual !== undefined && actual !== null && actual !== "";
    case "missing":
      return actual === undefined || actual === null || actual === "";
    case "eq":
      return actual === expected;
    case "neq":
      return actual !== expected;
    case "gte":
      return (
        typeof actual === typeof expected && (actual as number | string) >= (expected as number | string)
      );
    case "lte":
      return (
        typeof actual === typeof expected && (actual as number | string) <= (expected as number | string)
      );
    default:
      return false;
  }
}

function valueAt(context: Record<string, unknown>, path: string): unknown {
  let value: unknown = context;
  for (const part of path.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}
