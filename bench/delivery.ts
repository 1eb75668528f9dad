// Delivery throughput: N personalised emails (the library's point-expiry reminder, ~30 KB of MJML-made
// HTML each) queued in the outbox, rendered and handed to a loopback SMTP sink in another process, with
// every message's state durably recorded. Reports messages/s (and the ratio to 1,667/s, i.e. 6 million
// an hour) and the worker's peak memory.
import { fork } from "node:child_process";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { systemClock, toIso } from "../src/core/clock.js";
import type { Db, Engine } from "../src/db/index.js";
import { DeliveryWorker } from "../src/messaging/delivery/worker.js";
import { createBenchDb } from "./db.js";
import type { BenchResult } from "./ingest.js";
import { seedOutbox } from "./outbox-seed.js";
import { startSink } from "./sink.js";

export interface DeliveryBenchOptions {
  postgresUrl: string;
  messages: number;
  /** SMTP connections (the pool's width). */
  connections: number;
  /** SMTP sender threads per worker (default: the adapter's). */
  sendThreads?: number;
  batch: number;
  /** Worker processes sharing the outbox (PostgreSQL; SQLite has one worker, in-process). */
  workers: number;
  log: (line: string) => void;
}

export const TARGET_PER_SECOND = 1_667;
const SECRET = "bench-secret-0123456789abcdef";

export async function benchDelivery(engine: Engine, options: DeliveryBenchOptions): Promise<BenchResult> {
  const { log } = options;
  const sink = await startSink();
  const bench = await createBenchDb(engine, options.postgresUrl);
  try {
    log(`[delivery ${engine}] queueing ${options.messages} messages…`);
    await seedOutbox(bench.db, systemClock, {
      messages: options.messages,
      smtpPort: sink.port,
      maxConnections: options.connections,
      sendThreads: options.sendThreads,
      instanceSecret: SECRET,
    });
    const workers = engine === "postgres" ? options.workers : 1;
    const sinkCpuBefore = await sink.cpuSeconds();
    const run =
      workers > 1
        ? await inProcesses(bench.url, workers, options.batch)
        : await inProcess(bench.db, options, engine);
    const { seconds, peakRss, cpuSeconds } = run;
    // Where the machine's cores went: with the sink on the same box, the sum says whether more
    // messages per second could fit at all.
    const sinkCpu = Math.round((((await sink.cpuSeconds()) - sinkCpuBefore) / seconds) * 100);
    const mainThread = run.mainThreadBusy === undefined ? "" : `main thread busy ${run.mainThreadBusy}%, `;

    const statuses = await bench.db
      .selectFrom("messages")
      .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
      .groupBy("status")
      .execute();
    const sentRows = Number(statuses.find((s) => s.status === "sent")?.n ?? 0);
    const atSink = await sink.count();
    const perSecond = Math.round(options.messages / seconds);
    const note =
      sentRows === options.messages && atSink.distinct === options.messages
        ? `all ${options.messages} sent and recorded; ${(atSink.bytes / atSink.received / 1024).toFixed(1)} KB/mail; ${workers} worker${workers > 1 ? "s" : ""} × ${options.connections} connections (${options.sendThreads ?? "default"} sender threads); ${mainThread}sink ${sinkCpu}% of a core; ratio to 1,667/s: ${(perSecond / TARGET_PER_SECOND).toFixed(2)}`
        : `INCOMPLETE: ${sentRows} recorded sent, ${atSink.distinct} distinct at the sink, statuses ${JSON.stringify(statuses)}`;
    return {
      name: "deliver-email",
      engine,
      messages_per_second: perSecond,
      peak_rss_mb: Math.round(peakRss / 2 ** 20),
      seconds: Math.round(seconds * 10) / 10,
      server_cpu_percent: Math.round((cpuSeconds / seconds) * 100),
      note,
      at: toIso(new Date()),
    } as BenchResult;
  } finally {
    sink.stop();
    await bench.cleanup();
  }
}

interface RunFigures {
  seconds: number;
  peakRss: number;
  cpuSeconds: number;
  /** Share of the run the in-process worker's main thread was busy (claim, render, record), %. */
  mainThreadBusy?: number;
}

async function inProcess(db: Db, options: DeliveryBenchOptions, engine: Engine): Promise<RunFigures> {
  const worker = new DeliveryWorker(
    { db, clock: systemClock, secret: SECRET, publicUrl: "https://crm.kizuna-sabo.jp" },
    { batchSize: options.batch },
  );
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const loopStart = performance.eventLoopUtilization();
  let sent = 0;
  let lastReport = started;
  for (;;) {
    const n = await worker.runBatch();
    if (n === 0) break;
    sent += n;
    if (performance.now() - lastReport > 2_000) {
      lastReport = performance.now();
      const rate = Math.round(sent / ((lastReport - started) / 1000));
      options.log(`[delivery ${engine}] ${sent}/${options.messages} (${rate}/s)`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const loop = performance.eventLoopUtilization(loopStart);
  clearInterval(sampler);
  await worker.close();
  return {
    seconds,
    peakRss,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    mainThreadBusy: Math.round(loop.utilization * 100),
  };
}

interface WorkerReport {
  taken: number;
  peakRss: number;
  cpuSeconds: number;
}

/** Worker processes on one PostgreSQL database, started together; peak memory is the largest one's. */
async function inProcesses(url: string, workers: number, batch: number): Promise<RunFigures> {
  const script = fileURLToPath(new URL("./delivery-worker.js", import.meta.url));
  const children = Array.from({ length: workers }, () =>
    fork(script, [url, SECRET, String(batch)], { stdio: "inherit" }),
  );
  await Promise.all(children.map((c) => new Promise((resolve) => c.once("message", resolve))));
  const started = performance.now();
  const reports = await Promise.all(
    children.map(
      (c) =>
        new Promise<WorkerReport>((resolve) => {
          c.once("message", (m) => resolve(m as WorkerReport));
          c.send("go");
        }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    seconds,
    peakRss: Math.max(...reports.map((r) => r.peakRss)),
    cpuSeconds: reports.reduce((sum, r) => sum + r.cpuSeconds, 0),
  };
}
