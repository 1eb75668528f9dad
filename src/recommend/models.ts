// The recommenders the evaluation compares and the service uses. Each turns one customer's history
// (interactions before the model's moment) into a ranked list of product ids.
import type { Interaction } from "./interactions.js";
import { customerVector, type ItemKnnOptions } from "./item-knn.js";
import type { Popularity } from "./popularity.js";
import { dueness, personalRepurchase, purchaseDays, type RepurchaseProfile } from "./repurchase.js";
import { bestScored, DenseScores, ProductSpace, type SimilarityScorer } from "./scoring.js";

const DAY_MS = 86_400_000;

export interface Recommender {
  name: string;
  recommend(history: Interaction[], k: number): number[];
}

/** The same best sellers for everyone. */
export function popularityRecommender(popular: Popularity): Recommender {
  return { name: "popularity", recommend: (_history, k) => popular.ranked.slice(0, k) };
}

/**
 * How similarity, re-purchase timing and popularity add up. Shops differ: where a few staples are most
 * of every basket (a grocer) the best sellers are hard to beat and personal signals should only reorder
 * them ("anchored"); where tastes split (cosmetics, health food) the personal signals lead and
 * popularity only breaks ties ("additive"). The evaluation picks one per shop by measurement.
 */
export type Blend =
  | {
      kind: "additive";
      /** Weight of a due re-purchase against the strongest similarity score (1). */
      repurchase: number;
      /** Weight of the popularity prior 1 / (1 + rank)^popularityExponent. */
      popularity: number;
      popularityExponent: number;
    }
  | {
      kind: "anchored";
      /** score = popularity share × (1 + similarity × normalised similarity + repurchase × due). */
      similarity: number;
      repurchase: number;
    };

export const ADDITIVE_BLEND: Blend = {
  kind: "additive",
  repurchase: 1.5,
  popularity: 2,
  popularityExponent: 0.5,
};
export const ANCHORED_BLEND: Blend = { kind: "anchored", similarity: 1, repurchase: 0.5 };

/** Below this re-purchase rate a product already bought is not suggested again (a durable). */
export const MIN_REPURCHASE_RATE = 0.05;

export interface HybridParts {
  asOf: number;
  scorer: SimilarityScorer;
  /** How a customer's history becomes a weighted vector (decay, kind weights). */
  knnOptions: ItemKnnOptions;
  popular: Popularity;
  /** Without: the similarity scores alone (no re-purchase timing, no exclusions, no popularity). */
  repurchase?: Map<number, RepurchaseProfile>;
  blend?: Blend;
  /** Product → top-level category: customers who have bought nothing yet get what is selling now in
   * the categories they looked at. */
  categories?: Map<number, string>;
}

