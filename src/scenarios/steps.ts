// What each kind of step does, for a batch of runs standing on the same step.
import { randomBytes } from "node:crypto";
import { earliestIso, toIso } from "../core/clock.js";
import { recordPointEntry } from "../customers/points.js";
import { anyOf, fromJson, selectIn, toJson } from "../db/index.js";
import {
  completeStep,
  holdRun,
  type PassContext,
  type RunContext,
  triggeredAt,
  type WorkingRun,
} from "./advance.js";
import { evaluateCondition } from "./conditions.js";
import { durationMs, type ScenarioAction, type Step } from "./definition.js";
import { nextWindowStart } from "./local-time.js";
import { sendStep } from "./send.js";

export interface StepBatch {
  step: Step;
  shopId: number;
  runs: WorkingRun[];
}

export async function executeStep(pass: PassContext, batch: StepBatch): Promise<void> {
  const { step } = batch;
  switch (step.type) {
    case "wait":
      for (const run of batch.runs)
        waitFor(pass, run, new Date(pass.now.getTime() + durationMs(step.duration)), step.next);
      return;
    case "wait_until": {
      const shop = await pass.shop(batch.shopId);
      for (const run of batch.runs) {
        const start = nextWindowStart(pass.now, step.from, step.to, shop.zone, step.weekdays);
        if (start.getTime() <= pass.now.getTime()) completeStep(pass, run, "in_window", step.next);
        else holdRun(run, start);
      }
      return;
    }
    case "wait_for_event":
      return waitForEvent(pass, batch, step);
    case "branch": {
      const answers = await evaluateCondition(
        pass.db,
        batch.shopId,
        pass.now,
        step.condition,
        batch.runs.map((r) => ({
          customerId: r.row.customer_id,
          runId: r.row.id,
          enteredAt: triggeredAt(r),
          context: r.context,
        })),
      );
      for (const [i, run] of batch.runs.entries()) {
        completeStep(pass, run, answers[i] ? "yes" : "no", answers[i] ? step.yes : step.no);
      }
      return;
    }
    case "split":
      for (const run of batch.runs) {
        const arm = pickArm(run.row.id, step.id, step.arms);
        run.row.arm ??= arm.name;
        if (arm.holdout) run.row.holdout = 1;
        completeStep(pass, run, `arm:${arm.name}`, arm.next);
      }
      return;
    case "send":
      return sendStep(pass, batch, step);
    case "send_winner": {
      const winner = await pickWinner(pass, batch.runs[0].row.scenario_id, step);
      const template = step.arms.find((a) => a.arm === winner)!.template;
      return sendStep(pass, batch, { ...step, type: "send", template }, { variant: winner });
    }
    case "action":
      for (const run of batch.runs) {
        await runAction(pass, batch.shopId, run, step.action);
        completeStep(pass, run, step.action.type, step.next);
      }
      return;
    case "end":
      for (const run of batch.runs) completeStep(pass, run, "end", undefined);
      return;
  }
}

/** A timed wait: the first visit sets the alarm, the visit after it has rung moves on. */
function waitFor(pass: PassContext, run: WorkingRun, until: Date, next: string | undefined): void {
  const hold = currentHold(run);
  if (!hold) {
    startHold(pass, run, toIso(until));
    return;
  }
  if (hold.until <= pass.nowIso) completeStep(pass, run, "waited", next);
  else holdRun(run, hold.until);
}

function currentHold(run: WorkingRun): RunContext["hold"] | undefined {
  const hold = run.context.hold;
  return hold && hold.step === run.row.step_id && hold.seq === run.row.step_seq ? hold : undefined;
}

function startHold(pass: PassContext, run: WorkingRun, until: string): void {
  run.context.hold = { step: run.row.step_id!, seq: run.row.step_seq, since: pass.nowIso, until };
  holdRun(run, until);
}

