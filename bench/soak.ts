// Soak: N minutes (default 30) of mixed load at a steady rate: storefront events, identifies, orders and
// customer upserts through the API (soak-load.ts) while scenarios enter, advance and send and the
// delivery worker hands mail to a loopback SMTP sink. The processes are the shipped commands: on SQLite
// `kizuna serve` with the worker in-process; on PostgreSQL `kizuna serve` and `--workers` separate
// `kizuna worker` processes, as production runs them. Every 10 s it samples each process's memory
// (after a full collection), the requests' outcomes and latency, and what the database holds; the
// report (soak-report.ts) says whether memory stayed flat, nothing failed and delivery kept up.
import { statSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import { systemClock } from "../src/core/clock.js";
import { type Engine, MESSAGE_STATUSES } from "../src/db/index.js";
import { createShop } from "../src/shops/index.js";
import { type BenchDb, createBenchDb } from "./db.js";
import { type Sink, startSink } from "./sink.js";
import { SteadyLoad } from "./soak-load.js";
import { freePort, type KizunaProcess, startKizuna, waitUntilServing } from "./soak-processes.js";
import { printSoakTable, type SoakResult, type SoakSample, soakVerdict } from "./soak-report.js";
import { setUpSoakShop } from "./soak-setup.js";

export interface SoakOptions {
  postgresUrl: string;
  minutes: number;
  /** Storefront events per second; orders and customer upserts are fixed fractions of it. */
  rate: number;
  customers: number;
  /** `kizuna worker` processes on PostgreSQL. */
  workers: number;
  /** Aborted (Ctrl-C): the run ends at once and reports what it has. */
  signal?: AbortSignal;
  log: (line: string) => void;
}

const SAMPLE_MS = 10_000;
const PROGRESS_MS = 30_000;
/** A sink that does not answer in this time is reported as "?" for that sample. */
const SINK_TIMEOUT_MS = 10_000;

export async function benchSoak(engine: Engine, options: SoakOptions): Promise<SoakResult> {
  const { log } = options;
  const tag = `[soak ${engine}]`;
  let sink: Sink | undefined;
  let bench: BenchDb | undefined;
  const processes: KizunaProcess[] = [];
  const interrupted = () => options.signal?.aborted === true;
  let wake: () => void = () => {};
  options.signal?.addEventListener("abort", () => wake());
  try {
    sink = await startSink();
    bench = await createBenchDb(engine, options.postgresUrl);
    const { shop, publicKey, secretKey } = await createShop(bench.db, systemClock, { name: "きずな茶房" });
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = {
      DATABASE_URL: bench.url,
      PORT: String(port),
      HOST: "127.0.0.1",
      PUBLIC_URL: url,
      // All the load comes from one address: limits per client would answer it with 429s.
      RATE_LIMIT_STOREFRONT: "0",
      RATE_LIMIT_TRACKING: "0",
      RATE_LIMIT_PAGES: "0",
      RATE_LIMIT_WEBHOOKS: "0",
    };
    processes.push(startKizuna("server", ["serve", "--no-demo"], env));
    await waitUntilServing(url, processes[0]);
    if (engine === "postgres") {
      for (let i = 1; i <= options.workers; i++) processes.push(startKizuna(`worker-${i}`, ["worker"], env));
    }
    log(`${tag} ${processes.map((p) => p.name).join(", ")} running; setting up the shop…`);
    await setUpSoakShop({
      db: bench.db,
      shopId: shop.id,
      url,
      secretKey,
      smtpPort: sink.port,
      customers: options.customers,
    });

    const load = new SteadyLoad({
      url,
      publicKey,
      secretKey,
      customers: options.customers,
      rate: options.rate,
    });
    const store = new StoreCounter(bench, shop.id);
    const samples: SoakSample[] = [];
    const durationMs = options.minutes * 60_000;
    log(
      `${tag} ${options.minutes} minutes at ${options.rate} events/s, sampling every ${SAMPLE_MS / 1000} s`,
    );
    const started = performance.now();
    load.start();
    for (let next = SAMPLE_MS; next <= durationMs && !interrupted(); next += SAMPLE_MS) {
      const wait = started + next - performance.now();
      if (wait > 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, wait);
        });
      }
      if (interrupted()) break;
      const t = (performance.now() - started) / 1000;
      samples.push(await sample(t, load, store, sink, processes));
      if (next % PROGRESS_MS === 0) log(progressLine(tag, samples, durationMs));
      if (processes.some((p) => p.crash())) break;
    }
    await load.stop();
    if (samples.length === 0) throw new Error(`${tag} interrupted before the first sample`);

    const input = {
      engine,
      samples,
      processes: processes.map((p) => p.name),
      crashes: processes.flatMap((p) => (p.crash() ? [`${p.name} ${p.crash()}`] : [])),
      loggedErrors: processes.reduce((n, p) => n + p.loggedErrors(), 0),
      failures: [
        ...load.failures,
        ...processes.flatMap((p) => p.firstErrors().map((e) => `${p.name}: ${e}`)),
      ],
      interrupted: interrupted(),
      rate: options.rate,
      customers: options.customers,
    };
    log("");
    log(
      `soak on ${engine}: one row per ${samples.at(-1)!.t > 3600 ? "5 minutes" : "minute"}; memory as RSS/heap MB`,
    );
    printSoakTable(input, log);
    return soakVerdict(input, log);
  } finally {
    // The commands hold the database: they go first.
    await Promise.all(processes.map((p) => p.stop()));
    await bench?.cleanup();
    sink?.stop();
  }
}

