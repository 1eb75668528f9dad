// Segments as a shop keeps them: a named, versioned rule, its live count and sample while it is being
// edited, and its membership kept as stays with entry and exit times. Membership is refreshed in two
// set-based statements (who left, who arrived), so a segment of a million customers costs two queries,
// and a scenario triggered on entry reads the new stays in id order.
import { sql } from "kysely";
import { refreshCustomerMetrics } from "../analytics/metrics.js";
import { asReport, forBigAggregates } from "../analytics/sql.js";
import type { Clock } from "../core/clock.js";
import { toIso } from "../core/clock.js";
import { NotFoundError, ValidationError } from "../core/errors.js";
import { parseOrThrow } from "../core/zod-errors.js";
import { type Db, engineOf, fromJson, inTransaction, jsonParam, type Segment } from "../db/index.js";
import { type CompileContext, membersQuery } from "./compile.js";
import { type SegmentInput, type SegmentRule, segmentInputSchema, segmentRuleSchema } from "./schema.js";

/** A segment is re-evaluated at least this often by the worker (data changes under its rule). */
export const REFRESH_EVERY_MS = 15 * 60_000;

export interface SegmentView {
  key: string;
  name: string;
  description: string | null;
  rule: SegmentRule;
  version: number;
  status: "active" | "archived";
  members: number;
  refreshedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export function toSegmentView(s: Segment): SegmentView {
  return {
    key: s.key,
    name: s.name,
    description: s.description,
    rule: fromJson<SegmentRule>(s.definition),
    version: s.version,
    status: s.status,
    members: Number(s.member_count),
    refreshedAt: s.refreshed_at,
    createdAt: s.created_at,
    updatedAt: s.updated_at,
  };
}

function segmentKeysIn(rule: SegmentRule, out: string[] = []): string[] {
  if (rule.type === "all" || rule.type === "any") for (const c of rule.conditions) segmentKeysIn(c, out);
  else if (rule.type === "not") segmentKeysIn(rule.condition, out);
  else if (rule.type === "segment") out.push(rule.key);
  return out;
}

/** The compile context, with the segments the rule refers to resolved (refused if unknown or itself). */
async function contextFor(
  db: Db,
  shopId: number,
  now: Date,
  rule: SegmentRule,
  ownKey?: string,
): Promise<CompileContext> {
  const keys = [...new Set(segmentKeysIn(rule))];
  const segmentIds = new Map<string, number>();
  if (keys.length > 0) {
    const rows = await db
      .selectFrom("segments")
      .select(["id", "key"])
      .where("shop_id", "=", shopId)
      .where("key", "in", keys)
      .where("status", "=", "active")
      .execute();
    for (const r of rows) segmentIds.set(r.key, Number(r.id));
  }
  const problems = keys
    .filter((k) => k === ownKey || !segmentIds.has(k))
    .map((k) => ({
      field: "rule",
      message: k === ownKey ? `segment ${k} cannot contain itself` : `no active segment "${k}"`,
    }));
  if (problems.length > 0) throw new ValidationError(problems);
  return { db, shopId, now, segmentIds };
}

/**
 * Rules read customer_metrics: the orders written since the last pass are folded in first (cheap: the
 * customers whose orders changed), so a count right after an import is right without a worker. The
 * daily full rebuild stays with the worker.
 */
async function metricsUpToDate(db: Db, shopId: number, now: Date): Promise<void> {
  await refreshCustomerMetrics(db, shopId, { now, fullWhenDue: false });
}

export interface RulePreview {
  count: number;
  /** The first customers who match, for a look at who they are. */
  sample: Array<{ id: number; externalId: string | null; name: string | null; email: string | null }>;
}

/** A rule's live count and a sample of its customers, without saving anything (the editor's preview). */
export async function previewRule(
  db: Db,
  clock: Clock,
  shopId: number,
  input: unknown,
  sampleSize = 10,
): Promise<RulePreview> {
  const rule = parseOrThrow(segmentRuleSchema, input, "rule");
  const ctx = await contextFor(db, shopId, clock.now(), rule);
  await metricsUpToDate(db, shopId, clock.now());
  const { counted, ids } = await asReport(
    db,
    async (q) => {
      const members = membersQuery(rule, { ...ctx, db: q });
      return {
        counted: await q
          .selectFrom(members.as("q"))
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow(),
        ids:
          sampleSize > 0 ? (await members.orderBy("c.id").limit(sampleSize).execute()).map((r) => r.id) : [],
      };
    },
    { parallel: false, hashJoins: false },
  );
  const sample =
    ids.length === 0
      ? []
      : await db
          .selectFrom("customers")
          .select(["id", "external_id", "last_name", "first_name", "email"])
          .where("shop_id", "=", shopId)
          .where("id", "in", ids)
          .orderBy("id")
          .execute();
  return {
    count: Number(counted.n),
    sample: sample.map((c) => ({
      id: Number(c.id),
      externalId: c.external_id,
      name: [c.last_name, c.first_name].filter(Boolean).join(" ") || null,
      email: c.email,
    })),
  };
}

export async function findSegment(db: Db, shopId: number, key: string): Promise<Segment> {
  const row = await db
    .selectFrom("segments")
    .selectAll()
    .where("shop_id", "=", shopId)
    .where("key", "=", key)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`segment ${key}`);
  return row;
}

