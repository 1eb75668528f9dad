// Analytics at scale: on a shop of 1,000,000 customers and 10,000,000 orders (analytics-seed.ts), the
// seconds each report takes, a segment count, and the background refresh of the per-customer metrics
// they read, each against its target. Seeding is not timed here (it is reported separately).
import { type Kysely, sql } from "kysely";
import {
  REPORT_NAMES,
  REPORT_RUNNERS,
  type ReportName,
  refreshCustomerMetrics,
  refreshPredictions,
  reportContext,
} from "../src/analytics/index.js";
import { ManualClock } from "../src/core/clock.js";
import type { Db, Engine } from "../src/db/index.js";
import { previewRule } from "../src/segments/index.js";
import {
  ANALYTICS_AS_OF,
  type AnalyticsSeedOptions,
  openAnalyticsShop,
  type SeededShop,
} from "./analytics-seed.js";

export interface AnalyticsMeasurement {
  name: string;
  /** Seconds allowed at 1,000,000 customers and 10,000,000 orders on the 2-core reference machine. */
  target: number;
  /** Set while the row times a stand-in: what it stands in for. */
  placeholder?: string;
  run(db: Db, shopId: number, asOf: Date): Promise<unknown>;
}

const REBUILD = "rebuild-customer-metrics";
const REFRESH = "refresh-customer-metrics";
const PREDICTIONS = "refresh-predictions";
const REPORT_TARGET = 10;

/** The segment the issue names: repeat buyers, recent, reachable by email (a planner's daily list). */
const SEGMENT_RULE = {
  type: "all",
  conditions: [
    { type: "orders", min: 2 },
    { type: "order_date", which: "last", withinDays: 180 },
    { type: "consent", channel: "email" },
  ],
};

/** A windowed segment: bought in the last 90 days and viewed a product at least 3 times in 30. */
const WINDOW_SEGMENT_RULE = {
  type: "all",
  conditions: [
    { type: "orders", withinDays: 90, min: 1 },
    { type: "event", eventType: "product_view", withinDays: 30, minCount: 3 },
  ],
};

function segmentCount(rule: unknown) {
  return async (db: Db, shopId: number, asOf: Date) =>
    (await previewRule(db, new ManualClock(asOf.toISOString()), shopId, rule, 0)).count;
}

function report(name: ReportName) {
  return async (db: Db, shopId: number, asOf: Date) => {
    const ctx = await reportContext(db, shopId, asOf);
    const r = await REPORT_RUNNERS[name](db, ctx, {});
    return Object.values(r.tables).reduce((n, t) => n + t.rows.length, 0);
  };
}

export const ANALYTICS_MEASUREMENTS: AnalyticsMeasurement[] = [
  // Background jobs, not reports: everything below reads what they write. The whole rebuild runs on the
  // first pass, after a change of time zone and for a report as of another moment; the daily pass
  // (here on a day without new orders) re-aggregates and rescores every customer and keeps the months
  // no order entered or left.
  {
    name: REBUILD,
    target: 600,
    run: async (db, shopId, asOf) =>
      (await refreshCustomerMetrics(db, shopId, { now: asOf, full: true })).customers,
  },
  {
    name: REFRESH,
    target: 300,
    run: async (db, shopId, asOf) =>
      (await refreshCustomerMetrics(db, shopId, { now: asOf, daily: true })).customers,
  },
  {
    name: PREDICTIONS,
    target: 300,
    run: async (db, shopId, asOf) => (await refreshPredictions(db, shopId, asOf, { refit: true })).customers,
  },
  { name: "segment-count", target: 1, run: segmentCount(SEGMENT_RULE) },
  { name: "segment-count-windowed", target: 1, run: segmentCount(WINDOW_SEGMENT_RULE) },
  ...REPORT_NAMES.map((name) => ({ name, target: REPORT_TARGET, run: report(name) })),
];

export interface AnalyticsOptions extends AnalyticsSeedOptions {
  only?: string;
}

export interface AnalyticsResult {
  name: string;
  engine: Engine;
  seconds?: number;
  rows?: number;
  target_seconds: number;
  pass?: boolean;
  /** What the row stands in for, while it times a stand-in. */
  placeholder?: string;
  note?: string;
}

export interface SeededDatabase {
  engine: Engine;
  location: string;
  reused: boolean;
  seedSeconds: number;
  bytes: number;
}

/** What the results table says about the seeded database a benchmark ran on. */
export async function seededDatabase(engine: Engine, shop: SeededShop): Promise<SeededDatabase> {
  return {
    engine,
    location: shop.location,
    reused: shop.reused,
    seedSeconds: shop.seedSeconds,
    bytes: await shop.bytesOnDisk(),
  };
}

