// The promise a crash must keep: the delivery worker is killed (SIGKILL) in the middle of sending 10,000
// emails to a real SMTP server; after a restart every message has arrived, none is lost, and the only
// repeats are messages that were on the wire at the moment of the kill — at most the connection pool's
// width — each repeat carrying the same Message-ID, so a receiver can drop it.
import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedOutbox } from "../../../bench/outbox-seed.js";
import { ManualClock } from "../../../src/core/clock.js";
import { BIN } from "../../support/cli.js";
import { createTestDb, type TestDb } from "../../support/db.js";
import { type SmtpSink, startSmtpSink } from "../../support/smtp.js";

const MESSAGES = 10_000;
const POOL_WIDTH = 4;
const SECRET = "crash-test-secret-0123456789";
const LEASE_SECONDS = 3;

describe("a worker killed mid-send", () => {
  let testDb: TestDb;
  let sink: SmtpSink;

  beforeAll(async () => {
    testDb = await createTestDb();
    sink = await startSmtpSink();
    await seedOutbox(testDb.db, new ManualClock(new Date().toISOString()), {
      messages: MESSAGES,
      smtpPort: sink.port,
      maxConnections: POOL_WIDTH,
      instanceSecret: SECRET,
    });
  }, 120_000);
  afterAll(async () => {
    await sink?.close();
    await testDb?.cleanup();
  });

  function startWorker(): ChildProcess {
    return spawn(process.execPath, [BIN, "worker", "--interval", "3600", "--lease", String(LEASE_SECONDS)], {
      env: {
        ...process.env,
        ...testDb.env,
        KIZUNA_SECRET: SECRET,
        PUBLIC_URL: "https://crm.kizuna-sabo.jp",
        LOG_LEVEL: "silent",
      },
      stdio: ["ignore", "ignore", "inherit"],
    });
  }

  async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function statusCounts(): Promise<Record<string, number>> {
    const rows = await testDb.db
      .selectFrom("messages")
      .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
      .groupBy("status")
      .execute();
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }

  it("loses nothing and repeats at most the pool's width, with the same Message-ID", async () => {
    // When the worker has sent about a third of the mails, it is killed without warning.
    const first = startWorker();
    await until(() => sink.received.length >= MESSAGES / 3, 120_000, "a third of the mails");
    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));
    const atKill = sink.received.length;
    const before = await statusCounts();
    expect(before.sent ?? 0).toBeLessThan(MESSAGES);
    // What was sent and recorded is all but the few mails on the wire.
    expect(atKill - (before.sent ?? 0)).toBeLessThanOrEqual(POOL_WIDTH);

    // Then a new worker takes over, once the dead worker's lease has run out, and finishes the job.
    const second = startWorker();
    try {
      await until(async () => (await statusCounts()).sent === MESSAGES, 180_000, "every message to be sent");
    } finally {
      second.kill("SIGTERM");
      await new Promise((r) => second.once("exit", r));
    }

    // Every message arrived; the repeats are within the bound and are the same messages.
    const ids = sink.received.map((m) => m.messageId);
    const distinct = new Set(ids);
    expect(distinct.size).toBe(MESSAGES);
    const repeats = ids.length - distinct.size;
    expect(repeats).toBeLessThanOrEqual(POOL_WIDTH);
    const rows = await testDb.db.selectFrom("messages").select(["id", "shop_id"]).execute();
    const expected = new Set(rows.map((r) => `<kizuna.${r.shop_id}.${r.id}@kizuna-sabo.jp>`));
    expect([...distinct].every((id) => expected.has(id!))).toBe(true);
    console.log(
      `crash test: ${MESSAGES} messages, killed after ${atKill} arrived (${before.sent ?? 0} recorded sent, ` +
        `${before.sending ?? 0} sending, ${before.rendering ?? 0} rendering); ${repeats} repeated after restart ` +
        `(bound: ${POOL_WIDTH})`,
    );
  }, 400_000);
});
