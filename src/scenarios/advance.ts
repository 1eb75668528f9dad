// The worker's step pass: claim a batch of due runs, take each as far as it can go now (through
// branches, sends and actions, until a wait or the end), and write everything back in the same
// transaction. A step therefore happens exactly once: its effects (messages, coupons, points), the
// step log row and the run's new position commit together or not at all, and a run is locked (SKIP
// LOCKED on PostgreSQL, the single writer on SQLite) while a worker holds it.
//
// Work is done per group of runs at the same step, so a batch of a thousand costs a few queries per
// step kind rather than a few per run.
import { sql } from "kysely";
import type { Clock } from "../core/clock.js";
import { toIso } from "../core/clock.js";
import { type BulkColumn, bulkInsert, bulkUpdate } from "../db/bulk.js";
import {
  anyOf,
  type Db,
  forClaim,
  fromJson,
  inTransaction,
  type NewMessage,
  type ScenarioRun,
  selectIn,
  toJson,
} from "../db/index.js";
import type { ScenarioDefinition, Step } from "./definition.js";
import { applyExitGoals } from "./goals.js";
import { type EffectiveGuardrails, guardrailsFromSettings } from "./guardrails.js";
import { executeStep, type StepBatch } from "./steps.js";
import { loadDefinition } from "./store.js";

export const DEFAULT_CLAIM = 500;
/** Steps one run may take in one pass; a longer chain continues in the next pass. */
const MAX_STEPS_PER_PASS = 25;

/** A run being worked on: its row, its parsed context, and what has changed. */
export interface WorkingRun {
  row: ScenarioRun;
  definition: ScenarioDefinition;
  steps: Map<string, Step>;
  context: RunContext;
  /** Set when the run stops for now (a wait, quiet hours, a held scenario). */
  holdUntil: string | null;
  ended: boolean;
}

export interface RunContext extends Record<string, unknown> {
  /** A wait in progress: which step (and visit) it is for, when it began and until when. */
  hold?: { step: string; seq: number; since: string; until: string };
}

/** Side effects a pass collects and writes at the end. */
export interface PassEffects {
  messages: NewMessage[];
  stepLog: Array<{ run: WorkingRun; stepId: string; seq: number; outcome: string }>;
  conversions: Array<{
    run: WorkingRun;
    orderId: number;
    revenue: number;
    currency: string;
    at: string;
  }>;
}

export interface PassContext {
  db: Db;
  clock: Clock;
  now: Date;
  nowIso: string;
  effects: PassEffects;
  shop(shopId: number): Promise<ShopInfo>;
}

export interface ShopInfo {
  id: number;
  zone: string;
  currency: string;
  locale: string;
  guardrails: EffectiveGuardrails;
}

/**
 * When what made the run enter happened: its storefront event, else the entry itself. "Since entry"
 * questions (bought? added to the cart?) count from here, so what the customer did in the seconds
 * before the worker picked the event up is not missed.
 */
export function triggeredAt(run: WorkingRun): string {
  const occurredAt = (run.context.event as { occurredAt?: unknown } | undefined)?.occurredAt;
  return typeof occurredAt === "string" && occurredAt < run.row.entered_at ? occurredAt : run.row.entered_at;
}

/** Moves the run past `stepId` to `next` (or ends it), logging the outcome. */
export function completeStep(
  pass: PassContext,
  run: WorkingRun,
  outcome: string,
  next: string | undefined,
): void {
  const stepId = run.row.step_id!;
  run.row.step_seq += 1;
  pass.effects.stepLog.push({ run, stepId, seq: run.row.step_seq, outcome });
  delete run.context.hold;
  run.row.waiting_for = null;
  if (next === undefined) endRun(pass, run, "completed", "completed");
  else run.row.step_id = next;
}

export function endRun(
  pass: PassContext,
  run: WorkingRun,
  status: "completed" | "exited",
  reason: string,
): void {
  run.ended = true;
  run.row.status = status;
  run.row.end_reason = reason;
  run.row.ended_at = pass.nowIso;
  run.row.next_at = null;
  run.row.waiting_for = null;
}

/** Stops the run at its current step until `until`. */
export function holdRun(run: WorkingRun, until: Date | string): void {
  run.holdUntil = typeof until === "string" ? until : toIso(until);
}

export interface AdvanceResult {
  /** Due runs picked up (some may only have been held, e.g. by quiet hours). */
  claimed: number;
  /** Steps completed. */
  steps: number;
}