async function waitForEvent(
  pass: PassContext,
  batch: StepBatch,
  step: Extract<Step, { type: "wait_for_event" }>,
) {
  const resumed: WorkingRun[] = [];
  for (const run of batch.runs) {
    if (currentHold(run)) resumed.push(run);
    else {
      startHold(pass, run, toIso(pass.now.getTime() + durationMs(step.timeout)));
      run.row.waiting_for = step.eventTypes.join(",");
    }
  }
  if (resumed.length === 0) return;
  const happened = await eventsSinceHold(pass, batch.shopId, resumed, step.eventTypes);
  for (const run of resumed) {
    const hold = currentHold(run)!;
    if (happened.has(run.row.id)) completeStep(pass, run, "event", step.next);
    else if (hold.until <= pass.nowIso) completeStep(pass, run, "timeout", step.timeoutNext);
    else holdRun(run, hold.until);
  }
}

/** Runs whose customer did one of `types` (or ordered, for "order") since their wait began. */
async function eventsSinceHold(
  pass: PassContext,
  shopId: number,
  runs: WorkingRun[],
  types: string[],
): Promise<Set<number>> {
  const { db, nowIso } = pass;
  const since = earliestIso(
    runs.map((r) => currentHold(r)!.since),
    nowIso,
  );
  const customerIds = [...new Set(runs.map((r) => r.row.customer_id))];
  const latest = new Map<number, string>();
  const note = (customerId: number | null, at: string | null) => {
    if (customerId === null || at === null) return;
    if ((latest.get(customerId) ?? "") < at) latest.set(customerId, at);
  };
  const eventTypes = types.filter((t) => t !== "order");
  if (eventTypes.length > 0) {
    const rows = await selectIn(db, customerIds, (ids) =>
      db
        .selectFrom("events")
        .select(["customer_id", (eb) => eb.fn.max("occurred_at").as("at")])
        .where("shop_id", "=", shopId)
        .where(anyOf(db, "customer_id", ids))
        .where("type", "in", eventTypes as never[])
        .where("occurred_at", ">=", since)
        .where("occurred_at", "<=", nowIso)
        .groupBy("customer_id")
        .execute(),
    );
    for (const r of rows) note(r.customer_id, r.at);
  }
  if (types.includes("order")) {
    const rows = await selectIn(db, customerIds, (ids) =>
      db
        .selectFrom("orders")
        .select(["customer_id", (eb) => eb.fn.max("ordered_at").as("at")])
        .where("shop_id", "=", shopId)
        .where(anyOf(db, "customer_id", ids))
        .where("ordered_at", ">=", since)
        .where("ordered_at", "<=", nowIso)
        .groupBy("customer_id")
        .execute(),
    );
    for (const r of rows) note(r.customer_id, r.at);
  }
  const out = new Set<number>();
  for (const run of runs) {
    const at = latest.get(run.row.customer_id);
    if (at !== undefined && at >= currentHold(run)!.since) out.add(run.row.id);
  }
  return out;
}

