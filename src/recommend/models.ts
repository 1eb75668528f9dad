// The recommenders the evaluation compares and the service uses. Each turns one customer's history
// (interactions before the model's moment) into a ranked list of product ids.
import type { Interaction } from "./interactions.js";
import { customerVector, type ItemKnnOptions, type Neighbours } from "./item-knn.js";
import type { Popularity } from "./popularity.js";
import { dueness, type RepurchaseProfile } from "./repurchase.js";

const DAY_MS = 86_400_000;

export interface Recommender {
  name: string;
  recommend(history: Interaction[], k: number): number[];
}

/** The same best sellers for everyone. */
export function popularityRecommender(popular: Popularity): Recommender {
  return { name: "popularity", recommend: (_history, k) => popular.ranked.slice(0, k) };
}

/** Similarity scores of products for a customer's weighted history (item-kNN, EASE). */
export type SimilarityScorer = (vector: Map<number, number>) => Map<number, number>;

export function knnScorer(neighbours: Neighbours): SimilarityScorer {
  return (vector) => {
    const scores = new Map<number, number>();
    for (const [productId, w] of vector) {
      for (const n of neighbours.get(productId) ?? []) {
        scores.set(n.productId, (scores.get(n.productId) ?? 0) + w * n.similarity);
      }
    }
    return scores;
  };
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
  const rank = new Map(parts.popular.ranked.map((p, i) => [p, i]));
  const trendingIn = trendingByCategory(parts.popular, parts.categories);
  return {
    name,
    recommend(history, k) {
      const vector = customerVector(history, parts.asOf, parts.knnOptions, Number.POSITIVE_INFINITY);
      const similarity = parts.scorer(vector);
      let max = 0;
      for (const s of similarity.values()) max = Math.max(max, s);
      const norm = (p: number) => (max > 0 ? (similarity.get(p) ?? 0) / max : 0);

      let scores: Map<number, number>;
      const excluded = new Set<number>();
      if (!parts.repurchase) {
        scores = new Map([...similarity.keys()].map((p) => [p, norm(p)]));
      } else {
        const due = repurchaseDue(history, parts.asOf, parts.repurchase, excluded);
        scores = new Map<number, number>();
        if (blend.kind === "additive") {
          for (const p of similarity.keys()) scores.set(p, norm(p));
          for (const [p, d] of due) scores.set(p, (scores.get(p) ?? 0) + blend.repurchase * d);
          if (due.size === 0 && excluded.size === 0) {
            // Nothing bought yet: what sells now in the categories the customer looked at, by how much
            // of their attention each category had.
            for (const [category, interest] of interests(vector, parts.categories)) {
              for (const [i, p] of (trendingIn.get(category) ?? []).entries()) {
                const bonus = blend.popularity * interest * (1 + i) ** -blend.popularityExponent;
                scores.set(p, (scores.get(p) ?? 0) + bonus);
              }
            }
          }
          const prior = (r: number) => blend.popularity * (1 + r) ** -blend.popularityExponent;
          withPopularity(scores, rank, parts.popular.ranked, excluded, k, (s, r) => s + prior(r), prior);
        } else {
          const share = (p: number) => parts.popular.share.get(p) ?? 0;
          const lift = (p: number) => 1 + blend.similarity * norm(p) + blend.repurchase * (due.get(p) ?? 0);
          for (const p of [...similarity.keys(), ...due.keys()])
            if (share(p) > 0) scores.set(p, share(p) * lift(p));
          const top = parts.popular.ranked.filter((p) => share(p) > 0);
          withPopularity(
            scores,
            rank,
            top,
            excluded,
            k,
            (s) => s,
            (i) => share(top[i]),
          );
        }
      }
      const ranked = [...scores]
        .filter(([p]) => !excluded.has(p))
        .sort((a, b) => b[1] - a[1] || a[0] - b[0])
        .map(([p]) => p)
        .slice(0, k);
      // Too little history for k suggestions: best sellers fill the rest.
      for (const p of parts.popular.ranked) {
        if (ranked.length >= k) break;
        if (!excluded.has(p) && !ranked.includes(p)) ranked.push(p);
      }
      return ranked;
    },
  };
}

/**
 * For each re-buyable product the customer bought: its re-purchase rate times how due it is now. The
 * products bought that customers do not re-buy (durables) go into `excluded`.
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
  for (const [productId, last] of lastBought) {
    const profile = profiles.get(productId);
    if (!profile || profile.rate < MIN_REPURCHASE_RATE || profile.cycleDays === null) {
      excluded.add(productId);
      continue;
    }
    due.set(productId, profile.rate * dueness((asOf - last) / DAY_MS, profile.cycleDays));
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

/**
 * Adds popularity to a customer's scores without visiting the whole catalogue: products already scored
 * get `combine(score, rank)`; of the others, whose score is popularity alone (falling with rank), only
 * the best `k` not excluded can reach the top k, so only those are added (`alone(index in order)`).
 */
function withPopularity(
  scores: Map<number, number>,
  rank: Map<number, number>,
  order: number[],
  skip: Set<number>,
  k: number,
  combine: (score: number, rank: number) => number,
  alone: (index: number) => number,
): void {
  for (const [p, s] of scores) {
    const r = rank.get(p);
    if (r !== undefined) scores.set(p, combine(s, r));
  }
  let added = 0;
  for (const [i, p] of order.entries()) {
    if (added >= k) break;
    if (scores.has(p) || skip.has(p)) continue;
    scores.set(p, alone(i));
    added++;
  }
}