/** One pass: claims up to `limit` due runs and advances them. */
export async function advanceDueRuns(db: Db, clock: Clock, limit = DEFAULT_CLAIM): Promise<AdvanceResult> {
  return inTransaction(db, async (trx) => {
    const now = clock.now();
    const nowIso = toIso(now);
    const claimed = await forClaim(
      trx,
      trx
        .selectFrom("scenario_runs")
        .selectAll()
        // A literal, not a parameter: only then can SQLite (and PostgreSQL's generic plans) prove the
        // condition of the partial index scenario_runs_due and use it.
        .where(sql<boolean>`status = 'active'`)
        .where("next_at", "<=", nowIso)
        .orderBy("next_at")
        .limit(limit),
    ).execute();
    if (claimed.length === 0) return { claimed: 0, steps: 0 };

    const shops = new Map<number, Promise<ShopInfo>>();
    const pass: PassContext = {
      db: trx,
      clock,
      now,
      nowIso,
      effects: { messages: [], stepLog: [], conversions: [] },
      shop: (shopId) => {
        let info = shops.get(shopId);
        if (!info) {
          info = loadShop(trx, shopId);
          shops.set(shopId, info);
        }
        return info;
      },
    };
    const runs = await prepareRuns(trx, pass, claimed);
    const going = runs.filter((r) => !r.ended && r.holdUntil === null);
    await applyExitGoals(pass, going);

    let steps = 0;
    let moving = going.filter((r) => !r.ended);
    for (let round = 0; round < MAX_STEPS_PER_PASS && moving.length > 0; round++) {
      const seqBefore = new Map(moving.map((r) => [r, r.row.step_seq]));
      for (const batch of groupByStep(moving)) await executeStep(pass, batch);
      for (const r of moving) steps += r.row.step_seq - seqBefore.get(r)!;
      moving = moving.filter((r) => !r.ended && r.holdUntil === null);
    }
    // Runs still moving after the last round continue in the next pass, due at once.
    await writeBack(trx, pass, runs);
    return { claimed: claimed.length, steps };
  });
}

async function loadShop(db: Db, shopId: number): Promise<ShopInfo> {
  const shop = await db
    .selectFrom("shops")
    .select(["id", "timezone", "currency", "locale", "settings"])
    .where("id", "=", shopId)
    .executeTakeFirstOrThrow();
  return {
    id: shop.id,
    zone: shop.timezone,
    currency: shop.currency,
    locale: shop.locale,
    guardrails: guardrailsFromSettings(shop.settings),
  };
}

const HOLD_PAUSED_MS = 3_600_000;

/** Parses the claimed rows; runs of paused scenarios are held an hour, of archived ones ended. */
async function prepareRuns(db: Db, pass: PassContext, rows: ScenarioRun[]): Promise<WorkingRun[]> {
  const scenarioIds = [...new Set(rows.map((r) => r.scenario_id))];
  const statuses = new Map(
    (
      await selectIn(db, scenarioIds, (ids) =>
        db
          .selectFrom("scenarios")
          .select(["id", "status"])
          .where(anyOf(db, "id", ids))
          .execute(),
      )
    ).map((s) => [s.id, s.status]),
  );
  const definitions = new Map<string, ScenarioDefinition>();
  for (const row of rows) {
    const key = `${row.scenario_id}:${row.version}`;
    if (!definitions.has(key)) definitions.set(key, await loadDefinition(db, row.scenario_id, row.version));
  }
  const runs: WorkingRun[] = [];
  for (const row of rows) {
    const definition = definitions.get(`${row.scenario_id}:${row.version}`)!;
    const run: WorkingRun = {
      row: { ...row },
      definition,
      steps: stepsOf(definition),
      context: fromJson<RunContext>(row.context),
      holdUntil: null,
      ended: false,
    };
    const status = statuses.get(row.scenario_id);
    if (status === "archived" || status === undefined) endRun(pass, run, "exited", "scenario_archived");
    else if (status !== "active") holdRun(run, new Date(pass.now.getTime() + HOLD_PAUSED_MS));
    runs.push(run);
  }
  return runs;
}

const stepMaps = new WeakMap<ScenarioDefinition, Map<string, Step>>();
function stepsOf(definition: ScenarioDefinition): Map<string, Step> {
  let map = stepMaps.get(definition);
  if (!map) {
    map = new Map(definition.steps.map((s) => [s.id, s]));
    stepMaps.set(definition, map);
  }
  return map;
}

function groupByStep(runs: WorkingRun[]): StepBatch[] {
  const groups = new Map<string, StepBatch>();
  for (const run of runs) {
    const key = `${run.row.scenario_id}:${run.row.version}:${run.row.step_id}`;
    let batch = groups.get(key);
    if (!batch) {
      batch = { step: run.steps.get(run.row.step_id!)!, shopId: run.row.shop_id, runs: [] };
      groups.set(key, batch);
    }
    batch.runs.push(run);
  }
  return [...groups.values()];
}

