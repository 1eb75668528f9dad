// Offline evaluation on whatever the shop has imported: hold out every customer's purchases after a
// time cut, train on what came before, and score each model's list against what the customer really
// bought next (re-purchases included). Customers with nothing before the cut are left out: no model can
// tell them apart, and every one of them gets the same best sellers.
import { ValidationError } from "../core/errors.js";
import { type GiveWay, giveWayEvery } from "../core/give-way.js";
import type { Db } from "../db/index.js";
import { type CustomerHistories, interactionCount, loadShopHistories } from "./histories.js";
import { type Interaction, productCategories, purchaseSpan } from "./interactions.js";
import { popularityRecommender, type Recommender } from "./models.js";
import { CANDIDATES, configName, type ModelConfig, recommenderFor, train } from "./training.js";

/** Share of the shop's purchase history before the default cut. */
export const DEFAULT_TRAIN_SHARE = 0.8;

export interface ModelScore {
  name: string;
  hr_at_10: number;
  recall_at_20: number;
  ndcg_at_10: number;
  /** Share of the catalogue that appears in someone's top 10. */
  coverage: number;
}

export interface Evaluation {
  cutoff: string;
  /** Customers scored: bought after the cut, and had a history before it. */
  customers: number;
  /** Products in the shop's catalogue (the denominator of coverage). */
  products: number;
  /** The configuration "kizuna" stands for, picked on the history before the cut (see selectConfig). */
  selected: string;
  /** See repeatLift: about 1 when a customer's past purchases say nothing beyond what sells. */
  repeat_lift: number;
  results: ModelScore[];
}

export interface EvaluateOptions {
  cutoff?: Date;
  onProgress?: (done: number, total: number) => void;
}

export async function evaluateRecommenders(
  db: Db,
  shopId: number,
  options: EvaluateOptions = {},
): Promise<Evaluation> {
  const span = await purchaseSpan(db, shopId);
  if (!span) throw ValidationError.field("shop", "has no orders to evaluate recommendations on");
  const cutoff =
    options.cutoff?.getTime() ?? Math.round(span.first + DEFAULT_TRAIN_SHARE * (span.last - span.first));
  if (!(cutoff > span.first && cutoff <= span.last)) {
    throw ValidationError.field(
      "cutoff",
      `must fall inside the shop's order history (${new Date(span.first).toISOString()} – ${new Date(span.last).toISOString()})`,
    );
  }
  const catalogue = await db
    .selectFrom("products")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("shop_id", "=", shopId)
    .executeTakeFirstOrThrow();
  const products = Number(catalogue.n);
  const histories = await loadShopHistories(db, shopId, { capacity: await interactionCount(db, shopId) });
  const categories = await productCategories(db, shopId);

  // The configuration is chosen the way it would be in service: on history alone. The period before
  // the cut is split the same way again, and the test period after the cut plays no part in it.
  const selectionCut = Math.round(span.first + DEFAULT_TRAIN_SHARE * (cutoff - span.first));
  const giveWay = giveWayEvery();
  const selected = await selectConfig(histories, selectionCut, cutoff, categories, giveWay);

  const scored = await heldOut(histories, cutoff, Number.POSITIVE_INFINITY, giveWay);
  const trained = await train(histories.values(cutoff), cutoff, categories, giveWay);
  const models: Recommender[] = [
    popularityRecommender(trained.popular),
    recommenderFor(trained, { scorer: "item-knn", blend: null }),
  ];
  if (trained.ease) models.push(recommenderFor(trained, { scorer: "ease", blend: null }));
  if (trained.als) models.push(recommenderFor(trained, { scorer: "als", blend: null }));
  models.push({ ...recommenderFor(trained, selected), name: "kizuna" });

  const total = models.length * scored.length;
  const results: ModelScore[] = [];
  for (const [m, model] of models.entries()) {
    const progress = (done: number) => options.onProgress?.(m * scored.length + done, total);
    results.push(await measure(model, scored, products, giveWay, progress));
  }
  options.onProgress?.(total, total);
  return {
    cutoff: new Date(cutoff).toISOString(),
    customers: scored.length,
    products,
    selected: configName(selected),
    repeat_lift: repeatLift(scored),
    results,
  };
}

/** The candidate with the best NDCG@10 (then Recall@20) on purchases between the two cuts. */
export async function selectConfig(
  histories: CustomerHistories,
  trainBefore: number,
  testBefore: number,
  categories: Map<number, string>,
  giveWay: GiveWay = giveWayEvery(),
): Promise<ModelConfig> {
  const trained = await train(histories.values(trainBefore), trainBefore, categories, giveWay);
  const scored = await heldOut(histories, trainBefore, testBefore, giveWay);
  let best = CANDIDATES[0];
  let bestScore: ModelScore | null = null;
  for (const config of CANDIDATES) {
    if ((config.scorer === "ease" && !trained.ease) || (config.scorer === "als" && !trained.als)) continue;
    const score = await measure(recommenderFor(trained, config), scored, 1, giveWay);
    if (
      !bestScore ||
      score.ndcg_at_10 > bestScore.ndcg_at_10 ||
      (score.ndcg_at_10 === bestScore.ndcg_at_10 && score.recall_at_20 > bestScore.recall_at_20)
    ) {
      best = config;
      bestScore = score;
    }
  }
  return best;
}