export async function listSegments(db: Db, shopId: number): Promise<SegmentView[]> {
  const rows = await db
    .selectFrom("segments")
    .selectAll()
    .where("shop_id", "=", shopId)
    .orderBy("status")
    .orderBy("key")
    .execute();
  return rows.map(toSegmentView);
}

/**
 * Creates the segment, or changes its name and rule (a new version), and brings its membership up to
 * date at once. Returns the segment as stored after the refresh.
 */
export async function saveSegment(
  db: Db,
  clock: Clock,
  shopId: number,
  input: unknown,
): Promise<SegmentView> {
  const parsed: SegmentInput = parseOrThrow(segmentInputSchema, input);
  const now = toIso(clock.now());
  await contextFor(db, shopId, clock.now(), parsed.rule, parsed.key);
  const definition = jsonParam(db, parsed.rule);
  const existing = await db
    .selectFrom("segments")
    .select(["id", "definition"])
    .where("shop_id", "=", shopId)
    .where("key", "=", parsed.key)
    .executeTakeFirst();
  if (existing) {
    const changed = JSON.stringify(fromJson(existing.definition)) !== JSON.stringify(parsed.rule);
    await db
      .updateTable("segments")
      .set((eb) => ({
        name: parsed.name,
        description: parsed.description ?? null,
        definition,
        status: "active",
        version: changed ? eb("version", "+", 1) : eb.ref("version"),
        updated_at: now,
      }))
      .where("id", "=", existing.id)
      .execute();
  } else {
    await db
      .insertInto("segments")
      .values({
        shop_id: shopId,
        key: parsed.key,
        name: parsed.name,
        description: parsed.description ?? null,
        definition,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }
  await refreshSegment(db, clock, await findSegment(db, shopId, parsed.key));
  return toSegmentView(await findSegment(db, shopId, parsed.key));
}

/** Archives the segment: its members all exit now; scenarios triggered by it get no more entries. */
export async function archiveSegment(db: Db, clock: Clock, shopId: number, key: string): Promise<void> {
  const segment = await findSegment(db, shopId, key);
  const now = toIso(clock.now());
  await inTransaction(db, async (trx) => {
    await trx
      .updateTable("segment_memberships")
      .set({ exited_at: now })
      .where("segment_id", "=", segment.id)
      .where("exited_at", "is", null)
      .execute();
    await trx
      .updateTable("segments")
      .set({ status: "archived", member_count: 0, updated_at: now })
      .where("id", "=", segment.id)
      .execute();
  });
}

export interface SegmentRefresh {
  entered: number;
  exited: number;
  members: number;
}

/** Re-evaluates the rule now: members who no longer match exit, new matches enter. */
export async function refreshSegment(db: Db, clock: Clock, segment: Segment): Promise<SegmentRefresh> {
  const nowDate = clock.now();
  const now = toIso(nowDate);
  const rule = fromJson<SegmentRule>(segment.definition);
  await metricsUpToDate(db, segment.shop_id, nowDate);
  return inTransaction(db, async (trx) => {
    await forBigAggregates(trx, { parallel: false });
    const ctx = await contextFor(trx, segment.shop_id, nowDate, rule, segment.key);
    const members = membersQuery(rule, ctx);
    const id = segment.id;
    const left =
      engineOf(trx) === "postgres"
        ? sql`not exists (select 1 from (${members}) q where q.id = segment_memberships.customer_id)`
        : sql`customer_id not in (${members})`;
    const exited = await sql`update segment_memberships set exited_at = ${now}
      where segment_id = ${id} and exited_at is null and ${left}`.execute(trx);
    const entered = await sql`insert into segment_memberships (shop_id, segment_id, customer_id, entered_at)
      select ${segment.shop_id}, ${id}, q.id, ${now} from (${members}) q
      where not exists (select 1 from segment_memberships sm
        where sm.segment_id = ${id} and sm.exited_at is null and sm.customer_id = q.id)`.execute(trx);
    const counted = await trx
      .selectFrom("segment_memberships")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("segment_id", "=", id)
      .where("exited_at", "is", null)
      .executeTakeFirstOrThrow();
    await trx
      .updateTable("segments")
      .set({ member_count: Number(counted.n), refreshed_at: now })
      .where("id", "=", id)
      .execute();
    return {
      entered: Number(entered.numAffectedRows ?? 0),
      exited: Number(exited.numAffectedRows ?? 0),
      members: Number(counted.n),
    };
  });
}

/**
 * The worker's segment pass: refreshes the one active segment that has waited longest, if it is due.
 * Returns 1 when it refreshed one (there may be more), 0 when none is due.
 */
export async function refreshDueSegments(db: Db, clock: Clock): Promise<number> {
  const dueBefore = toIso(new Date(clock.now().getTime() - REFRESH_EVERY_MS));
  const segment = await db
    .selectFrom("segments")
    .selectAll()
    .where("status", "=", "active")
    .where((eb) => eb.or([eb("refreshed_at", "is", null), eb("refreshed_at", "<=", dueBefore)]))
    .orderBy("refreshed_at")
    .limit(1)
    .executeTakeFirst();
  if (!segment) return 0;
  await refreshSegment(db, clock, segment);
  return 1;
}

export interface SegmentMember {
  customerId: number;
  externalId: string | null;
  enteredAt: string;
}

/** Current members in id order, a page at a time (`after`: the last customer id of the previous page). */
export async function segmentMembers(
  db: Db,
  shopId: number,
  key: string,
  page: { after?: number; limit?: number } = {},
): Promise<SegmentMember[]> {
  const segment = await findSegment(db, shopId, key);
  const rows = await db
    .selectFrom("segment_memberships as sm")
    .innerJoin("customers as c", "c.id", "sm.customer_id")
    .select(["sm.customer_id", "c.external_id", "sm.entered_at"])
    .where("sm.segment_id", "=", segment.id)
    .where("sm.exited_at", "is", null)
    .where("sm.customer_id", ">", page.after ?? 0)
    .orderBy("sm.customer_id")
    .limit(Math.min(page.limit ?? 100, 1000))
    .execute();
  return rows.map((r) => ({
    customerId: Number(r.customer_id),
    externalId: r.external_id,
    enteredAt: r.entered_at,
  }));
}

/** The segments a customer is in now, for the profile page. */
export async function customerSegments(
  db: Db,
  shopId: number,
  customerId: number,
): Promise<Array<{ key: string; name: string; enteredAt: string }>> {
  const rows = await db
    .selectFrom("segment_memberships as sm")
    .innerJoin("segments as s", "s.id", "sm.segment_id")
    .select(["s.key", "s.name", "sm.entered_at"])
    .where("sm.shop_id", "=", shopId)
    .where("sm.customer_id", "=", customerId)
    .where("sm.exited_at", "is", null)
    .orderBy("s.key")
    .execute();
  return rows.map((r) => ({ key: r.key, name: r.name, enteredAt: r.entered_at }));
}