export async function benchAnalytics(
  engine: Engine,
  options: AnalyticsOptions,
): Promise<{ results: AnalyticsResult[]; database: SeededDatabase }> {
  const selected = ANALYTICS_MEASUREMENTS.filter((m) => !options.only || m.name === options.only);
  if (selected.length === 0) {
    throw new Error(
      `--only: no measurement "${options.only}" (${ANALYTICS_MEASUREMENTS.map((m) => m.name).join(", ")})`,
    );
  }
  const shop = await openAnalyticsShop(engine, options);
  const { db, shopId } = shop;
  try {
    if (!selected.some((m) => m.name === REBUILD) && (shop.migrated || !(await hasMetrics(db, shopId)))) {
      options.log(`${engine}: customer_metrics is empty or outdated; running ${REBUILD} first (not timed)`);
      await ANALYTICS_MEASUREMENTS.find((m) => m.name === REBUILD)!.run(db, shopId, ANALYTICS_AS_OF);
    }
    const results: AnalyticsResult[] = [];
    for (const m of selected) {
      options.log(`${engine}: ${m.name}`);
      const result: AnalyticsResult = {
        name: m.name,
        engine,
        target_seconds: m.target,
        placeholder: m.placeholder,
      };
      const started = performance.now();
      try {
        const value = await m.run(db, shopId, ANALYTICS_AS_OF);
        result.seconds = Math.round(performance.now() - started) / 1000;
        result.rows = rowsOf(value);
        result.pass = result.seconds <= m.target;
        result.note = summary(value);
      } catch (err) {
        result.pass = false;
        result.note = `failed: ${err instanceof Error ? err.message : String(err)}`.slice(0, 200);
      }
      results.push(result);
    }
    return { results, database: await seededDatabase(engine, shop) };
  } finally {
    await db.destroy();
  }
}

async function hasMetrics(db: Kysely<unknown> | Db, shopId: number): Promise<boolean> {
  const r = await sql<{
    one: number;
  }>`select 1 as one from customer_metrics where shop_id = ${shopId} limit 1`.execute(db);
  return r.rows.length > 0;
}

/** Rows a measurement returned: a report's table rows, a query's rows, or the rows a job wrote. */
function rowsOf(value: unknown): number {
  if (typeof value === "number") return value;
  if (Array.isArray(value)) return value.length;
  if (value && typeof value === "object") {
    const tables = (value as { tables?: Record<string, { rows?: unknown[] }> }).tables;
    if (tables) return Object.values(tables).reduce((sum, t) => sum + (t.rows?.length ?? 0), 0);
    const rows = (value as { rows?: unknown }).rows;
    if (Array.isArray(rows)) return rows.length;
  }
  return 1;
}

/** A one-row, one-number answer (a count) is worth showing beside the time. */
function summary(value: unknown): string | undefined {
  if (!Array.isArray(value) || value.length !== 1) return undefined;
  const entries = Object.entries(value[0] as Record<string, unknown>);
  if (entries.length !== 1) return undefined;
  const [key, n] = entries[0];
  return `${key} ${Number(n).toLocaleString("en")}`;
}

export function printAnalytics(
  results: AnalyticsResult[],
  databases: SeededDatabase[],
  info: Record<string, string>,
  log: (line: string) => void,
): void {
  const rows = [
    ["engine", "name", "seconds", "rows", "target s", "result", "note"],
    ...results.map((r) => [
      r.engine,
      r.name,
      r.seconds === undefined ? "-" : r.seconds.toFixed(r.seconds < 10 ? 3 : 1),
      r.rows === undefined ? "" : r.rows.toLocaleString("en"),
      String(r.target_seconds),
      r.pass ? "pass" : "FAIL",
      [r.placeholder ? `placeholder for ${r.placeholder}` : "", r.note ?? ""].filter(Boolean).join("; "),
    ]),
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  for (const [i, row] of rows.entries()) {
    log(
      row
        .map((cell, c) => (c >= 2 && c <= 4 ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
        .join("  ")
        .trimEnd(),
    );
    if (i === 0) log(widths.map((w) => "-".repeat(w)).join("  "));
  }
  log("");
  for (const d of databases) {
    const seeded = d.reused ? `reused (seeded in ${d.seedSeconds} s)` : `seeded in ${d.seedSeconds} s`;
    log(`${d.engine.padEnd(8)} ${d.location}: ${(d.bytes / 2 ** 30).toFixed(2)} GiB on disk, ${seeded}`);
  }
  log("");
  for (const [key, value] of Object.entries(info)) log(`${key.padEnd(7)} ${value}`);
}
