// The send step: pick the channel (the first in the step's order the customer can be reached on, with
// consent for promotional messages, that the shop has set up; a customer reachable only on channels the
// shop has not set up yet is queued on the first, to wait there), hold back a promotional message about
// a product outside the categories the customer chose in the preference centre, respect quiet hours
// (wait for the window) and frequency caps (skip, recorded as suppressed), and queue the message in the
// outbox for the delivery pipeline. A holdout run sends nothing: it is the control group.
import { toIso } from "../core/clock.js";
import { anyOf, type Channel, type NewMessage, selectIn, toJson } from "../db/index.js";
import { channelsSetUp } from "../messaging/channels/settings.js";
import { categoriesAllow, chosenCategories, topLevelCategory } from "../messaging/preferences/preferences.js";
import { completeStep, holdRun, type PassContext, type WorkingRun } from "./advance.js";
import type { Step } from "./definition.js";
import { CapLedger, effectiveGuardrails, longestCapWindow } from "./guardrails.js";
import { atLocalTime, localDate, localHour, nextLocalTime, quietUntil } from "./local-time.js";
import { reachableChannels } from "./reachability.js";
import type { StepBatch } from "./steps.js";

type SendStep = Extract<Step, { type: "send" }>;

export interface SendOptions {
  /** The variant recorded on the messages (default: the run's arm). */
  variant?: string;
  /** Current point balances of the batch's customers (filled in by sendStep). */
  points?: Map<number, PointsNow>;
}

export async function sendStep(
  pass: PassContext,
  batch: StepBatch,
  step: SendStep,
  options: SendOptions = {},
): Promise<void> {
  const shop = await pass.shop(batch.shopId);
  let ready: WorkingRun[] = [];
  for (const run of batch.runs) {
    if (run.row.holdout) completeStep(pass, run, "holdout", step.next);
    else ready.push(run);
  }
  if (step.sendTime) ready = await applySendTime(pass, ready, step, shop.zone, batch.shopId);
  if (ready.length === 0) return;

  const customerIds = [...new Set(ready.map((r) => r.row.customer_id))];
  const reach = await reachableChannels(pass.db, batch.shopId, customerIds, step.messageClass);
  const setUp = await channelsSetUp(pass.db, batch.shopId);
  const queueOptions = { ...options, points: await currentPoints(pass, batch.shopId, customerIds) };
  const promotional = step.messageClass === "promotional";
  const guardrails = effectiveGuardrails(shop.guardrails, ready[0].definition);
  const caps = promotional
    ? await CapLedger.load(
        pass.db,
        batch.shopId,
        customerIds,
        pass.now,
        longestCapWindow(guardrails.frequencyCaps),
        pass.effects.messages,
      )
    : null;

  const categories = promotional
    ? await chosenCategories(pass.db, batch.shopId, customerIds)
    : new Map<number, string[]>();
  const productCategory = await productCategories(
    pass,
    batch.shopId,
    ready.filter((r) => categories.has(r.row.customer_id)),
  );

  // Quiet hours depend on the channel and the time only: worked out once per channel per batch.
  const quietByChannel = new Map<Channel, Date | null>();
  const quietEnds = (channel: Channel): Date | null => {
    if (!quietByChannel.has(channel)) {
      const quiet = guardrails.quietHours[channel];
      quietByChannel.set(channel, quiet ? quietUntil(pass.now, quiet.from, quiet.to, shop.zone) : null);
    }
    return quietByChannel.get(channel)!;
  };

  for (const run of ready) {
    const reachable = step.channels.filter((ch) => reach.get(run.row.customer_id)?.has(ch));
    const channel = reachable.find((ch) => setUp.has(ch)) ?? reachable[0];
    if (!channel) {
      queue(pass, run, step, step.channels[0], "suppressed", "unreachable", queueOptions);
      completeStep(pass, run, "unreachable", step.next);
      continue;
    }
    if (promotional) {
      const chosen = categories.get(run.row.customer_id);
      const productId = productOf(run);
      const path = productId === null ? undefined : productCategory.get(productId);
      if (chosen && path && !categoriesAllow(chosen, path)) {
        queue(
          pass,
          run,
          step,
          channel,
          "suppressed",
          `customer_categories:${topLevelCategory(path)}`,
          queueOptions,
        );
        completeStep(pass, run, "suppressed", step.next);
        continue;
      }
      const until = quietEnds(channel);
      if (until) {
        holdRun(run, until);
        continue;
      }
      const cap = caps!.breaks(run.row.customer_id, channel, pass.now.getTime(), guardrails.frequencyCaps);
      if (cap) {
        const reason = cap.customerChoice
          ? `customer_frequency:${cap.customerChoice}`
          : `frequency_cap:${cap.max}/${cap.perDays}d:${cap.channel ?? "all channels"}`;
        queue(pass, run, step, channel, "suppressed", reason, queueOptions);
        completeStep(pass, run, "suppressed", step.next);
        continue;
      }
      caps!.record(run.row.customer_id, channel, pass.now.getTime());
    }
    queue(pass, run, step, channel, "queued", null, queueOptions);
    completeStep(pass, run, `sent:${channel}`, step.next);
  }
}

