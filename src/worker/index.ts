// The background worker: runs each job until it has nothing due, then sleeps. `kizuna worker` runs it
// as its own process (any number of them on PostgreSQL); `kizuna serve` on SQLite runs it in-process.

import { refreshAnalytics } from "../analytics/job.js";
import { startDueCampaigns } from "../campaigns/index.js";
import type { Clock } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import { expireDuePoints } from "../customers/point-expiry.js";
import { type Db, isDatabaseUnreachable } from "../db/index.js";
import { indexAnonymousEvents } from "../events/index.js";
import { attributeConversions } from "../messaging/attribution/index.js";
import { guardDeliverability } from "../messaging/deliverability.js";
import { keepRecommendationsCurrent } from "../recommend/index.js";
import { advanceDueRuns, runTriggers, wakeWaitingRuns } from "../scenarios/index.js";
import { refreshDueSegments } from "../segments/index.js";

export interface Job {
  name: string;
  /** Does one batch of due work; returns how many items it handled (0 = nothing due). */
  runBatch(db: Db, clock: Clock): Promise<number>;
}

// Order matters within a round: points expire before scenarios read balances, and triggers enter
// customers before the step pass moves them.
export const JOBS: Job[] = [
  // Anonymous events by visitor, for identify: the events writer keeps up under load, this catches
  // what imports and other writers add.
  { name: "visitor-event-index", runBatch: (db) => indexAnonymousEvents(db) },
  { name: "expire-points", runBatch: (db, clock) => expireDuePoints(db, clock) },
  // Metrics before segments (their rules read them), segments before triggers (entries start runs).
  // Once per round: a pass does all that is due, and returning 0 keeps drainJobs from repeating it.
  {
    name: "analytics",
    runBatch: async (db, clock) => {
      await refreshAnalytics(db, clock);
      return 0;
    },
  },
  { name: "segments", runBatch: (db, clock) => refreshDueSegments(db, clock) },
  // Before triggers and steps, so the messages they queue render the customers' current lists.
  { name: "recommendations", runBatch: (db, clock) => keepRecommendationsCurrent(db, clock.now()) },
  { name: "campaigns", runBatch: (db, clock) => startDueCampaigns(db, clock) },
  { name: "scenario-triggers", runBatch: (db, clock) => runTriggers(db, clock) },
  { name: "scenario-wakeups", runBatch: (db, clock) => wakeWaitingRuns(db, clock) },
  { name: "scenario-steps", runBatch: async (db, clock) => (await advanceDueRuns(db, clock)).claimed },
  // After the step pass, so conversions that exit goals record exist before messages are credited.
  { name: "attribution", runBatch: (db, clock) => attributeConversions(db, clock) },
  // Pausing is done once per round; returning 0 keeps drainJobs from calling it again at once.
  {
    name: "deliverability-guard",
    runBatch: async (db, clock) => {
      await guardDeliverability(db, clock);
      return 0;
    },
  },
];

/**
 * Runs every job until none has work left. Returns the items handled per job. A job that fails does not
 * hold the others up (a broken recommendation rebuild must not stop scenario steps): the round goes on
 * and the failures are thrown together at its end.
 */
export async function drainJobs(db: Db, clock: Clock, jobs: Job[] = JOBS): Promise<Record<string, number>> {
  const handled: Record<string, number> = {};
  const failures: Error[] = [];
  for (const job of jobs) {
    handled[job.name] = 0;
    try {
      for (;;) {
        const n = await job.runBatch(db, clock);
        handled[job.name] += n;
        if (n === 0) break;
      }
    } catch (err) {
      failures.push(new Error(`job ${job.name} failed: ${(err as Error).message}`, { cause: err }));
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, failures.map((f) => f.message).join("; "));
  return handled;
}

export interface WorkerHandle {
  stop(): Promise<void>;
}

/** Sends what the outbox holds, continuously; the scenario jobs above fill it. */
export interface DeliveryLoop {
  runBatch(): Promise<number>;
  close(): Promise<void>;
}

const DELIVERY_IDLE_MS = 1_000;
const OUTAGE_MAX_WAIT_MS = 30_000;

/** Between tries while the database cannot be reached: 1 s, 2, 4 … up to 30 s. */
export function outageWaitMs(failures: number): number {
  return Math.min(OUTAGE_MAX_WAIT_MS, 1_000 * 2 ** Math.max(0, failures - 1));
}

/**
 * Tells a database outage (server down, restarting, connection cut) from other failures: each try is
 * one short log line with the wait before the next, and the recovery is said once. What was under way
 * when the connection dropped is taken up again: a transaction was rolled back and is run anew, a
 * claimed message is claimed again when its lease runs out.
 */
class OutageWatch {
  private failures = 0;

  constructor(
    private readonly logger: Logger,
    private readonly loop: string,
  ) {}

  /** After a failure: the wait before the next try, or null when it was not an outage. */
  failed(err: unknown): number | null {
    if (!isDatabaseUnreachable(err)) return null;
    this.failures++;
    const waitMs = outageWaitMs(this.failures);
    const cause = (err as Error).message.split(";")[0].slice(0, 200);
    this.logger.warn(
      { loop: this.loop, failures: this.failures, retryInMs: waitMs, cause },
      `database unreachable; ${this.loop} retries in ${waitMs / 1000} s`,
    );
    return waitMs;
  }

  succeeded(): void {
    if (this.failures === 0) return;
    this.logger.info(
      { loop: this.loop, failures: this.failures },
      `database reachable again; ${this.loop} resumed`,
    );
    this.failures = 0;
  }
}

export function startWorker(
  db: Db,
  clock: Clock,
  logger: Logger,
  intervalMs = 15_000,
  delivery?: DeliveryLoop,
): WorkerHandle {
  let stopped = false;
  const deliveryRunning = delivery ? runDelivery(delivery, logger, () => stopped) : Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const outage = new OutageWatch(logger, "jobs");

  const tick = async () => {
    let waitMs = intervalMs;
    try {
      const handled = await drainJobs(db, clock);
      outage.succeeded();
      const total = Object.values(handled).reduce((a, b) => a + b, 0);
      if (total > 0) logger.info({ handled }, "worker batch done");
    } catch (err) {
      const outageWait = outage.failed(err);
      if (outageWait === null) logger.error({ err }, "worker batch failed; will retry");
      else waitMs = outageWait;
    }
    if (!stopped) timer = setTimeout(() => (running = tick()), waitMs);
  };
  running = tick();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      await deliveryRunning;
      await delivery?.close();
    },
  };
}

/** Claims batch after batch while there is work; when idle, looks again every second. */
async function runDelivery(delivery: DeliveryLoop, logger: Logger, stopped: () => boolean): Promise<void> {
  const outage = new OutageWatch(logger, "delivery");
  while (!stopped()) {
    let handled = 0;
    let waitMs = DELIVERY_IDLE_MS;
    try {
      handled = await delivery.runBatch();
      outage.succeeded();
    } catch (err) {
      const outageWait = outage.failed(err);
      if (outageWait === null) logger.error({ err }, "delivery batch failed; will retry");
      else waitMs = outageWait;
    }
    if (handled === 0) await new Promise((r) => setTimeout(r, waitMs));
  }
}
