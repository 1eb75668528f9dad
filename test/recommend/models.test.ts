// The blend's rules on hand-made histories: a customer who has bought nothing yet is shown what sells
// now in the categories they looked at; one who bought a durable is not shown it again; a re-buyable
// product comes back when it is due, not the day after; a customer's own staple comes back at their own
// cycle even when the shop as a whole rarely re-buys it.
import { describe, expect, it } from "vitest";
import type { Interaction } from "../../src/recommend/interactions.js";
import { DEFAULT_KNN_OPTIONS } from "../../src/recommend/item-knn.js";
import { hybridRecommender } from "../../src/recommend/models.js";
import { popularity } from "../../src/recommend/popularity.js";
import { learnRepurchase } from "../../src/recommend/repurchase.js";
import { knnScorer } from "../../src/recommend/scoring.js";
import { DAY } from "./support.js";

const NOW = Date.parse("2026-06-01T00:00:00.000Z");
const [GREEN, BLACK, OOLONG, TEAPOT] = [1, 2, 3, 4];
const MUGS = Array.from({ length: 10 }, (_, i) => 100 + i);
const categories = new Map<number, string>([
  [GREEN, "お茶"],
  [BLACK, "お茶"],
  [OOLONG, "お茶"],
  [TEAPOT, "茶器"],
  ...MUGS.map((m) => [m, "雑貨"] as [number, string]),
]);

function world() {
  const rows: Interaction[] = [];
  const buy = (customerId: number, productId: number, daysAgo: number) =>
    rows.push({ customerId, productId, at: NOW - daysAgo * DAY, kind: "purchase" });
  let customer = 1;
  // Mugs are the best sellers; green tea sells now, black a little; tea drinkers re-buy green monthly.
  for (const mug of MUGS) for (let i = 0; i < 20; i++) buy(customer++, mug, 5 + (i % 20));
  for (let i = 0; i < 6; i++) {
    const c = customer++;
    buy(c, GREEN, 95);
    buy(c, GREEN, 65);
    buy(c, GREEN, 35);
    buy(c, GREEN, 5);
    buy(c, TEAPOT, 95);
  }
  for (let i = 0; i < 2; i++) buy(customer++, BLACK, 3);
  rows.sort((a, b) => a.at - b.at);
  const histories = new Map<number, Interaction[]>();
  for (const r of rows) histories.set(r.customerId, [...(histories.get(r.customerId) ?? []), r]);
  return { rows, histories };
}

async function recommender() {
  const { histories } = world();
  return hybridRecommender("test", {
    asOf: NOW,
    scorer: knnScorer(new Map()),
    knnOptions: DEFAULT_KNN_OPTIONS,
    popular: popularity(histories.values(), NOW, 90),
    repurchase: await learnRepurchase(histories.values()),
    // The blend the demo shop's history picks: re-purchase timing weighs most.
    blend: { kind: "additive", repurchase: 6, popularity: 0.5, popularityExponent: 0.5 },
    categories,
  });
}