/** The product a run's message is about (back in stock, replenishment, warranty), when it names one. */
function productOf(run: WorkingRun): number | null {
  const product = run.context.product as { id?: unknown } | undefined;
  return typeof product?.id === "number" ? product.id : null;
}

/** The category paths of the products the runs are about (products without one are left out). */
async function productCategories(
  pass: PassContext,
  shopId: number,
  runs: WorkingRun[],
): Promise<Map<number, string>> {
  const ids = [...new Set(runs.map(productOf).filter((id): id is number => id !== null))];
  if (ids.length === 0) return new Map();
  const rows = await selectIn(pass.db, ids, (chunk) =>
    pass.db
      .selectFrom("products")
      .select(["id", "category_path"])
      .where("shop_id", "=", shopId)
      .where(anyOf(pass.db, "id", chunk))
      .execute(),
  );
  return new Map(rows.flatMap((r) => (r.category_path ? [[r.id, r.category_path] as const] : [])));
}

function queue(
  pass: PassContext,
  run: WorkingRun,
  step: SendStep,
  channel: Channel,
  status: "queued" | "suppressed",
  reason: string | null,
  options: SendOptions,
): void {
  const { context } = run;
  const payload: Record<string, unknown> = {};
  for (const key of [
    "event",
    "order",
    "product",
    "coupon",
    "points",
    "date",
    "anniversary",
    "warranty",
    "subscription",
    "slot",
  ]) {
    if (context[key] !== undefined) payload[key] = context[key];
  }
  // Points as they stand when the message is queued: a balance may have moved since entry (a 7-day
  // expiry reminder after a spend), and schedule-triggered statements have none in their context.
  const pointsNow = options.points?.get(run.row.customer_id);
  if (pointsNow) payload.points = pointsNow;
  const message: NewMessage = {
    shop_id: run.row.shop_id,
    customer_id: run.row.customer_id,
    channel,
    template_key: step.template,
    message_class: step.messageClass,
    status,
    status_reason: reason,
    // The step's visit (seq) makes the key: a step redone after a crash queues the same message.
    idempotency_key: `run:${run.row.id}:${run.row.step_seq + 1}`,
    scenario_id: run.row.scenario_id,
    scenario_version: run.row.version,
    run_id: run.row.id,
    step_id: step.id,
    campaign_id: typeof context.campaignId === "number" ? context.campaignId : null,
    variant: options.variant ?? run.row.arm,
    payload: toJson(payload),
    queued_at: pass.nowIso,
    sent_at: null,
    opened_at: null,
    clicked_at: null,
    updated_at: pass.nowIso,
    // The delivery worker takes it at once; a suppressed one is never taken.
    due_at: status === "queued" ? pass.nowIso : null,
    address: null,
    provider_id: null,
    delivered_at: null,
    converted_at: null,
  };
  pass.effects.messages.push(message);
}

interface PointsNow {
  balance: number;
  expiringAmount: number;
  expiresAt: string | null;
}

/** The current point balance of those of the customers who hold points. */
async function currentPoints(
  pass: PassContext,
  shopId: number,
  customerIds: number[],
): Promise<Map<number, PointsNow>> {
  const rows = await selectIn(pass.db, customerIds, (ids) =>
    pass.db
      .selectFrom("point_balances")
      .select(["customer_id", "balance", "next_expiry_points", "next_expiry_at"])
      .where("shop_id", "=", shopId)
      .where(anyOf(pass.db, "customer_id", ids))
      .where("balance", ">", 0)
      .execute(),
  );
  return new Map(
    rows.map((r) => [
      r.customer_id,
      { balance: r.balance, expiringAmount: r.next_expiry_points, expiresAt: r.next_expiry_at },
    ]),
  );
}