/**
 * Customers scored at most, per measurement. Above it a sample is scored, the same customers every time
 * (picked by a hash of their id): 30,000 customers put a metric's standard error near 0.003, and
 * scoring a million customers eight times over would take most of a rebuild.
 */
export const MAX_SCORED_CUSTOMERS = 30_000;

/** A customer's history before a cut and the products they bought after it. */
interface Scored {
  history: Interaction[];
  bought: Set<number>;
}

/** Customers with a history before `cut` who bought between `cut` and `until` (see MAX_SCORED_CUSTOMERS). */
async function heldOut(
  histories: CustomerHistories,
  cut: number,
  until: number,
  giveWay: GiveWay,
): Promise<Scored[]> {
  let sample: Array<[number, Scored]> = [];
  const keep = () => {
    sample.sort((a, b) => a[0] - b[0]);
    sample = sample.slice(0, MAX_SCORED_CUSTOMERS);
  };
  let n = 0;
  for (const [customerId, rows] of histories.entries(until)) {
    if (++n % 256 === 0) await giveWay();
    const firstAfter = rows.findIndex((r) => r.at >= cut);
    if (firstAfter <= 0) continue; // nothing after the cut, or nothing before it
    const bought = new Set<number>();
    for (let i = firstAfter; i < rows.length; i++)
      if (rows[i].kind === "purchase") bought.add(rows[i].productId);
    if (bought.size === 0) continue;
    sample.push([sampleKey(customerId), { history: rows.slice(0, firstAfter), bought }]);
    if (sample.length >= 2 * MAX_SCORED_CUSTOMERS) keep();
  }
  if (sample.length > MAX_SCORED_CUSTOMERS) keep();
  return sample.map(([, scored]) => scored);
}

/** A fixed pseudo-random key per customer id (a 32-bit integer hash), for sampling. */
function sampleKey(customerId: number): number {
  let h = Math.imul(customerId ^ (customerId >>> 16), 0x45d9f3b);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  return (h ^ (h >>> 16)) >>> 0;
}

async function measure(
  model: Recommender,
  scored: Scored[],
  products: number,
  giveWay: GiveWay,
  onProgress?: (done: number) => void,
): Promise<ModelScore> {
  const totals = { hr: 0, recall: 0, ndcg: 0 };
  const shown = new Set<number>();
  for (const [i, { history, bought }] of scored.entries()) {
    const list = model.recommend(history, 20);
    for (const p of list.slice(0, 10)) shown.add(p);
    const metrics = scoreList(list, bought);
    totals.hr += metrics.hit;
    totals.recall += metrics.recall;
    totals.ndcg += metrics.ndcg;
    if (i % 256 === 0) onProgress?.(i);
    // One customer with a long history can take milliseconds: the turn is checked after each.
    await giveWay();
  }
  const n = Math.max(1, scored.length);
  return {
    name: model.name,
    hr_at_10: round(totals.hr / n),
    recall_at_20: round(totals.recall / n),
    ndcg_at_10: round(totals.ndcg / n),
    coverage: round(shown.size / Math.max(1, products)),
  };
}

/**
 * How often the scored customers bought again, after the cut, a product they had bought before it,
 * against how often they would if having bought it said nothing (each product's share of the scored
 * customers buying it after the cut). Far above 1 in a shop of re-purchases; about 1 where personal
 * history carries no signal, and then no model beats the best sellers by more than noise.
 */
function repeatLift(scored: Scored[]): number {
  const buyers = new Map<number, number>();
  for (const { bought } of scored) for (const p of bought) buyers.set(p, (buyers.get(p) ?? 0) + 1);
  let again = 0;
  let expected = 0;
  for (const { history, bought } of scored) {
    const before = new Set(history.filter((r) => r.kind === "purchase").map((r) => r.productId));
    for (const p of before) {
      if (bought.has(p)) again++;
      expected += (buyers.get(p) ?? 0) / scored.length;
    }
  }
  return expected > 0 ? round(again / expected) : 0;
}

/** Hit (any held-out product in the top 10), recall at 20 and NDCG at 10 with binary relevance. */
export function scoreList(
  list: number[],
  bought: Set<number>,
): { hit: number; recall: number; ndcg: number } {
  let hits20 = 0;
  let dcg = 0;
  let hit = 0;
  for (const [rank, p] of list.slice(0, 20).entries()) {
    if (!bought.has(p)) continue;
    hits20++;
    if (rank < 10) {
      hit = 1;
      dcg += 1 / Math.log2(rank + 2);
    }
  }
  let ideal = 0;
  for (let rank = 0; rank < Math.min(10, bought.size); rank++) ideal += 1 / Math.log2(rank + 2);
  return { hit, recall: hits20 / bought.size, ndcg: ideal > 0 ? dcg / ideal : 0 };
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
