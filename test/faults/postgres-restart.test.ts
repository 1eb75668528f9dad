// The worker's PostgreSQL restarted under it, twice: once while the step pass moves a scenario's runs
// and a campaign enters its audience, once in the middle of sending. The worker (the real
// `kizuna worker`) must ride it out: say clearly that it lost the database and will retry, keep
// running, and once the server is back finish everything, with nothing lost and no mail repeated beyond
// the ones on the wire when the connection dropped. The test runs its own throwaway cluster, never the
// machine's shared server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../src/core/clock.js";
import { type Db, migrateToLatest, openDb } from "../../src/db/index.js";
import { testEngine } from "../support/db.js";
import { type SmtpSink, startSmtpSink } from "../support/smtp.js";
import { expectNothingLostOrRepeated, type FaultSizes, workDone } from "./outcome.js";
import { type PgCluster, startPgCluster } from "./pg-cluster.js";
import {
  count,
  type FaultShop,
  killHard,
  seedFaultShop,
  sleep,
  startWorker,
  stopGently,
  until,
  type WorkerProcess,
} from "./support.js";

const SIZES: FaultSizes = { scenarioCustomers: 600, campaignCustomers: 600 };
const POOL_WIDTH = 4;
/** How long the server stays down at each restart. */
const DOWN_MS = 3_000;

describe.skipIf(testEngine() !== "postgres")("the worker's PostgreSQL restarted mid-batch", () => {
  let cluster: PgCluster;
  let db: Db;
  let sink: SmtpSink;
  let shop: FaultShop;
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    cluster = await startPgCluster();
    db = openDb({ engine: "postgres", location: cluster.url }, { poolSize: 3 });
    await migrateToLatest(db);
    sink = await startSmtpSink();
    shop = await seedFaultShop(db, systemClock, { smtpPort: sink.port, poolWidth: POOL_WIDTH, ...SIZES });
  }, 90_000);
  afterAll(async () => {
    await killHard(worker);
    await db?.destroy();
    await sink?.close();
    await cluster?.destroy();
  });

  const alive = (w: WorkerProcess) => w.child.exitCode === null && w.child.signalCode === null;

  async function restart(): Promise<void> {
    await cluster.stop();
    await sleep(DOWN_MS);
    await cluster.start();
  }

  it("retries through two restarts and finishes with nothing lost and nothing repeated beyond the wire", async () => {
    worker = startWorker({ DATABASE_URL: cluster.url }, "info");
    const w = worker;

    // First restart: while runs are being advanced and the campaign's audience entered.
    await until(
      async () => (await count(db, "select count(*) as n from scenario_run_steps")) >= 300 || !alive(w),
      60_000,
      "the step pass to begin",
      20,
    );
    expect(alive(w), w.log()).toBe(true);
    await restart();
    await sleep(1_000);
    expect(alive(w), w.log()).toBe(true);

    // Second restart: in the middle of the sending.
    const expectedMails = SIZES.scenarioCustomers * 2 + SIZES.campaignCustomers * 0.9;
    const before = sink.received.length;
    await until(
      () => sink.received.length >= Math.max(before + 50, expectedMails * 0.4) || !alive(w),
      90_000,
      "the sending to be under way",
      20,
    );
    expect(alive(w), w.log()).toBe(true);
    await restart();

    await until(
      async () => !alive(w) || (await workDone(db, shop, SIZES)),
      120_000,
      "the work to finish",
      250,
    );
    expect(alive(w), w.log()).toBe(true);
    await stopGently(w);

    // It said what happened, when it would try again, and that it got the database back.
    const lines = w
      .log()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { level: number; msg: string; cause?: string });
    expect(lines.some((l) => /^database unreachable; (jobs|delivery) retries in \d+ s$/.test(l.msg))).toBe(
      true,
    );
    expect(lines.some((l) => /^database reachable again; (jobs|delivery) resumed$/.test(l.msg))).toBe(true);
    // An outage is one short line per try, not a stack trace per failed job.
    expect(lines.filter((l) => l.level >= 50).map((l) => l.msg)).toEqual([]);
    const { messages, repeats } = await expectNothingLostOrRepeated(db, shop, sink, SIZES, 2 * POOL_WIDTH);
    console.log(`postgres restarts: ${messages} messages, ${repeats} repeated (bound ${2 * POOL_WIDTH})`);
  }, 300_000);
});