/** Holds runs until the step's send time; returns the ones whose time has come. */
async function applySendTime(
  pass: PassContext,
  runs: WorkingRun[],
  step: SendStep,
  zone: string,
  shopId: number,
): Promise<WorkingRun[]> {
  const sendTime = step.sendTime!;
  const due: WorkingRun[] = [];
  const waiting: WorkingRun[] = [];
  for (const run of runs) {
    const hold = run.context.hold;
    if (hold && hold.step === step.id && hold.seq === run.row.step_seq) {
      if (hold.until <= pass.nowIso) due.push(run);
      else holdRun(run, hold.until);
    } else waiting.push(run);
  }
  if (waiting.length === 0) return due;
  const hours =
    sendTime.type === "best_hour"
      ? await usualHours(
          pass,
          shopId,
          zone,
          waiting.map((r) => r.row.customer_id),
        )
      : null;
  for (const run of waiting) {
    const at =
      sendTime.type === "fixed"
        ? sendTime.at
        : `${String(hours!.byCustomer.get(run.row.customer_id) ?? hours!.shop).padStart(2, "0")}:00`;
    const target = nextLocalTime(pass.now, at, zone);
    // The worker polls, so it is never exactly on the dot: a send time that came less than a grace ago
    // (a minute for a fixed time, the hour itself for a usual hour) is on time, as is one a minute away.
    const sinceToday = pass.now.getTime() - atLocalTime(localDate(pass.now, zone), at, zone).getTime();
    const grace = sendTime.type === "fixed" ? 60_000 : 3_600_000;
    if ((sinceToday >= 0 && sinceToday < grace) || target.getTime() - pass.now.getTime() < 60_000) {
      due.push(run);
      continue;
    }
    run.context.hold = { step: step.id, seq: run.row.step_seq, since: pass.nowIso, until: toIso(target) };
    holdRun(run, target);
  }
  return due;
}

/**
 * Each customer's usual hour: the most common local hour of their orders and message opens; the
 * shop's most common order hour for customers with no history.
 */
async function usualHours(
  pass: PassContext,
  shopId: number,
  zone: string,
  customerIds: number[],
): Promise<{ byCustomer: Map<number, number>; shop: number }> {
  const { db, nowIso } = pass;
  const since = toIso(pass.now.getTime() - 365 * 86_400_000);
  const orders = await selectIn(db, customerIds, (ids) =>
    db
      .selectFrom("orders")
      .select(["customer_id", "ordered_at as at"])
      .where("shop_id", "=", shopId)
      .where(anyOf(db, "customer_id", ids))
      .where("ordered_at", ">=", since)
      .where("ordered_at", "<=", nowIso)
      .execute(),
  );
  const opens = await selectIn(db, customerIds, (ids) =>
    db
      .selectFrom("messages")
      .select(["customer_id", "opened_at as at"])
      .where("shop_id", "=", shopId)
      .where(anyOf(db, "customer_id", ids))
      .where("opened_at", "is not", null)
      .where("opened_at", ">=", since)
      .execute(),
  );
  const tallies = new Map<number, number[]>();
  for (const r of [...orders, ...opens]) {
    if (r.customer_id === null || r.at === null) continue;
    let t = tallies.get(r.customer_id);
    if (!t) {
      t = new Array(24).fill(0);
      tallies.set(r.customer_id, t);
    }
    t[localHour(r.at, zone)]++;
  }
  const byCustomer = new Map<number, number>();
  for (const [id, t] of tallies) byCustomer.set(id, t.indexOf(Math.max(...t)));
  return { byCustomer, shop: await shopBestHour(pass, shopId, zone) };
}

const DEFAULT_BEST_HOUR = 20;

async function shopBestHour(pass: PassContext, shopId: number, zone: string): Promise<number> {
  const rows = await pass.db
    .selectFrom("orders")
    .select("ordered_at")
    .where("shop_id", "=", shopId)
    .where("ordered_at", ">=", toIso(pass.now.getTime() - 90 * 86_400_000))
    .where("ordered_at", "<=", pass.nowIso)
    .orderBy("ordered_at", "desc")
    .limit(5_000)
    .execute();
  if (rows.length === 0) return DEFAULT_BEST_HOUR;
  const t = new Array(24).fill(0);
  for (const r of rows) t[localHour(r.ordered_at, zone)]++;
  return t.indexOf(Math.max(...t));
}
