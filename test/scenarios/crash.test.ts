// A worker killed (SIGKILL) in the middle of advancing thousands of runs, then started again: every
// run finishes, every step happened exactly once (the step log is 1…n per run with no gap), every send
// step queued exactly one message and the tag action tagged once.
import { type ChildProcess, spawn } from "node:child_process";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { systemClock } from "../../src/core/clock.js";
import { createScenario, ensureTemplates } from "../../src/scenarios/index.js";
import { createShop } from "../../src/shops/index.js";
import { BIN } from "../support/cli.js";
import { createTestDb, type TestDb } from "../support/db.js";

const RUNS = 6_000;
const STEPS_PER_RUN = 4; // first, tag, second, end

function startWorker(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [BIN, "worker", "--interval", "0.2"], {
    env: { ...process.env, LOG_LEVEL: "silent", ...env },
    stdio: "ignore",
  });
}

async function count(t: TestDb, query: string): Promise<number> {
  const rows = await sql<{ n: number }>`${sql.raw(query)}`.execute(t.db);
  return Number(rows.rows[0].n);
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, pollMs = 5): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

describe("a worker crash between steps", () => {
  let t: TestDb;
  let worker: ChildProcess | undefined;
  beforeEach(async () => {
    t = await createTestDb();
  });
  afterEach(async () => {
    worker?.kill("SIGKILL");
    await t.cleanup();
  });

  it("loses no step and repeats none", { timeout: 120_000 }, async () => {
    const { shop } = await createShop(t.db, systemClock, { name: "Crash Shop" });
    await ensureTemplates(
      t.db,
      systemClock,
      shop.id,
      ["crash.first", "crash.second"].map((key) => ({
        key,
        channel: "email" as const,
        locale: "ja",
        messageClass: "transactional" as const,
        body: "hello",
      })),
    );
    const scenario = await createScenario(t.db, systemClock, shop.id, {
      key: "crash",
      activate: true,
      definition: {
        name: "Crash",
        trigger: { type: "event", eventTypes: ["cart_add"] },
        start: "first",
        steps: [
          {
            id: "first",
            type: "send",
            template: "crash.first",
            channels: ["email"],
            messageClass: "transactional",
            next: "tag",
          },
          { id: "tag", type: "action", action: { type: "add_tag", tag: "crashed" }, next: "second" },
          {
            id: "second",
            type: "send",
            template: "crash.second",
            channels: ["email"],
            messageClass: "transactional",
            next: "end",
          },
          { id: "end", type: "end" },
        ],
      },
    });
    const now = new Date().toISOString();
    const series =
      t.engine === "postgres"
        ? sql`select i from generate_series(1, ${RUNS}) as s(i)`
        : sql`with recursive s(i) as (select 1 union all select i + 1 from s where i < ${RUNS}) select i from s`;
    await sql`insert into customers (shop_id, external_id, email, attributes, created_at, updated_at)
      select ${shop.id}, 'c' || i, 'c' || i || '@crash.example', '{}', ${now}, ${now} from (${series}) as s`.execute(
      t.db,
    );
    await sql`insert into scenario_runs (shop_id, scenario_id, version, customer_id, entry_key, status, step_id,
        step_seq, next_at, holdout, context, entered_at)
      select ${shop.id}, ${scenario.id}, 1, id, 'crash', 'active', 'first', 0, ${now}, 0, '{}', ${now}
      from customers where shop_id = ${shop.id}`.execute(t.db);

    const logged = () => count(t, "select count(*) as n from scenario_run_steps");
    worker = startWorker(t.env);
    await waitFor(async () => (await logged()) > 0, 60_000);
    worker.kill("SIGKILL");
    await new Promise((r) => worker!.once("exit", r));
    const atKill = await logged();
    // Killed part-way: some runs were done, not all.
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(RUNS * STEPS_PER_RUN);

    worker = startWorker(t.env);
    await waitFor(
      async () => (await count(t, "select count(*) as n from scenario_runs where status = 'active'")) === 0,
      90_000,
      50,
    );
    worker.kill("SIGTERM");

    expect(await logged()).toBe(RUNS * STEPS_PER_RUN);
    // Per run: sequence numbers 1..4 with no gap and no repeat, in step order.
    const badRuns = await count(
      t,
      `select count(*) as n from (
         select run_id from scenario_run_steps group by run_id
         having count(*) <> ${STEPS_PER_RUN} or min(seq) <> 1 or max(seq) <> ${STEPS_PER_RUN}
       ) as bad`,
    );
    expect(badRuns).toBe(0);
    expect(await count(t, "select count(*) as n from messages")).toBe(RUNS * 2);
    expect(await count(t, "select count(distinct run_id) as n from messages where step_id = 'second'")).toBe(
      RUNS,
    );
    const tagged = await t.db
      .selectFrom("customers")
      .select("attributes")
      .where("shop_id", "=", shop.id)
      .execute();
    expect(tagged.every((c) => c.attributes.replace(/\s/g, "") === '{"tags":["crashed"]}')).toBe(true);
  });
});
