// Recommendations at scale: a full rebuild (read the history, choose the model on the shop's own data,
// train, store every customer's list) for the analytics benchmark's shop of 1,000,000 customers and
// 20,000 products (analytics-seed.ts: 10,000,000 orders, 15 M order lines, 3 M storefront events), in
// a process of its own, timed and with its peak memory. Targets: 10 minutes, 4 GiB.
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Engine } from "../src/db/index.js";
import type { RebuildReport } from "../src/recommend/index.js";
import { type AnalyticsResult, type SeededDatabase, seededDatabase } from "./analytics.js";
import { ANALYTICS_AS_OF, type AnalyticsSeedOptions, openAnalyticsShop } from "./analytics-seed.js";

export const REBUILD_TARGET_SECONDS = 600;
export const REBUILD_TARGET_MB = 4_096;

interface ChildReport {
  report: RebuildReport;
  phases: Record<string, number>;
  peakRssKb: number;
  longestStallMs: number;
  /** The progress label current when the timer found the loop held longest. */
  longestStallPhase: string;
  cpuSeconds: number;
}

export interface RecommendResult extends AnalyticsResult {
  peak_rss_mb?: number;
  target_mb: number;
  longest_stall_ms?: number;
}

export async function benchRecommend(
  engine: Engine,
  options: AnalyticsSeedOptions,
): Promise<{ results: RecommendResult[]; database: SeededDatabase }> {
  const shop = await openAnalyticsShop(engine, options);
  const database = await seededDatabase(engine, shop);
  await shop.db.destroy();
  options.log(`${engine}: recommend-rebuild`);
  const result: RecommendResult = {
    name: "recommend-rebuild",
    engine,
    target_seconds: REBUILD_TARGET_SECONDS,
    target_mb: REBUILD_TARGET_MB,
  };
  const started = performance.now();
  try {
    const child = await rebuildInChild(shop.url, shop.shopId);
    result.seconds = Math.round(performance.now() - started) / 1000;
    result.peak_rss_mb = Math.round(child.peakRssKb / 1024);
    result.rows = child.report.customers;
    result.longest_stall_ms = Math.round(child.longestStallMs);
    result.pass = result.seconds <= REBUILD_TARGET_SECONDS && result.peak_rss_mb <= REBUILD_TARGET_MB;
    const phases = Object.entries(child.phases)
      .map(([label, s]) => `${label} ${s.toFixed(1)} s`)
      .join(", ");
    result.note = `peak ${result.peak_rss_mb} MB (target ${REBUILD_TARGET_MB}); event loop held ≤ ${result.longest_stall_ms} ms (${child.longestStallPhase}); ${child.report.products} products; ${phases}; model ${child.report.selected}`;
  } catch (err) {
    result.pass = false;
    result.note = `failed: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300);
  }
  return { results: [result], database };
}

function rebuildInChild(url: string, shopId: number): Promise<ChildReport> {
  const script = fileURLToPath(new URL("./recommend-rebuild.js", import.meta.url));
  const child = fork(script, [url, String(shopId), ANALYTICS_AS_OF.toISOString()], { stdio: "inherit" });
  return new Promise((resolve, reject) => {
    let report: ChildReport | null = null;
    child.on("message", (m) => {
      report = m as ChildReport;
    });
    child.on("error", reject);
    child.on("exit", (code) =>
      report ? resolve(report) : reject(new Error(`the rebuild process exited with ${code}`)),
    );
  });
}