async function sample(
  t: number,
  load: SteadyLoad,
  store: StoreCounter,
  sink: Sink,
  processes: KizunaProcess[],
): Promise<SoakSample> {
  const window = load.takeWindow();
  const [counts, received, memories] = await Promise.all([
    store.read(),
    Promise.race([
      sink.count().then((c) => c.received),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), SINK_TIMEOUT_MS).unref()),
    ]),
    Promise.all(processes.map((p) => p.sample())),
  ]);
  const memory: SoakSample["memory"] = {};
  for (const [i, p] of processes.entries()) {
    const m = memories[i];
    memory[p.name] = m
      ? {
          rssMb: m.rssBytes / 2 ** 20,
          heapMb: m.heapUsedBytes / 2 ** 20,
          cpuMs: m.cpuMs,
          loopDelayMaxMs: m.loopDelayMaxMs,
        }
      : null;
  }
  return { t, load: window, ...counts, sink: received, memory };
}

function progressLine(tag: string, samples: SoakSample[], durationMs: number): string {
  const s = samples.at(-1)!;
  const clock = (seconds: number) =>
    `${Math.floor(seconds / 60)}:${String(Math.round(seconds % 60)).padStart(2, "0")}`;
  const requests = samples.reduce((n, x) => n + x.load.sent, 0);
  const failed = samples.reduce(
    (n, x) => n + x.load.clientErrors + x.load.serverErrors + x.load.network + x.load.shed,
    0,
  );
  const recent = samples.slice(-3).flatMap((x) => x.load.latenciesMs);
  recent.sort((a, b) => a - b);
  const p99 = recent.length > 0 ? recent[Math.min(recent.length - 1, Math.floor(0.99 * recent.length))] : 0;
  const memory = Object.entries(s.memory)
    .map(([name, m]) => `${name} ${m ? `${Math.round(m.heapMb)}/${Math.round(m.rssMb)}` : "?"}`)
    .join(", ");
  return (
    `${tag} ${clock(s.t)}/${clock(durationMs / 1000)}  ${requests} requests (${failed} failed), p99 ${p99.toFixed(0)} ms;` +
    ` runs ${s.runsEntered} entered/${s.runsEnded} ended; sent ${s.sent}, backlog ${s.backlog}; heap/rss MB ${memory}`
  );
}

type StoreCounts = Omit<SoakSample, "t" | "load" | "sink" | "memory">;

/** What the database holds: rows counted as they are, so a sample shows what is stored, not sent. */
class StoreCounter {
  constructor(
    private readonly bench: BenchDb,
    private readonly shopId: number,
  ) {}

  async read(): Promise<StoreCounts> {
    const { db } = this.bench;
    const count = (table: "events" | "orders") =>
      db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("shop_id", "=", this.shopId)
        .executeTakeFirstOrThrow()
        .then((row) => Number(row.n));
    const byStatus = (table: "scenario_runs" | "messages") =>
      db
        .selectFrom(table)
        .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
        .where("shop_id", "=", this.shopId)
        .groupBy("status")
        .execute()
        .then(
          (rows) =>
            (...statuses: string[]) =>
              rows.filter((r) => statuses.includes(r.status)).reduce((n, r) => n + Number(r.n), 0),
        );
    const runs = await byStatus("scenario_runs");
    const messages = await byStatus("messages");
    return {
      events: await count("events"),
      orders: await count("orders"),
      runsEntered: runs("active", "completed", "exited"),
      runsEnded: runs("completed", "exited"),
      messages: messages(...MESSAGE_STATUSES),
      sent: messages("sent", "delivered"),
      failed: messages("failed", "bounced"),
      deferred: messages("deferred"),
      suppressed: messages("suppressed"),
      backlog: messages("queued", "rendering", "sending", "deferred"),
      databaseMb: (await this.databaseBytes()) / 2 ** 20,
    };
  }

  private async databaseBytes(): Promise<number> {
    if (this.bench.engine === "postgres") {
      const { rows } = await sql<{
        bytes: string;
      }>`select pg_database_size(current_database()) as bytes`.execute(this.bench.db);
      return Number(rows[0]?.bytes ?? 0);
    }
    const file = this.bench.url.slice("sqlite:".length);
    const size = (path: string) => {
      try {
        return statSync(path).size;
      } catch {
        return 0;
      }
    };
    return size(file) + size(`${file}-wal`);
  }
}