export function hybridRecommender(name: string, parts: HybridParts): Recommender {
  const blend = parts.blend ?? ADDITIVE_BLEND;
  const { ranked } = parts.popular;
  // Best sellers first, so a best seller's index is its rank.
  const space = new ProductSpace();
  for (const p of ranked) space.add(p);
  for (const p of parts.popular.trending.keys()) space.add(p);
  for (const p of parts.repurchase?.keys() ?? []) space.add(p);
  const trendingIn = new Map(
    [...trendingByCategory(parts.popular, parts.categories)].map(([c, ids]) => [
      c,
      ids.map((p) => space.add(p)),
    ]),
  );
  const score = parts.scorer(space);
  // The space is complete: every product any part can score has its index.
  const similarity = new DenseScores(space.size);
  const scores = new DenseScores(space.size);
  // excludedIn[i] === customer: product i is left out of this customer's list.
  const excludedIn = new Int32Array(space.size);
  let customer = 0;
  // The additive blend's popularity prior by rank, computed once rather than per scored product.
  const priors =
    blend.kind === "additive"
      ? Float64Array.from(ranked, (_, r) => blend.popularity * (1 + r) ** -blend.popularityExponent)
      : new Float64Array(0);
  const share = Float64Array.from(ranked, (p) => parts.popular.share.get(p) ?? 0);
  const sharedRanks = ranked.map((_, r) => r).filter((r) => share[r] > 0);

  return {
    name,
    recommend(history, k) {
      customer++;
      const vector = customerVector(history, parts.asOf, parts.knnOptions, Number.POSITIVE_INFINITY);
      similarity.clear();
      score(vector, similarity);
      let max = 0;
      for (let t = 0; t < similarity.count; t++)
        max = Math.max(max, similarity.values[similarity.reached[t]]);
      const norm = (i: number) => (max > 0 ? similarity.get(i) / max : 0);

      scores.clear();
      const excluded = new Set<number>();
      if (!parts.repurchase) {
        for (let t = 0; t < similarity.count; t++)
          scores.set(similarity.reached[t], norm(similarity.reached[t]));
      } else {
        const due = new Map<number, number>();
        for (const [p, d] of repurchaseDue(history, parts.asOf, parts.repurchase, excluded)) {
          due.set(space.indexOf(p)!, d);
        }
        for (const p of excluded) {
          const i = space.indexOf(p);
          if (i !== undefined) excludedIn[i] = customer;
        }
        const isExcluded = (i: number) => excludedIn[i] === customer;
        if (blend.kind === "additive") {
          for (let t = 0; t < similarity.count; t++)
            scores.set(similarity.reached[t], norm(similarity.reached[t]));
          for (const [i, d] of due) scores.add(i, blend.repurchase * d);
          if (due.size === 0 && excluded.size === 0) {
            // Nothing bought yet: what sells now in the categories the customer looked at, by how much
            // of their attention each category had.
            for (const [category, interest] of interests(vector, parts.categories)) {
              for (const [r, i] of (trendingIn.get(category) ?? []).entries()) {
                scores.add(i, blend.popularity * interest * (1 + r) ** -blend.popularityExponent);
              }
            }
          }
          // Popularity on top of every product scored; of the others, whose score is popularity alone
          // (falling with rank), only the best k not excluded can reach the top k.
          for (let t = 0; t < scores.count; t++) {
            const i = scores.reached[t];
            if (i < ranked.length) scores.values[i] += priors[i];
          }
          for (let r = 0, added = 0; r < ranked.length && added < k; r++) {
            if (scores.has(r) || isExcluded(r)) continue;
            scores.set(r, priors[r]);
            added++;
          }
        } else {
          const lift = (i: number) => 1 + blend.similarity * norm(i) + blend.repurchase * (due.get(i) ?? 0);
          const anchor = (i: number) => {
            if (i < ranked.length && share[i] > 0) scores.set(i, share[i] * lift(i));
          };
          for (let t = 0; t < similarity.count; t++) anchor(similarity.reached[t]);
          for (const i of due.keys()) anchor(i);
          for (let s = 0, added = 0; s < sharedRanks.length && added < k; s++) {
            const r = sharedRanks[s];
            if (scores.has(r) || isExcluded(r)) continue;
            scores.set(r, share[r]);
            added++;
          }
        }
      }
      const list = bestScored(scores, space.ids, (i) => excludedIn[i] === customer, k);
      // Too little history for k suggestions: best sellers fill the rest.
      for (const p of ranked) {
        if (list.length >= k) break;
        if (!excluded.has(p) && !list.includes(p)) list.push(p);
      }
      return list;
    },
  };
}

/**
 * For each re-buyable product the customer bought: its re-purchase rate times how due it is now. A
 * product is re-buyable when the shop's customers re-buy it or when this customer has (bought it on two
 * days or more: then their own cycle counts, and the surer of the two rates). The products bought that
 * nobody re-buys (durables) go into `excluded`.
 */
function repurchaseDue(
  history: Interaction[],
  asOf: number,
  profiles: Map<number, RepurchaseProfile>,
  excluded: Set<number>,
): Map<number, number> {
  const lastBought = new Map<number, number>();
  for (const r of history) if (r.kind === "purchase" && r.at < asOf) lastBought.set(r.productId, r.at);
  const due = new Map<number, number>();
  for (const [productId, days] of purchaseDays(history, asOf)) {
    const shop = profiles.get(productId);
    const own = personalRepurchase(days);
    const shopRebuys = shop !== undefined && shop.rate >= MIN_REPURCHASE_RATE && shop.cycleDays !== null;
    if (!own && !shopRebuys) {
      excluded.add(productId);
      continue;
    }
    const rate = Math.max(own?.rate ?? 0, shopRebuys ? shop.rate : 0);
    const cycleDays = own?.cycleDays ?? (shop?.cycleDays as number);
    const sinceLast = (asOf - (lastBought.get(productId) as number)) / DAY_MS;
    due.set(productId, rate * dueness(sinceLast, cycleDays, shop?.regularity));
  }
  return due;
}

/** Per category, the products selling now (last 30 days), most first; the 20 strongest. */
function trendingByCategory(popular: Popularity, categories?: Map<number, string>): Map<string, number[]> {
  if (!categories) return new Map();
  const lists = new Map<string, Array<[number, number]>>();
  for (const [p, t] of popular.trending) {
    const category = categories.get(p);
    if (category === undefined) continue;
    const list = lists.get(category) ?? [];
    list.push([p, t]);
    lists.set(category, list);
  }
  return new Map(
    [...lists].map(([c, list]) => [
      c,
      list
        .sort((a, b) => b[1] - a[1] || a[0] - b[0])
        .slice(0, 20)
        .map(([p]) => p),
    ]),
  );
}

/** The customer's categories by their share of the history's weight. */
function interests(vector: Map<number, number>, categories?: Map<number, string>): Map<string, number> {
  const out = new Map<string, number>();
  if (!categories) return out;
  let total = 0;
  for (const [p, w] of vector) {
    const c = categories.get(p);
    if (c === undefined) continue;
    out.set(c, (out.get(c) ?? 0) + w);
    total += w;
  }
  for (const [c, w] of out) out.set(c, w / total);
  return out;
}
