// Benchmarks: `npm run bench -- ingest|scenarios|delivery|analytics|recommend|soak [--json] [--engine sqlite|postgres|both] [--seconds N]`
// (delivery: --messages N emails, default 20,000; --connections N SMTP connections per worker;
// --send-threads N SMTP sender threads per worker; --batch N per claim; --workers N worker processes on
// PostgreSQL)
// (scenarios: --runs N active runs, default 1,000,000; --claim N runs per pass; --workers N on PostgreSQL)
// (analytics: --customers N, default 1,000,000; --orders N, default 10 per customer; --events N and
// --messages N, default 3 per customer; --reseed rebuilds the kept database, see analytics-seed.ts)
// (recommend: a full recommendation rebuild on the analytics shop, same sizes and options)
// (soak: --minutes N of mixed load, default 30; --rate N storefront events/s, default 200; --customers N
// members seeded, default 20,000; --workers N `kizuna worker` processes on PostgreSQL, default 2)
// (--postgres-url URL: the server to create a scratch database on; --cpu-prof DIR: profile the server;
// --only NAME: run one measurement, e.g. events-single).
// Prints a table of results with the machine they ran on; with --json the last line printed is one
// JSON object {"results":[{"name","engine",<figure>...}]}, for CI to keep and compare.
import { cpus, loadavg, totalmem } from "node:os";
import type { Engine } from "../src/db/index.js";
import { type AnalyticsResult, benchAnalytics, printAnalytics, type SeededDatabase } from "./analytics.js";
import { benchDelivery } from "./delivery.js";
import { type BenchResult, benchImportOrders, benchIngest, type IngestOptions } from "./ingest.js";
import { benchRecommend } from "./recommend.js";
import { benchScenarios } from "./scenarios.js";
import { benchSoak } from "./soak.js";
import { printSoakSummary, type SoakResult } from "./soak-report.js";

const DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/test";
const BENCHMARKS = ["ingest", "scenarios", "delivery", "analytics", "recommend", "soak"] as const;

interface Args {
  benchmark: (typeof BENCHMARKS)[number];
  json: boolean;
  engines: Engine[];
  seconds: number;
  postgresUrl: string;
  cpuProfileDir?: string;
  only?: string;
  runs: number;
  claim: number;
  workers: number;
  /** Set when --workers was given (the soak defaults to 2, the others to 3). */
  workersGiven: boolean;
  messages: number;
  connections: number;
  /** SMTP sender threads (default: the adapter's own, one per two cores). */
  sendThreads?: number;
  batch: number;
  /** Set when --messages was given (analytics defaults to 3 per customer, delivery to 20,000). */
  messagesGiven: boolean;
  /** Set when --customers was given (analytics defaults to 1,000,000, the soak to 20,000). */
  customersGiven: boolean;
  customers: number;
  orders?: number;
  events?: number;
  reseed: boolean;
  /** soak: how long, and storefront events per second. */
  minutes: number;
  rate: number;
}