/** Deterministic arm for a run: the same run always lands in the same arm (FNV-1a of run and step). */
function pickArm<A extends { weight: number }>(runId: number, stepId: string, arms: A[]): A {
  let hash = 0x811c9dc5;
  for (const ch of `${runId}:${stepId}`) {
    hash ^= ch.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  const total = arms.reduce((s, a) => s + a.weight, 0);
  let point = hash % total;
  for (const arm of arms) {
    if (point < arm.weight) return arm;
    point -= arm.weight;
  }
  return arms[arms.length - 1];
}

const COUPON_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

function couponCode(prefix: string | undefined): string {
  const bytes = randomBytes(8);
  let code = "";
  for (const b of bytes) code += COUPON_ALPHABET[b % COUPON_ALPHABET.length];
  return `${prefix ?? "KZ"}-${code}`;
}

async function runAction(
  pass: PassContext,
  shopId: number,
  run: WorkingRun,
  action: ScenarioAction,
): Promise<void> {
  const { db, now, nowIso } = pass;
  const customerId = run.row.customer_id;
  switch (action.type) {
    case "issue_coupon": {
      const shop = await pass.shop(shopId);
      const expiresAt = toIso(now.getTime() + action.expiresInDays * 86_400_000);
      const code = couponCode(action.prefix);
      await db
        .insertInto("coupons")
        .values({
          shop_id: shopId,
          code,
          customer_id: customerId,
          kind: action.kind,
          value: action.value,
          currency: shop.currency,
          min_order: action.minOrder ?? 0,
          expires_at: expiresAt,
          redeemed_at: null,
          redeemed_order_external_id: null,
          created_at: nowIso,
        })
        .execute();
      run.context.coupon = {
        code,
        kind: action.kind,
        value: action.value,
        currency: shop.currency,
        expiresAt,
      };
      return;
    }
    case "add_points":
      await recordPointEntry(db, pass.clock, shopId, customerId, {
        kind: "earn",
        points: action.points,
        expiresAt: action.expiresInDays ? toIso(now.getTime() + action.expiresInDays * 86_400_000) : null,
        reason: action.reason ?? `scenario ${run.row.scenario_id}`,
        externalId: `run:${run.row.id}:${run.row.step_seq + 1}`,
        occurredAt: nowIso,
      });
      return;
    case "set_attribute":
    case "add_tag": {
      const row = await db
        .selectFrom("customers")
        .select("attributes")
        .where("shop_id", "=", shopId)
        .where("id", "=", customerId)
        .executeTakeFirst();
      if (!row) return;
      const attributes = fromJson<Record<string, unknown>>(row.attributes);
      if (action.type === "set_attribute") attributes[action.name] = action.value;
      else {
        const tags = Array.isArray(attributes.tags) ? (attributes.tags as unknown[]) : [];
        if (!tags.includes(action.tag)) attributes.tags = [...tags, action.tag];
      }
      await db
        .updateTable("customers")
        .set({ attributes: toJson(attributes), updated_at: nowIso })
        .where("shop_id", "=", shopId)
        .where("id", "=", customerId)
        .execute();
      return;
    }
  }
}

/**
 * The arm with the best rate so far among the scenario's runs: clicks per message sent, or
 * conversions per run. Ties go to the first arm listed.
 */
async function pickWinner(
  pass: PassContext,
  scenarioId: number,
  step: Extract<Step, { type: "send_winner" }>,
): Promise<string> {
  const arms = step.arms.map((a) => a.arm);
  const runs = await pass.db
    .selectFrom("scenario_runs")
    .select(["arm", (eb) => eb.fn.countAll<number>().as("n")])
    .where("scenario_id", "=", scenarioId)
    .where("arm", "in", arms)
    .groupBy("arm")
    .execute();
  const successes =
    step.metric === "clicks"
      ? await pass.db
          .selectFrom("messages")
          .innerJoin("scenario_runs", "scenario_runs.id", "messages.run_id")
          .select(["scenario_runs.arm", (eb) => eb.fn.countAll<number>().as("n")])
          .where("messages.scenario_id", "=", scenarioId)
          .where("messages.clicked_at", "is not", null)
          .where("scenario_runs.arm", "in", arms)
          .groupBy("scenario_runs.arm")
          .execute()
      : await pass.db
          .selectFrom("conversions")
          .innerJoin("scenario_runs", "scenario_runs.id", "conversions.run_id")
          .select(["scenario_runs.arm", (eb) => eb.fn.countAll<number>().as("n")])
          .where("conversions.scenario_id", "=", scenarioId)
          .where("scenario_runs.arm", "in", arms)
          .groupBy("scenario_runs.arm")
          .execute();
  let best = arms[0];
  let bestRate = -1;
  for (const arm of arms) {
    const total = Number(runs.find((r) => r.arm === arm)?.n ?? 0);
    const won = Number(successes.find((r) => r.arm === arm)?.n ?? 0);
    const rate = total === 0 ? 0 : won / total;
    if (rate > bestRate) {
      best = arm;
      bestRate = rate;
    }
  }
  return best;
}
