// The worker killed without warning (SIGKILL) at random moments while it runs a scenario for a few
// thousand customers (send, wait, branch, send) and sends a campaign to a segment of a few thousand
// more, restarted each time, until everything is done. Then, at the real SMTP server: every message
// arrived (none lost), a message arrived twice only if it was on the wire at a kill (at most the pool's
// width per kill), always with the same Message-ID; in the database: every scenario step happened
// exactly once per run and every message is in a final state.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../src/core/clock.js";
import { createTestDb, type TestDb } from "../support/db.js";
import { type SmtpSink, startSmtpSink } from "../support/smtp.js";
import { expectNothingLostOrRepeated, type FaultSizes, unrecordedAtSink, workDone } from "./outcome.js";
import {
  count,
  type FaultShop,
  faultSeed,
  killHard,
  SCENARIO_STEPS,
  seededRandom,
  seedFaultShop,
  startWorker,
  stopGently,
  until,
  type WorkerProcess,
} from "./support.js";

const SIZES: FaultSizes = { scenarioCustomers: 1_500, campaignCustomers: 1_500 };
/**
 * SMTP connections, and so mails on the wire at once: what one kill can repeat (one shop, one sender;
 * see test/messaging/email/crash.test.ts).
 */
const POOL_WIDTH = 4;

describe("a worker killed at random moments during a scenario and a campaign", () => {
  let t: TestDb;
  let sink: SmtpSink;
  let shop: FaultShop;
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    t = await createTestDb();
    sink = await startSmtpSink();
    shop = await seedFaultShop(t.db, systemClock, { smtpPort: sink.port, poolWidth: POOL_WIDTH, ...SIZES });
  }, 60_000);
  afterAll(async () => {
    await killHard(worker);
    await sink?.close();
    await t?.cleanup();
  });

  it("loses nothing, repeats no step, and repeats a mail only if it was on the wire", async () => {
    const random = seededRandom(faultSeed("random kills"));
    const kills = 3 + Math.floor(random() * 3);
    // The kills' moments, drawn at random in the two halves of the job: the step pass (with the
    // campaign's entry), counted in steps logged, and the sending, counted in mails arrived. The first
    // kill falls in the step pass, the last in the sending, those between in either.
    const stepTotal = SIZES.scenarioCustomers * SCENARIO_STEPS + SIZES.campaignCustomers;
    const mailTotal = SIZES.scenarioCustomers * 2 + SIZES.campaignCustomers * 0.9;
    const moments: Array<{ phase: "steps" | "mails"; at: number }> = [];
    for (let k = 0; k < kills; k++) {
      const phase = k === 0 ? "steps" : k === kills - 1 ? "mails" : random() < 0.5 ? "steps" : "mails";
      moments.push({ phase, at: Math.floor(random() * 0.9 * (phase === "steps" ? stepTotal : mailTotal)) });
    }
    moments.sort((x, y) => (x.phase === y.phase ? x.at - y.at : x.phase === "steps" ? -1 : 1));
    const stepsLogged = () => count(t.db, "select count(*) as n from scenario_run_steps");

    const started = Date.now();
    const killedAt: string[] = [];
    for (const [k, { phase, at }] of moments.entries()) {
      worker = startWorker(t.env);
      // Each worker does some work before it dies, even when two moments fall close together.
      const target = Math.max(at, phase === "steps" ? (await stepsLogged()) + 20 : sink.received.length + 5);
      const reached = async () => (phase === "steps" ? await stepsLogged() : sink.received.length) >= target;
      await until(async () => (await reached()) || worker!.child.exitCode !== null, 60_000, `${phase}`, 10);
      expect(worker.child.exitCode, worker.log()).toBeNull();
      await killHard(worker);
      // What reached the server but is not recorded as sent was on the wire at this kill or an earlier
      // one, and is all that can arrive twice.
      const unrecorded = await unrecordedAtSink(t.db, shop, sink);
      killedAt.push(`${phase} ${target} (${sink.received.length} mails in, ${unrecorded} unrecorded)`);
      expect(unrecorded).toBeLessThanOrEqual((k + 1) * POOL_WIDTH);
    }
    worker = startWorker(t.env);
    try {
      await until(() => workDone(t.db, shop, SIZES), 120_000, "the scenario and the campaign to finish", 250);
    } finally {
      await stopGently(worker);
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);

    const bound = kills * POOL_WIDTH;
    const { messages, repeats } = await expectNothingLostOrRepeated(t.db, shop, sink, SIZES, bound);
    console.log(
      `random kills: ${messages} messages, ${kills} kills at ${killedAt.join(", ")}; ` +
        `${repeats} repeated (bound ${bound}); done in ${seconds} s`,
    );
  }, 200_000);
});