function usage(problem: string): never {
  console.error(`${problem}
usage: npm run bench -- ingest|scenarios|delivery|analytics|recommend|soak [--json] [--engine sqlite|postgres|both] [--seconds N]
         [--postgres-url URL] [--cpu-prof DIR] [--only NAME] [--runs N] [--claim N] [--workers N]
         [--messages N] [--connections N] [--send-threads N] [--batch N]
         [--customers N] [--orders N] [--events N] [--reseed] [--minutes N] [--rate N]`);
  process.exit(2);
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    benchmark: "ingest",
    json: false,
    engines: ["sqlite", "postgres"],
    seconds: 10,
    postgresUrl: DEFAULT_POSTGRES_URL,
    runs: 1_000_000,
    claim: 1_000,
    workers: 3,
    workersGiven: false,
    messages: 20_000,
    connections: 8,
    batch: 500,
    messagesGiven: false,
    customers: 1_000_000,
    customersGiven: false,
    reseed: false,
    minutes: 30,
    rate: 200,
  };
  const rest = [...argv];
  const name = rest.shift();
  if (!BENCHMARKS.includes(name as Args["benchmark"])) usage(`unknown benchmark "${name ?? ""}"`);
  args.benchmark = name as Args["benchmark"];
  while (rest.length > 0) {
    const flag = rest.shift()!;
    const value = () => rest.shift() ?? usage(`${flag} needs a value`);
    if (flag === "--json") args.json = true;
    else if (flag === "--engine") {
      const engine = value();
      if (engine === "both") args.engines = ["sqlite", "postgres"];
      else if (engine === "sqlite" || engine === "postgres") args.engines = [engine];
      else usage(`--engine: "${engine}" is not sqlite, postgres or both`);
    } else if (flag === "--seconds") {
      args.seconds = Number(value());
      if (!(args.seconds >= 1 && args.seconds <= 120)) usage("--seconds: between 1 and 120");
    } else if (flag === "--postgres-url") args.postgresUrl = value();
    else if (flag === "--cpu-prof") args.cpuProfileDir = value();
    else if (flag === "--only") args.only = value();
    else if (flag === "--runs") {
      args.runs = Number(value());
      if (!(Number.isInteger(args.runs) && args.runs >= 1000)) usage("--runs: a whole number, at least 1000");
    } else if (flag === "--workers") {
      args.workers = Number(value());
      args.workersGiven = true;
      if (!(Number.isInteger(args.workers) && args.workers >= 1 && args.workers <= 8))
        usage("--workers: 1 to 8");
    } else if (flag === "--claim") {
      args.claim = Number(value());
      if (!(Number.isInteger(args.claim) && args.claim >= 1 && args.claim <= 10_000))
        usage("--claim: 1 to 10000");
    } else if (flag === "--messages") {
      args.messages = Number(value());
      args.messagesGiven = true;
      if (!(Number.isInteger(args.messages) && args.messages >= 100))
        usage("--messages: a whole number, at least 100");
    } else if (flag === "--connections") {
      args.connections = Number(value());
      if (!(Number.isInteger(args.connections) && args.connections >= 1 && args.connections <= 50))
        usage("--connections: 1 to 50");
    } else if (flag === "--send-threads") {
      args.sendThreads = Number(value());
      if (!(Number.isInteger(args.sendThreads) && args.sendThreads >= 1 && args.sendThreads <= 16))
        usage("--send-threads: 1 to 16");
    } else if (flag === "--batch") {
      args.batch = Number(value());
      if (!(Number.isInteger(args.batch) && args.batch >= 1 && args.batch <= 10_000))
        usage("--batch: 1 to 10000");
    } else if (flag === "--customers") {
      args.customers = Number(value());
      args.customersGiven = true;
      if (!(Number.isInteger(args.customers) && args.customers >= 1000 && args.customers <= 100_000_000))
        usage("--customers: a whole number, 1000 to 100,000,000");
    } else if (flag === "--orders") {
      args.orders = Number(value());
      if (!(Number.isInteger(args.orders) && args.orders >= 1000 && args.orders <= 200_000_000))
        usage("--orders: a whole number, 1000 to 200,000,000");
    } else if (flag === "--events") {
      args.events = Number(value());
      if (!(Number.isInteger(args.events) && args.events >= 1000))
        usage("--events: a whole number, at least 1000");
    } else if (flag === "--minutes") {
      args.minutes = Number(value());
      if (!(Number.isInteger(args.minutes) && args.minutes >= 1 && args.minutes <= 240))
        usage("--minutes: a whole number, 1 to 240");
    } else if (flag === "--rate") {
      args.rate = Number(value());
      if (!(Number.isInteger(args.rate) && args.rate >= 10 && args.rate <= 10_000))
        usage("--rate: storefront events per second, a whole number, 10 to 10000");
    } else if (flag === "--reseed") args.reseed = true;
    else usage(`unknown option ${flag}`);
  }
  return args;
}

// The load average says how much other work shared the machine: figures taken with a load above the
// core count understate what the code does on a machine of its own.
function machine(loadBefore: number): Record<string, string> {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? "unknown",
    cores: String(cpu.length),
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    load: `${loadBefore.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after (1-minute load average)`,
  };
}

function figureOf(r: BenchResult): [string, string] {
  if (r.events_per_second !== undefined) return ["events_per_second", String(r.events_per_second)];
  if (r.orders_per_second !== undefined) return ["orders_per_second", String(r.orders_per_second)];
  if (r.steps_per_second !== undefined) return ["steps_per_second", String(r.steps_per_second)];
  if (r.messages_per_second !== undefined) return ["messages_per_second", String(r.messages_per_second)];
  return ["-", "pending"];
}

const cell = (value: number | undefined) => (value === undefined ? "" : String(value));