const MESSAGE_COLUMNS = [
  ["shop_id", "bigint"],
  ["customer_id", "bigint"],
  ["channel", "text"],
  ["template_key", "text"],
  ["message_class", "text"],
  ["status", "text"],
  ["status_reason", "text"],
  ["idempotency_key", "text"],
  ["scenario_id", "bigint"],
  ["scenario_version", "integer"],
  ["run_id", "bigint"],
  ["step_id", "text"],
  ["campaign_id", "bigint"],
  ["variant", "text"],
  ["payload", "jsonb"],
  ["queued_at", "timestamptz"],
  ["updated_at", "timestamptz"],
  ["due_at", "timestamptz"],
] as const satisfies readonly BulkColumn[];

const STEP_LOG_COLUMNS = [
  ["shop_id", "bigint"],
  ["run_id", "bigint"],
  ["scenario_id", "bigint"],
  ["seq", "integer"],
  ["step_id", "text"],
  ["outcome", "text"],
  ["at", "timestamptz"],
] as const satisfies readonly BulkColumn[];

const CONVERSION_COLUMNS = [
  ["shop_id", "bigint"],
  ["customer_id", "bigint"],
  ["order_id", "bigint"],
  ["scenario_id", "bigint"],
  ["scenario_version", "integer"],
  ["run_id", "bigint"],
  ["step_id", "text"],
  ["message_id", "bigint"],
  ["revenue", "bigint"],
  ["currency", "text"],
  ["converted_at", "timestamptz"],
] as const satisfies readonly BulkColumn[];

const RUN_STATE_COLUMNS = [
  ["status", "text"],
  ["step_id", "text"],
  ["step_seq", "integer"],
  ["next_at", "timestamptz"],
  ["waiting_for", "text"],
  ["arm", "text"],
  ["holdout", "integer"],
  ["context", "jsonb"],
  ["ended_at", "timestamptz"],
  ["end_reason", "text"],
] as const satisfies readonly BulkColumn[];

/** Writes a pass's effects and every claimed run's new state: a few statements whatever the batch size. */
async function writeBack(db: Db, pass: PassContext, runs: WorkingRun[]): Promise<void> {
  const { effects } = pass;
  await bulkInsert(
    db,
    "messages",
    MESSAGE_COLUMNS,
    effects.messages.map((m) => MESSAGE_COLUMNS.map(([name]) => m[name as keyof NewMessage] ?? null)),
    { conflictColumns: ["shop_id", "idempotency_key"] },
  );
  await bulkInsert(
    db,
    "scenario_run_steps",
    STEP_LOG_COLUMNS,
    effects.stepLog.map((l) => [
      l.run.row.shop_id,
      l.run.row.id,
      l.run.row.scenario_id,
      l.seq,
      l.stepId,
      l.outcome,
      pass.nowIso,
    ]),
  );

  if (effects.conversions.length > 0) {
    const lastMessages = await lastMessageOfRuns(
      db,
      effects.conversions.map((c) => c.run.row.id),
    );
    await bulkInsert(
      db,
      "conversions",
      CONVERSION_COLUMNS,
      effects.conversions.map((c) => {
        const credited = lastMessages.get(c.run.row.id);
        return [
          c.run.row.shop_id,
          c.run.row.customer_id,
          c.orderId,
          c.run.row.scenario_id,
          c.run.row.version,
          c.run.row.id,
          credited?.step_id ?? c.run.row.step_id,
          credited?.id ?? null,
          c.revenue,
          c.currency,
          c.at,
        ];
      }),
      { conflictColumns: ["run_id", "order_id"] },
    );
  }

  await bulkUpdate(
    db,
    "scenario_runs",
    ["id", "bigint"],
    RUN_STATE_COLUMNS,
    runs.map((run) => {
      const r = run.row;
      return [
        r.id,
        r.status,
        r.step_id,
        r.step_seq,
        run.ended ? null : (run.holdUntil ?? pass.nowIso),
        r.waiting_for,
        r.arm,
        r.holdout,
        toJson(run.context),
        r.ended_at,
        r.end_reason,
      ];
    }),
  );
}

/** The message a conversion is credited to: the run's latest message that was not suppressed. */
async function lastMessageOfRuns(
  db: Db,
  runIds: number[],
): Promise<Map<number, { id: number; step_id: string | null }>> {
  const rows = await selectIn(db, runIds, (ids) =>
    db
      .selectFrom("messages")
      .select(["id", "run_id", "step_id"])
      .where(anyOf(db, "run_id", ids))
      .where("status", "!=", "suppressed")
      .orderBy("id")
      .execute(),
  );
  const last = new Map<number, { id: number; step_id: string | null }>();
  for (const r of rows) if (r.run_id !== null) last.set(r.run_id, { id: r.id, step_id: r.step_id });
  return last;
}
