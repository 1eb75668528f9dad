// Offline evaluation on whatever the shop has imported: hold out every customer's purchases after a
// time cut, train on what came before, and score each model's list against what the customer really
// bought next (re-purchases included). Customers with nothing before the cut are left out: no model can
// tell them apart, and every one of them gets the same best sellers.
import { ValidationError } from "../core/errors.js";
import type { Db } from "../db/index.js";
import { EASE_LAMBDA, easeScores, trainEase } from "./ease.js";
import { byCustomer, type Interaction, loadInteractions, purchaseSpan } from "./interactions.js";
import { DEFAULT_KNN_OPTIONS, trainItemKnn } from "./item-knn.js";
import { hybridRecommender, knnScorer, popularityRecommender, type Recommender } from "./models.js";
import { popularProducts } from "./popularity.js";
import { learnRepurchase } from "./repurchase.js";

/** Share of the shop's purchase history before the default cut. */
export const DEFAULT_TRAIN_SHARE = 0.8;
export const POPULARITY_WINDOW_DAYS = 90;

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

  const all = await loadInteractions(db, shopId);
  const train = all.filter((r) => r.at < cutoff);
  const heldOut = new Map<number, Set<number>>();
  for (const r of all) {
    if (r.kind !== "purchase" || r.at < cutoff) continue;
    const set = heldOut.get(r.customerId) ?? new Set<number>();
    set.add(r.productId);
    heldOut.set(r.customerId, set);
  }
  const histories = byCustomer(train);
  const models = trainModels(histories, train, cutoff);

  const catalogue = await db
    .selectFrom("products")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("shop_id", "=", shopId)
    .executeTakeFirstOrThrow();
  const products = Number(catalogue.n);

  const scored = [...heldOut].filter(([customerId]) => histories.has(customerId));
  const results = models.map((model, m) => {
    const totals = { hr: 0, recall: 0, ndcg: 0 };
    const shown = new Set<number>();
    for (const [i, [customerId, bought]] of scored.entries()) {
      const list = model.recommend(histories.get(customerId) as Interaction[], 20);
      for (const p of list.slice(0, 10)) shown.add(p);
      const metrics = scoreList(list, bought);
      totals.hr += metrics.hit;
      totals.recall += metrics.recall;
      totals.ndcg += metrics.ndcg;
      if (i % 500 === 0) options.onProgress?.(m * scored.length + i, models.length * scored.length);
    }
    const n = Math.max(1, scored.length);
    return {
      name: model.name,
      hr_at_10: round(totals.hr / n),
      recall_at_20: round(totals.recall / n),
      ndcg_at_10: round(totals.ndcg / n),
      coverage: round(shown.size / Math.max(1, products)),
    };
  });
  options.onProgress?.(models.length * scored.length, models.length * scored.length);
  return { cutoff: new Date(cutoff).toISOString(), customers: scored.length, products, results };
}

/** The models compared, all trained on the same history: the baseline first. */
function trainModels(
  histories: Map<number, Interaction[]>,
  train: Interaction[],
  asOf: number,
): Recommender[] {
  const popular = popularProducts(train, asOf, POPULARITY_WINDOW_DAYS);
  const neighbours = trainItemKnn(histories, asOf, DEFAULT_KNN_OPTIONS);
  const repurchase = learnRepurchase(histories);
  const common = { asOf, knnOptions: DEFAULT_KNN_OPTIONS, popular };
  const models = [
    popularityRecommender(popular),
    hybridRecommender("item-knn", { ...common, scorer: knnScorer(neighbours) }),
    hybridRecommender("item-knn+repurchase", { ...common, scorer: knnScorer(neighbours), repurchase }),
  ];
  const ease = trainEase(histories, asOf, DEFAULT_KNN_OPTIONS, EASE_LAMBDA);
  if (ease) {
    const scorer = (vector: Map<number, number>) => easeScores(ease, vector);
    models.push(hybridRecommender("ease", { ...common, scorer }));
    models.push(hybridRecommender("ease+repurchase", { ...common, scorer, repurchase }));
  }
  return models;
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