function printTable(results: BenchResult[], info: Record<string, string>, log: (line: string) => void): void {
  const rows = [
    ["engine", "name", "figure", "value", "req/s", "p99 ms", "server cpu %", "per cpu-s", "peak MB", "note"],
    ...results.map((r) => [
      r.engine,
      r.name,
      ...figureOf(r),
      cell(r.requests_per_second),
      cell(r.latency_p99_ms),
      cell(r.server_cpu_percent),
      cell(r.events_per_server_cpu_second),
      cell(r.peak_rss_mb),
      r.note ?? "",
    ]),
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  for (const [i, row] of rows.entries()) {
    log(
      row
        .map((cell, c) => cell.padEnd(widths[c]))
        .join("  ")
        .trimEnd(),
    );
    if (i === 0) log(widths.map((w) => "-".repeat(w)).join("  "));
  }
  log("");
  for (const [key, value] of Object.entries(info)) log(`${key.padEnd(7)} ${value}`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  // With --json, everything but the final JSON line goes to stderr, so stdout stays parseable.
  const log = args.json ? (line: string) => console.error(line) : (line: string) => console.log(line);
  const options: IngestOptions = {
    postgresUrl: args.postgresUrl,
    seconds: args.seconds,
    warmupSeconds: Math.min(3, args.seconds),
    cpuProfileDir: args.cpuProfileDir,
    only: args.only,
    log,
  };
  const loadBefore = loadavg()[0];
  if (args.benchmark === "analytics" || args.benchmark === "recommend")
    return analytics(args, log, loadBefore);
  if (args.benchmark === "soak") return soak(args, log, loadBefore);
  const results: BenchResult[] = [];
  for (const engine of args.engines) {
    if (args.benchmark === "delivery") {
      results.push(
        await benchDelivery(engine, {
          postgresUrl: args.postgresUrl,
          messages: args.messages,
          connections: args.connections,
          sendThreads: args.sendThreads,
          batch: args.batch,
          workers: args.workers,
          log,
        }),
      );
      continue;
    }
    if (args.benchmark === "scenarios") {
      results.push(
        await benchScenarios(engine, {
          postgresUrl: args.postgresUrl,
          runs: args.runs,
          seconds: args.seconds,
          claim: args.claim,
          workers: args.workers,
          log,
        }),
      );
      continue;
    }
    if (!args.only || args.only !== "import-orders") results.push(...(await benchIngest(engine, options)));
    if (!args.only || args.only === "import-orders") {
      results.push((await benchImportOrders(engine, options)) ?? { name: "import-orders", engine });
    }
  }
  const info = machine(loadBefore);
  log("");
  printTable(results, info, log);
  if (args.json) {
    const measured = results.filter(
      (r) =>
        r.events_per_second !== undefined ||
        r.orders_per_second !== undefined ||
        r.steps_per_second !== undefined ||
        r.messages_per_second !== undefined,
    );
    console.log(JSON.stringify({ machine: info, results: measured }));
  }
}

async function analytics(args: Args, log: (line: string) => void, loadBefore: number): Promise<void> {
  const results: AnalyticsResult[] = [];
  const databases: SeededDatabase[] = [];
  for (const engine of args.engines) {
    const shop = {
      postgresUrl: args.postgresUrl,
      customers: args.customers,
      orders: args.orders ?? args.customers * 10,
      events: args.events ?? args.customers * 3,
      messages: args.messagesGiven ? args.messages : args.customers * 3,
      reseed: args.reseed,
      log,
    };
    const run =
      args.benchmark === "recommend"
        ? await benchRecommend(engine, shop)
        : await benchAnalytics(engine, { ...shop, only: args.only });
    results.push(...run.results);
    databases.push(run.database);
  }
  const info = machine(loadBefore);
  log("");
  printAnalytics(results, databases, info, log);
  if (args.json) {
    console.log(JSON.stringify({ machine: info, results: results.filter((r) => r.seconds !== undefined) }));
  }
}

async function soak(args: Args, log: (line: string) => void, loadBefore: number): Promise<void> {
  // Ctrl-C ends the run and reports what it has (children stopped, scratch database dropped); a second
  // one exits at once.
  const interrupt = new AbortController();
  const onSignal = () => {
    if (interrupt.signal.aborted) process.exit(130);
    log("interrupted: stopping and reporting…");
    interrupt.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const results: SoakResult[] = [];
  for (const engine of args.engines) {
    if (interrupt.signal.aborted) break;
    results.push(
      await benchSoak(engine, {
        postgresUrl: args.postgresUrl,
        minutes: args.minutes,
        rate: args.rate,
        customers: args.customersGiven ? args.customers : 20_000,
        workers: args.workersGiven ? args.workers : 2,
        signal: interrupt.signal,
        log,
      }),
    );
  }
  const info = machine(loadBefore);
  log("");
  printSoakSummary(results, info, log);
  if (args.json) console.log(JSON.stringify({ machine: info, results }));
}

// Exits when done: a kept handle (a seeded database's background checkpointer, say) must not leave a
// finished benchmark waiting, nor the next one chained after it.
main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