describe("the recommendation blend", () => {
  it("shows a customer who only looked at a tea what tea sells now, before the best-selling mugs", async () => {
    const list = (await recommender()).recommend(
      [{ customerId: 999, productId: OOLONG, at: NOW - DAY, kind: "view" }],
      5,
    );
    expect(list[0]).toBe(GREEN);
    expect(list.slice(0, 3)).toContain(BLACK);
  });

  it("does not offer a durable again, and offers a re-buyable product when it is due", async () => {
    const r = await recommender();
    const boughtAMonthAgo: Interaction[] = [
      { customerId: 998, productId: TEAPOT, at: NOW - 31 * DAY, kind: "purchase" },
      { customerId: 998, productId: GREEN, at: NOW - 31 * DAY, kind: "purchase" },
    ];
    const due = r.recommend(boughtAMonthAgo, 5);
    expect(due).not.toContain(TEAPOT);
    expect(due[0]).toBe(GREEN);
    const boughtYesterday = boughtAMonthAgo.map((i) => ({ ...i, at: NOW - DAY }));
    const early = r.recommend(boughtYesterday, 5);
    expect(early).not.toContain(TEAPOT);
    expect(early[0]).not.toBe(GREEN);
  });

  it("keeps a customer's own staple on their list and brings it back at their own cycle", async () => {
    const r = await recommender();
    const bought = (productId: number, ...daysAgo: number[]): Interaction[] =>
      daysAgo.map((d) => ({ customerId: 997, productId, at: NOW - d * DAY, kind: "purchase" }));
    // Black tea: its two buyers bought it once each, so for the shop it is not re-bought (a durable)…
    expect(r.recommend(bought(BLACK, 14), 5)).not.toContain(BLACK);
    // …but this customer buys it every two weeks: it is theirs, due now, and not just after buying.
    expect(r.recommend(bought(BLACK, 42, 28, 14), 5)[0]).toBe(BLACK);
    expect(r.recommend(bought(BLACK, 30, 16, 2), 5)[0]).not.toBe(BLACK);
    // Green tea's shop cycle is 30 days; a customer who buys it weekly is due after a week, not a month.
    expect(r.recommend(bought(GREEN, 21, 14, 7), 5)[0]).toBe(GREEN);
    expect(r.recommend(bought(GREEN, 60, 30), 5)[0]).toBe(GREEN);
    expect(r.recommend(bought(GREEN, 37, 30), 5)[0]).not.toBe(GREEN);
  });

  it("learns which re-purchases keep time: a clockwork staple comes back at its cycle, a favourite any day", async () => {
    const [CLOCKWORK, FAVOURITE] = [7, 8];
    const rows: Interaction[] = [];
    // Exponential gaps (mean 30 days) from a fixed sequence of uniform draws, so the test replays.
    let seed = 12345;
    const uniform = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed + 0.5) / 2 ** 32;
    };
    for (let c = 1; c <= 12; c++) {
      // Every 30 days give or take a day, and at random with the same mean.
      for (let k = 0; k < 5; k++) {
        rows.push({
          customerId: c,
          productId: CLOCKWORK,
          at: NOW - (400 - k * 30 - (c % 3)) * DAY,
          kind: "purchase",
        });
      }
      let day = 400;
      for (let k = 0; k < 5; k++) {
        rows.push({ customerId: 100 + c, productId: FAVOURITE, at: NOW - day * DAY, kind: "purchase" });
        day -= 1 + Math.round(-Math.log(uniform()) * 29);
      }
    }
    rows.sort((a, b) => a.at - b.at);
    const histories = new Map<number, Interaction[]>();
    for (const r of rows) histories.set(r.customerId, [...(histories.get(r.customerId) ?? []), r]);
    const profiles = await learnRepurchase(histories.values());
    expect(profiles.get(CLOCKWORK)?.regularity).toBeGreaterThan(0.9);
    expect(profiles.get(FAVOURITE)?.regularity).toBeLessThan(0.5);

    const r = hybridRecommender("test", {
      asOf: NOW,
      scorer: knnScorer(new Map()),
      knnOptions: DEFAULT_KNN_OPTIONS,
      popular: popularity(world().histories.values(), NOW, 90),
      repurchase: profiles,
      blend: { kind: "additive", repurchase: 6, popularity: 0.5, popularityExponent: 0.5 },
    });
    const bought = (productId: number, ...daysAgo: number[]): Interaction[] =>
      daysAgo.map((d) => ({ customerId: 996, productId, at: NOW - d * DAY, kind: "purchase" }));
    // Bought four days ago: the clockwork staple is not due yet, the favourite may be wanted again now.
    expect(r.recommend(bought(CLOCKWORK, 64, 34, 4), 5)[0]).not.toBe(CLOCKWORK);
    expect(r.recommend(bought(FAVOURITE, 64, 34, 4), 5)[0]).toBe(FAVOURITE);
    expect(r.recommend(bought(CLOCKWORK, 90, 60, 30), 5)[0]).toBe(CLOCKWORK);
  });
});
