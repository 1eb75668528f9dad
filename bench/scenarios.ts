// Scenario step throughput: steps advanced per second by the worker's step pass with 1,000,000 active
// runs in the database. Each run stands at the start of a typical journey: a branch (ordered since
// entry?), a send (LINE, else email, with consent, caps and quiet hours checked) and then a wait, so
// a pass completes two steps per run and leaves it waiting; some customers have ordered since entry,
// so the exit goal ends their run first. Setup (customers, consents, runs) is written in bulk SQL and
// not timed.
import { sql } from "kysely";
import { ManualClock, toIso } from "../src/core/clock.js";
import type { Db, Engine } from "../src/db/index.js";
import { advanceDueRuns, createScenario, ensureTemplates } from "../src/scenarios/index.js";
import { createShop } from "../src/shops/index.js";
import { createBenchDb } from "./db.js";
import type { BenchResult } from "./ingest.js";

export interface ScenarioBenchOptions {
  postgresUrl: string;
  runs: number;
  seconds: number;
  /** Runs claimed per pass. */
  claim: number;
  /** Concurrent workers on PostgreSQL. */
  workers: number;
  log: (line: string) => void;
}

const START = "2026-06-01T03:00:00.000Z"; // 12:00 JST: outside quiet hours

export async function benchScenarios(engine: Engine, options: ScenarioBenchOptions): Promise<BenchResult> {
  const bench = await createBenchDb(engine, options.postgresUrl);
  try {
    const { db } = bench;
    const clock = new ManualClock(START);
    const { shop } = await createShop(db, clock, { name: "Bench Shop" });
    await ensureTemplates(
      db,
      clock,
      shop.id,
      ["bench.first", "bench.second"].flatMap((key) =>
        (["email", "line"] as const).map((channel) => ({
          key,
          channel,
          locale: "ja",
          messageClass: "promotional" as const,
          body: "hello",
        })),
      ),
    );
    const scenario = await createScenario(db, clock, shop.id, {
      key: "bench",
      activate: true,
      definition: {
        name: "Bench journey",
        trigger: { type: "event", eventTypes: ["cart_add"] },
        start: "check",
        steps: [
          { id: "check", type: "branch", condition: { type: "order_since_entry" }, no: "first" },
          { id: "first", type: "send", template: "bench.first", channels: ["line", "email"], next: "later" },
          { id: "later", type: "wait", duration: { days: 1 }, next: "second" },
          { id: "second", type: "send", template: "bench.second", channels: ["line", "email"] },
        ],
        exitGoals: [{ type: "order_placed" }],
        guardrails: { frequencyCaps: [{ max: 100, perDays: 1 }] },
      },
    });
    options.log(`${engine}: writing ${options.runs.toLocaleString()} customers and active runs`);
    await seed(db, engine, shop.id, scenario.id, options.runs);

    options.log(`${engine}: advancing runs for up to ${options.seconds} s`);
    // Workers claim side by side as separate worker processes would (SKIP LOCKED keeps them apart on
    // PostgreSQL); on SQLite, with one writer, a second worker only waits, so one is measured.
    const workers = engine === "postgres" ? options.workers : 1;
    let steps = 0;
    let claimed = 0;
    const started = performance.now();
    const deadline = started + options.seconds * 1000;
    const worker = async () => {
      while (performance.now() < deadline) {
        const pass = await advanceDueRuns(db, clock, options.claim);
        if (pass.claimed === 0) break;
        steps += pass.steps;
        claimed += pass.claimed;
      }
    };
    await Promise.all(Array.from({ length: workers }, worker));
    const seconds = (performance.now() - started) / 1000;
    return {
      name: "scenario-steps",
      engine,
      steps_per_second: Math.round(steps / seconds),
      steps,
      runs_claimed: claimed,
      active_runs: options.runs,
      seconds: Math.round(seconds * 10) / 10,
      workers,
    };
  } finally {
    await bench.cleanup();
  }
}

/**
 * Customers c1…cN (email for all, LINE for a third; consent for email on most, LINE where linked),
 * an order since entry for one in twenty, and one active run each at the start step, all due.
 */
async function seed(db: Db, engine: Engine, shopId: number, scenarioId: number, n: number): Promise<void> {
  const now = START;
  const entered = toIso(Date.parse(START) - 3_600_000);
  const series =
    engine === "postgres"
      ? sql`select i from generate_series(1, ${n}) as s(i)`
      : sql`with recursive s(i) as (select 1 union all select i + 1 from s where i < ${n}) select i from s`;
  const lineId =
    engine === "postgres" ? sql`'U' || lpad(to_hex(i), 32, '0')` : sql`'U' || printf('%032x', i)`;
  await sql`
    insert into customers (shop_id, external_id, email, line_user_id, attributes, created_at, updated_at)
    select ${shopId}, 'c' || i, 'c' || i || '@bench.example',
      case when i % 3 = 0 then ${lineId} else null end, '{}', ${now}, ${now}
    from (${series}) as s`.execute(db);
  await sql`
    insert into consents (shop_id, customer_id, channel, granted, source, updated_at)
    select ${shopId}, id, 'email', 1, 'bench', ${now} from customers where shop_id = ${shopId} and id % 10 <> 0`.execute(
    db,
  );
  await sql`
    insert into consents (shop_id, customer_id, channel, granted, source, updated_at)
    select ${shopId}, id, 'line', 1, 'bench', ${now} from customers
    where shop_id = ${shopId} and line_user_id is not null`.execute(db);
  await sql`
    insert into orders (shop_id, external_id, customer_id, channel, status, ordered_at, currency,
      subtotal, discount, shipping, tax, total, points_used, created_at, updated_at)
    select ${shopId}, 'o' || id, id, 'online', 'paid', ${toIso(Date.parse(START) - 1_800_000)}, 'JPY',
      3000, 0, 0, 0, 3000, 0, ${now}, ${now}
    from customers where shop_id = ${shopId} and id % 20 = 0`.execute(db);
  await sql`
    insert into scenario_runs (shop_id, scenario_id, version, customer_id, entry_key, status, step_id,
      step_seq, next_at, holdout, context, entered_at)
    select ${shopId}, ${scenarioId}, 1, id, 'bench', 'active', 'check', 0, ${now}, 0, '{}', ${entered}
    from customers where shop_id = ${shopId}`.execute(db);
  // Fresh statistics, as a live database would have: the planner then uses the due-runs index.
  await sql`analyze`.execute(db);
}
