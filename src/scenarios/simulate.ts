// `kizuna simulate`: what would the shop's scenarios have done over the last N days? A backtest: on a
// scratch copy of the data (simulation-db.ts), runs are cleared, the clock is set N days back and
// moved forward tick by tick; triggers replay the events, orders and dates of each tick, the worker's
// step pass runs as it would live, and messages are queued but never sent. Then the outbox and the runs
// are counted per scenario.
//
// What the copy cannot replay: profiles, consents and point balances are as they are today, not as
// they were on each simulated day.
import { type Clock, ManualClock, toIso } from "../core/clock.js";
import { CHANNELS, type Channel, type Db } from "../db/index.js";
import { advanceDueRuns } from "./advance.js";
import { enableWholeLibrary } from "./library/index.js";
import { activeScenarios, loadDefinition } from "./store.js";
import { runTriggers, startCursors } from "./triggers.js";
import { wakeWaitingRuns } from "./wakeups.js";

export interface SimulateOptions {
  shopId: number;
  days: number;
  /** Switch the whole library on first. */
  enableAll?: boolean;
  /** Simulated minutes per tick: triggers and the step pass run once per tick. */
  tickMinutes?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface ScenarioSimulation {
  key: string;
  name: string;
  entered: number;
  messages: Record<Channel, number>;
  /** Messages queued per send step. */
  steps: Record<string, Record<Channel, number>>;
  converted: number;
  /** Revenue of the conversions, in minor units of the shop's currency. */
  revenue: number;
  /** Messages held back: frequency caps, no reachable channel. */
  suppressed: number;
  /** Runs ended, by reason (completed, goal:order_placed, …). */
  exits: Record<string, number>;
}

const emptyChannels = (): Record<Channel, number> =>
  Object.fromEntries(CHANNELS.map((c) => [c, 0])) as Record<Channel, number>;

/** Runs the backtest on `db`, which must be a scratch copy: it clears runs and writes messages. */
export async function simulate(
  db: Db,
  clock: Clock,
  options: SimulateOptions,
): Promise<ScenarioSimulation[]> {
  const end = clock.now();
  const start = new Date(end.getTime() - options.days * 86_400_000);
  const tickMs = (options.tickMinutes ?? 15) * 60_000;
  const sim = new ManualClock(start);
  const { shopId } = options;

  await clearRuns(db, shopId);
  // Other shops' scenarios do not run in this shop's simulation.
  await db
    .updateTable("scenarios")
    .set({ status: "paused" })
    .where("shop_id", "!=", shopId)
    .where("status", "=", "active")
    .execute();
  if (options.enableAll) await enableWholeLibrary(db, sim, shopId);
  for (const scenario of await activeScenarios(db, shopId)) {
    const definition = await loadDefinition(db, scenario.id, scenario.version);
    await startCursors(db, sim, shopId, scenario.id, definition, { backtest: true });
  }

  const ticks = Math.ceil((end.getTime() - start.getTime()) / tickMs);
  for (let tick = 1; tick <= ticks; tick++) {
    sim.set(new Date(Math.min(start.getTime() + tick * tickMs, end.getTime())));
    await runTriggers(db, sim, { backtest: true, shopId });
    await wakeWaitingRuns(db, sim, { backtest: true, shopId });
    while ((await advanceDueRuns(db, sim, 2_000)).claimed > 0) {}
    options.onProgress?.(tick, ticks);
  }
  return summarise(db, shopId, toIso(start));
}

async function clearRuns(db: Db, shopId: number): Promise<void> {
  for (const table of [
    "scenario_run_steps",
    "conversions",
    "messages",
    "scenario_runs",
    "scenario_cursors",
  ] as const) {
    await db.deleteFrom(table).where("shop_id", "=", shopId).execute();
  }
}

async function summarise(db: Db, shopId: number, since: string): Promise<ScenarioSimulation[]> {
  const scenarios = await activeScenarios(db, shopId);
  const out: ScenarioSimulation[] = [];
  for (const s of scenarios) {
    const runs = await db
      .selectFrom("scenario_runs")
      .select(["status", "end_reason", (eb) => eb.fn.countAll<number>().as("n")])
      .where("scenario_id", "=", s.id)
      .where("entered_at", ">=", since)
      .groupBy(["status", "end_reason"])
      .execute();
    const messages = await db
      .selectFrom("messages")
      .select(["status", "channel", "step_id", (eb) => eb.fn.countAll<number>().as("n")])
      .where("scenario_id", "=", s.id)
      .groupBy(["status", "channel", "step_id"])
      .execute();
    const conversions = await db
      .selectFrom("conversions")
      .select([(eb) => eb.fn.countAll<number>().as("n"), (eb) => eb.fn.sum<number>("revenue").as("revenue")])
      .where("scenario_id", "=", s.id)
      .executeTakeFirst();
    const result: ScenarioSimulation = {
      key: s.key,
      name: s.name,
      entered: runs.reduce((sum, r) => sum + Number(r.n), 0),
      messages: emptyChannels(),
      steps: {},
      converted: Number(conversions?.n ?? 0),
      revenue: Number(conversions?.revenue ?? 0),
      suppressed: 0,
      exits: {},
    };
    for (const r of runs) if (r.status !== "active") result.exits[r.end_reason ?? r.status] = Number(r.n);
    for (const m of messages) {
      const n = Number(m.n);
      if (m.status === "suppressed") {
        result.suppressed += n;
        continue;
      }
      result.messages[m.channel] += n;
      const step = m.step_id ?? "?";
      result.steps[step] ??= emptyChannels();
      result.steps[step][m.channel] += n;
    }
    out.push(result);
  }
  return out;
}
