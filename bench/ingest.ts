// Ingestion benchmarks over real HTTP: the app (buildApp) listens on 127.0.0.1 in a child process with
// a fresh database, and autocannon drives it from this process.
//
// Why a child process: the machine has 2 cores and Node serves requests on one thread. With
// autocannon in the same process, generating and parsing load would take turns with the server on
// one event loop and the figures would measure both; in separate processes each has its core, as a
// real server and its clients would. (A worker thread would do too; a process also keeps the two
// heaps and garbage collectors apart.)
import { type ChildProcess, fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon, { type Result as LoadResult } from "autocannon";
import { systemClock } from "../src/core/clock.js";
import type { Engine } from "../src/db/index.js";
import { importCsv } from "../src/imports/index.js";
import { createShop } from "../src/shops/index.js";
import { createBenchDb } from "./db.js";
import type { ServerReady, ServerReply, ServerRequest, ServerUsage } from "./server.js";

export interface BenchResult {
  name: string;
  engine: Engine;
  events_per_second?: number;
  orders_per_second?: number;
  /** import-orders: how many orders the import wrote and how long it took. */
  orders?: number;
  seconds?: number;
  requests_per_second?: number;
  latency_p99_ms?: number;
  /**
   * Share of one core the server process used while measured (100 = a full core). Below 100 on a
   * CPU-bound run means it was waiting (on PostgreSQL, or for a core other processes held).
   */
  server_cpu_percent?: number;
  /** Events per CPU-second of the server process: the figure least affected by a busy machine. */
  events_per_server_cpu_second?: number;
  /** scenario-steps: steps completed per second, and what the measurement covered. */
  steps_per_second?: number;
  /** deliver-email: messages rendered, sent and recorded per second, and the worker's peak memory. */
  messages_per_second?: number;
  peak_rss_mb?: number;
  at?: string;
  steps?: number;
  runs_claimed?: number;
  active_runs?: number;
  workers?: number;
  /** Anything a reader should know about the run (errors, non-2xx answers). */
  note?: string;
}

export interface IngestOptions {
  postgresUrl: string;
  /** Seconds measured per scenario, after the warm-up. */
  seconds: number;
  warmupSeconds: number;
  /** Write a V8 CPU profile of the server process here (open it in Chrome DevTools). */
  cpuProfileDir?: string;
  /** Run only the scenario of this name. */
  only?: string;
  log: (line: string) => void;
}

interface Scenario {
  name: string;
  eventsPerRequest: number;
  connections: number;
}

// Batches: a few connections keep the server busy while one batch is in the database. Single events:
// many connections, as many browsers would be, so coalescing has something to coalesce.
const SCENARIOS: Scenario[] = [
  { name: "events-batch", eventsPerRequest: 1000, connections: 4 },
  { name: "events-single", eventsPerRequest: 1, connections: 64 },
];

export async function benchIngest(engine: Engine, options: IngestOptions): Promise<BenchResult[]> {
  const server = await startServer(engine, options);
  try {
    const results: BenchResult[] = [];
    for (const scenario of SCENARIOS.filter((s) => !options.only || s.name === options.only)) {
      options.log(
        `${engine}: ${scenario.name} (warm-up ${options.warmupSeconds} s, then ${options.seconds} s)`,
      );
      await drive(server.ready, scenario, options.warmupSeconds);
      const before = await server.usage();
      const result = await drive(server.ready, scenario, options.seconds);
      const after = await server.usage();
      results.push(toResult(engine, scenario, result, before, after));
    }
    return results;
  } finally {
    await server.stop();
  }
}

/**
 * import-orders: orders_per_second through the CSV importer, on real data: the CDNOW transaction log
 * (69,659 one-line orders, ../shared/datasets) with the mapping the repository ships, into a fresh
 * database. Only the import is timed, not the database set-up.
 */
export async function benchImportOrders(engine: Engine, options: IngestOptions): Promise<BenchResult | null> {
  const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
  const file = resolve(repoRoot, "../shared/datasets/cdnow/CDNOW_master.csv");
  const mapping = resolve(repoRoot, "examples/mappings/cdnow.json");
  if (!existsSync(file)) {
    options.log(`${engine}: import-orders skipped, ${file} not found`);
    return { name: "import-orders", engine, note: "dataset not found" };
  }
  const bench = await createBenchDb(engine, options.postgresUrl);
  try {
    const { shop } = await createShop(bench.db, systemClock, { name: "bench", currency: "USD" });
    options.log(`${engine}: import-orders (CDNOW, 69,659 orders)`);
    const started = performance.now();
    const report = await importCsv(bench.db, systemClock, {
      shopId: shop.id,
      kind: "orders",
      input: file,
      mapping,
    });
    const seconds = (performance.now() - started) / 1000;
    const orders = report.created + report.updated + report.unchanged;
    return {
      name: "import-orders",
      engine,
      orders_per_second: Math.round(orders / seconds),
      orders,
      seconds: Math.round(seconds * 10) / 10,
      ...(report.errors.length > 0 ? { note: `${report.errors.length} rows rejected` } : {}),
    };
  } finally {
    await bench.cleanup();
  }
}

function toResult(
  engine: Engine,
  scenario: Scenario,
  r: LoadResult,
  before: ServerUsage,
  after: ServerUsage,
): BenchResult {
  const ok = r["2xx"];
  const eventsPerSecond = (ok * scenario.eventsPerRequest) / r.duration;
  const stored = after.events - before.events;
  const cpuSeconds = (after.cpuMs - before.cpuMs) / 1000;
  const problems: string[] = [];
  if (r.errors > 0) problems.push(`${r.errors} errors (${r.timeouts} timeouts)`);
  if (r.non2xx > 0) problems.push(`${r.non2xx} non-2xx: ${JSON.stringify(r.statusCodeStats)}`);
  // Requests still in flight when the clock stopped may commit without being counted, never the reverse.
  if (stored < ok * scenario.eventsPerRequest) problems.push(`only ${stored} events stored`);
  return {
    name: scenario.name,
    engine,
    events_per_second: Math.round(eventsPerSecond),
    requests_per_second: Math.round(ok / r.duration),
    latency_p99_ms: r.latency.p99,
    server_cpu_percent: Math.round((100 * cpuSeconds) / r.duration),
    events_per_server_cpu_second: Math.round((ok * scenario.eventsPerRequest) / cpuSeconds),
    ...(problems.length > 0 ? { note: problems.join("; ") } : {}),
  };
}

// Who the events are about: members (some new to the shop), anonymous visitors, catalogue SKUs and a
// few SKUs the catalogue does not know. Every event has its own eventId, made as the snippet makes it
// (uid() in src/events/sdk/kizuna.js: the time in ms, then 80 random bits, in hex).
const MEMBERS = 5_000;
const VISITORS = 20_000;
const TYPES = ["page_view", "product_view", "product_view", "cart_add", "search", "favourite", "cart_remove"];
const SKU_TYPES = new Set(["product_view", "cart_add", "cart_remove", "favourite"]);

function eventSource(skus: string[]) {
  const pick = (n: number) => Math.floor(Math.random() * n);
  const eventId = () => Date.now().toString(16).padStart(12, "0") + randomBytes(10).toString("hex");
  return () => {
    const type = TYPES[pick(TYPES.length)];
    const event: Record<string, unknown> = {
      eventId: eventId(),
      type,
      visitorId: `v${pick(VISITORS)}`,
      occurredAt: new Date().toISOString(),
    };
    if (Math.random() < 0.3) event.customerId = `M${pick(MEMBERS)}`;
    if (SKU_TYPES.has(type))
      event.sku = Math.random() < 0.95 ? skus[pick(skus.length)] : `UNKNOWN-${pick(50)}`;
    if (type === "cart_add") event.properties = { quantity: 1 + pick(3), price: 1000 + pick(9000) };
    if (type === "search") event.properties = { query: `query ${pick(200)}` };
    if (type === "page_view") event.properties = { url: `https://shop.example/p/${pick(1000)}` };
    return event;
  };
}

async function drive(ready: ServerReady, scenario: Scenario, seconds: number): Promise<LoadResult> {
  const next = eventSource(ready.skus);
  const body =
    scenario.eventsPerRequest === 1
      ? () => JSON.stringify(next())
      : () => JSON.stringify({ events: Array.from({ length: scenario.eventsPerRequest }, next) });
  return autocannon({
    url: ready.url,
    connections: scenario.connections,
    duration: seconds,
    timeout: 30,
    requests: [
      {
        method: "POST",
        path: "/v1/events",
        headers: { authorization: `Bearer ${ready.publicKey}`, "content-type": "application/json" },
        setupRequest: (request) => ({ ...request, body: body() }),
      },
    ],
  });
}

interface RunningServer {
  ready: ServerReady;
  usage(): Promise<ServerUsage>;
  stop(): Promise<void>;
}

async function startServer(engine: Engine, options: IngestOptions): Promise<RunningServer> {
  const { postgresUrl, cpuProfileDir } = options;
  const child: ChildProcess = fork(new URL("./server.js", import.meta.url), [], {
    env: { ...process.env, BENCH_ENGINE: engine, BENCH_POSTGRES_URL: postgresUrl },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    execArgv: cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${cpuProfileDir}`] : [],
  });
  const ask = async <T extends ServerReply["type"]>(
    request: ServerRequest | null,
    type: T,
  ): Promise<Extract<ServerReply, { type: T }>> => {
    const reply = new Promise<Extract<ServerReply, { type: T }>>((resolve, reject) => {
      const onMessage = (message: ServerReply) => {
        if (message.type !== type) return;
        child.off("message", onMessage);
        child.off("exit", onExit);
        resolve(message as Extract<ServerReply, { type: T }>);
      };
      const onExit = (code: number | null) =>
        reject(new Error(`bench server exited (${code}) before "${type}"`));
      child.on("message", onMessage);
      child.once("exit", onExit);
    });
    if (request) child.send(request);
    return reply;
  };
  const ready = await ask(null, "ready");
  return {
    ready,
    usage: () => ask({ type: "usage" }, "usage"),
    async stop() {
      await ask({ type: "stop" }, "stopped");
      if (child.exitCode === null) await once(child, "exit");
    },
  };
}
