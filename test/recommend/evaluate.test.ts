// `kizuna recommend evaluate` on a shop whose next purchases follow from history: tea drinkers re-buy
// their tea about monthly and buy the cup other tea drinkers bought with it, while the best sellers
// are bought by a crowd that buys nothing after the cut. Popularity cannot find the tea drinkers'
// next purchases; a model that learns re-purchase cycles and co-purchases must.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/core/clock.js";
import { upsertOrders } from "../../src/orders/index.js";
import { type Evaluation, scoreList } from "../../src/recommend/index.js";
import { createShop } from "../../src/shops/index.js";
import { runCli } from "../support/cli.js";
import { createTestDb, type TestDb } from "../support/db.js";
import { DAY, orderBook } from "./support.js";

const NOW = Date.parse("2026-06-01T00:00:00.000Z");
const CUTOFF = new Date(NOW - 60 * DAY).toISOString();

describe("kizuna recommend evaluate", { timeout: 120_000 }, () => {
  let t: TestDb;
  const cli = (...args: string[]) => runCli(args, t.env);

  beforeAll(async () => {
    t = await createTestDb();
    const clock = new ManualClock(new Date(NOW).toISOString());
    const { shop } = await createShop(t.db, clock, { name: "Tea shop", currency: "JPY" });
    const { orders, order } = orderBook(NOW);
    for (let i = 1; i <= 20; i++) {
      const c = `T${i}`;
      order(c, 150, i <= 10 ? ["TEA-LEAF", "TEA-POT", "TEA-CUP"] : ["TEA-LEAF", "TEA-POT"]);
      order(c, 120, ["TEA-LEAF"]);
      order(c, 90, ["TEA-LEAF"]);
      // After the cut: the tea again, 40 days after the last (its cycle is 30), and for half the cup.
      order(c, 50, i <= 10 ? ["TEA-LEAF"] : ["TEA-LEAF", "TEA-CUP"]);
    }
    for (let i = 1; i <= 60; i++) {
      const picks = Array.from({ length: 5 }, (_, k) => `P${((i + k * 2) % 10) + 1}`);
      order(`C${i}`, 61 + (i % 20), [...new Set(picks)]);
    }
    await upsertOrders(t.db, clock, shop.id, "JPY", orders, "test");
  });
  afterAll(() => t.cleanup());

  it("scores each model against what customers bought after the cut, popularity first", async () => {
    const run = await cli("recommend", "evaluate", "--cutoff", CUTOFF, "--json");
    expect(run.code, run.stderr).toBe(0);
    const evaluation = JSON.parse(run.stdout.trim().split("\n").pop()!) as Evaluation;
    expect(evaluation.cutoff).toBe(CUTOFF);
    expect(evaluation.customers).toBe(20); // the tea drinkers; the crowd bought nothing after the cut
    const byName = new Map(evaluation.results.map((r) => [r.name, r]));
    expect(evaluation.results[0].name).toBe("popularity");
    for (const r of evaluation.results) {
      for (const value of [r.hr_at_10, r.recall_at_20, r.ndcg_at_10, r.coverage]) {
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(1);
      }
    }
    // The crowd's ten best sellers fill popularity's top 10: none is what a tea drinker buys next.
    expect(byName.get("popularity")!.hr_at_10).toBe(0);
    // The due tea is first for everyone, and the cup for those who had not bought it yet.
    expect(evaluation.selected).toMatch(/repurchase/);
    // Repeat lift among the 20 scored: all bought the tea again, which all 20 had bought before and all
    // 20 bought after (expected 20 × 20/20); the 10 with a cup did not buy another, though half of the
    // scored bought one (expected 10 × 10/20). 20 / 25.
    expect(evaluation.repeat_lift).toBe(0.8);
    expect(evaluation.results.map((r) => r.name)).toEqual([
      "popularity",
      "item-knn",
      "ease",
      "als",
      "kizuna",
    ]);
    const hybrid = byName.get("kizuna")!;
    expect(hybrid.hr_at_10).toBe(1);
    expect(hybrid.recall_at_20).toBe(1);
    expect(hybrid.ndcg_at_10).toBeGreaterThan(0.9);
  });

  it("prints a table for people", async () => {
    const run = await cli("recommend", "evaluate", "--cutoff", CUTOFF);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("HR@10");
    expect(run.stdout).toMatch(/popularity\s+0\.0000/);
  });

  it("refuses a cut outside the shop's history, naming the option", async () => {
    const late = await cli("recommend", "evaluate", "--cutoff", "2030-01-01");
    expect(late.code).not.toBe(0);
    expect(late.stderr).toContain("cutoff");
    const garbage = await cli("recommend", "evaluate", "--cutoff", "soon");
    expect(garbage.code).not.toBe(0);
    expect(garbage.stderr).toContain("cutoff");
  });
});

describe("the list metrics", () => {
  it("count a hit in the top 10, recall over the top 20 and a rank-discounted gain", () => {
    const bought = new Set([2, 99]);
    const scored = scoreList([1, 2, 3], bought);
    expect(scored.hit).toBe(1);
    expect(scored.recall).toBe(0.5);
    // b at rank 2: 1/log2(3); the ideal puts both bought products first: 1 + 1/log2(3).
    expect(scored.ndcg).toBeCloseTo(1 / Math.log2(3) / (1 + 1 / Math.log2(3)), 10);
    const late = scoreList([...Array.from({ length: 10 }, (_, i) => 100 + i), 99], bought);
    expect(late).toEqual({ hit: 0, recall: 0.5, ndcg: 0 });
  });
});

// The demo shop (cosmetics and health food, with repeat cycles) is the data a new user evaluates
// first: Kizuna's model must find at least 1.5× the next purchases popularity finds there.
describe("kizuna recommend evaluate on the demo shop", { timeout: 180_000 }, () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(() => t.cleanup());

  it("beats popularity's HR@10 by half again at least", async () => {
    // 10,000 customers, the demo's default: smaller demo shops score noisier (at 2,000 the ratio moved
    // between 1.49 and 1.56 with the moment the demo was generated, its history being relative to now).
    const demo = await runCli(["demo", "--customers", "10000", "--seed", "1"], t.env);
    expect(demo.code, demo.stderr).toBe(0);
    const run = await runCli(["recommend", "evaluate", "--json"], t.env);
    expect(run.code, run.stderr).toBe(0);
    const evaluation = JSON.parse(run.stdout.trim().split("\n").pop()!) as Evaluation;
    const byName = new Map(evaluation.results.map((r) => [r.name, r]));
    expect(evaluation.customers).toBeGreaterThan(1_000);
    const popularity = byName.get("popularity")!;
    const kizuna = byName.get("kizuna")!;
    console.log(`demo shop, 10,000 customers: ${JSON.stringify(evaluation)}`);
    expect(kizuna.hr_at_10).toBeGreaterThanOrEqual(1.5 * popularity.hr_at_10);
    expect(kizuna.ndcg_at_10).toBeGreaterThan(popularity.ndcg_at_10);
    expect(kizuna.recall_at_20).toBeGreaterThan(popularity.recall_at_20);
    // The demo's customers re-buy what they use up: their history says much more than best sellers do.
    expect(evaluation.repeat_lift).toBeGreaterThan(5);
  });
});
