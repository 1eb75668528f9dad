// Entering customers into a scenario: the re-entry rule and the audience decide who may, and each
// entrant becomes a run at the start step, due at once. A trigger seen twice (a retried pass, an
// overlapping scan) enters nobody twice: runs are unique per scenario, customer and entry key.
import type { Clock } from "../core/clock.js";
import { toIso } from "../core/clock.js";
import { anyOf, chunk, type Db, type NewScenarioRun, type Scenario, selectIn, toJson } from "../db/index.js";
import { evaluateCondition } from "./conditions.js";
import type { ScenarioDefinition } from "./definition.js";

export interface EntryCandidate {
  customerId: number;
  /** What made them enter, unique per customer within the scenario (e.g. `event:123`, `date:2026-11-23`). */
  entryKey: string;
  /** What the steps and templates may use: the trigger's event, order, product, date… */
  context: Record<string, unknown>;
}

const DAY_MS = 86_400_000;

/** Enters the candidates who may enter; returns how many did. */
export async function enterRuns(
  db: Db,
  clock: Clock,
  scenario: Scenario,
  definition: ScenarioDefinition,
  candidates: EntryCandidate[],
): Promise<number> {
  if (candidates.length === 0) return 0;
  const now = clock.now();
  const nowIso = toIso(now);
  const shopId = scenario.shop_id;

  // One entry per customer per pass: the first candidate wins (triggers list them in time order).
  const byCustomer = new Map<number, EntryCandidate>();
  for (const c of candidates) if (!byCustomer.has(c.customerId)) byCustomer.set(c.customerId, c);
  let entrants = [...byCustomer.values()];

  // Re-entry: never while a run is going; then by the rule.
  const previous = await selectIn(
    db,
    entrants.map((c) => c.customerId),
    (ids) =>
      db
        .selectFrom("scenario_runs")
        .select(["customer_id", "status", "entry_key", (eb) => eb.fn.max("entered_at").as("last")])
        .where("scenario_id", "=", scenario.id)
        .where(anyOf(db, "customer_id", ids))
        .groupBy(["customer_id", "status", "entry_key"])
        .execute(),
  );
  const blocked = new Set<number>();
  const rule = definition.reentry;
  const since = typeof rule === "object" ? toIso(now.getTime() - rule.afterDays * DAY_MS) : null;
  const seenKeys = new Set<string>();
  for (const p of previous) {
    seenKeys.add(`${p.customer_id}:${p.entry_key}`);
    if (p.status === "active") blocked.add(p.customer_id);
    else if (rule === "never") blocked.add(p.customer_id);
    else if (since !== null && p.last !== null && p.last > since) blocked.add(p.customer_id);
  }
  entrants = entrants.filter(
    (c) => !blocked.has(c.customerId) && !seenKeys.has(`${c.customerId}:${c.entryKey}`),
  );
  if (entrants.length === 0) return 0;

  // Merged-away profiles do not enter (their survivor does, through its own trigger rows).
  const live = new Set(
    (
      await selectIn(
        db,
        entrants.map((c) => c.customerId),
        (ids) =>
          db
            .selectFrom("customers")
            .select("id")
            .where("shop_id", "=", shopId)
            .where(anyOf(db, "id", ids))
            .where("merged_into_id", "is", null)
            .execute(),
      )
    ).map((r) => r.id),
  );
  entrants = entrants.filter((c) => live.has(c.customerId));

  if (definition.audience && entrants.length > 0) {
    const answers = await evaluateCondition(
      db,
      shopId,
      now,
      definition.audience,
      entrants.map((c) => ({ customerId: c.customerId, enteredAt: nowIso, context: c.context })),
    );
    entrants = entrants.filter((_, i) => answers[i]);
  }
  if (entrants.length === 0) return 0;

  const rows: NewScenarioRun[] = entrants.map((c) => ({
    shop_id: shopId,
    scenario_id: scenario.id,
    version: scenario.version,
    customer_id: c.customerId,
    entry_key: c.entryKey,
    status: "active",
    step_id: definition.start,
    step_seq: 0,
    next_at: nowIso,
    waiting_for: null,
    arm: null,
    context: toJson(c.context),
    entered_at: nowIso,
    ended_at: null,
    end_reason: null,
  }));
  let entered = 0;
  for (const part of chunk(rows, 500)) {
    const result = await db
      .insertInto("scenario_runs")
      .values(part)
      .onConflict((oc) => oc.columns(["scenario_id", "customer_id", "entry_key"]).doNothing())
      .executeTakeFirst();
    entered += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return entered;
}
