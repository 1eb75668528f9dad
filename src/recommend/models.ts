// The recommenders the evaluation compares and the service uses. Each turns one customer's history
// (interactions before the model's moment) into a ranked list of product ids.
import type { Interaction } from "./interactions.js";
import { customerVector, type ItemKnnOptions, type Neighbours } from "./item-knn.js";
import { dueness, type RepurchaseProfile } from "./repurchase.js";

const DAY_MS = 86_400_000;

export interface Recommender {
  name: string;
  recommend(history: Interaction[], k: number): number[];
}

/** The same best sellers for everyone. */
export function popularityRecommender(popular: number[]): Recommender {
  return { name: "popularity", recommend: (_history, k) => popular.slice(0, k) };
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

export interface HybridParts {
  asOf: number;
  scorer: SimilarityScorer;
  /** How a customer's history becomes a weighted vector (decay, kind weights). */
  knnOptions: ItemKnnOptions;
  popular: number[];
  /** Without: plain item-kNN (no re-purchase timing, no exclusions). */
  repurchase?: Map<number, RepurchaseProfile>;
  weights?: Partial<HybridWeights>;
}

export interface HybridWeights {
  /** Weight of a due re-purchase against the strongest similarity score (1). */
  repurchase: number;
  /** Weight of popularity, a prior that orders what similarity alone leaves close. */
  popularity: number;
  /** Below this re-purchase rate a product already bought is not suggested again (a durable). */
  minRepurchaseRate: number;
  /** The prior of the product ranked r among best sellers is 1 / (1 + r)^popularityExponent. */
  popularityExponent: number;
}

export const DEFAULT_HYBRID_WEIGHTS: HybridWeights = {
  repurchase: 1.5,
  popularity: 2,
  minRepurchaseRate: 0.05,
  popularityExponent: 0.5,
};

/**
 * Item-kNN from the customer's weighted history; with `repurchase`, products the customer bought rank
 * by how due a re-purchase is, durables already bought drop out, and popularity orders close calls.
 */
export function hybridRecommender(name: string, parts: HybridParts): Recommender {
  const weights = { ...DEFAULT_HYBRID_WEIGHTS, ...parts.weights };
  const popularRank = new Map(parts.popular.map((p, i) => [p, i]));
  const prior = (p: number) => {
    const rank = popularRank.get(p);
    return rank === undefined ? 0 : (1 + rank) ** -weights.popularityExponent;
  };
  return {
    name,
    recommend(history, k) {
      const vector = customerVector(history, parts.asOf, parts.knnOptions, Number.POSITIVE_INFINITY);
      const scores = parts.scorer(vector);
      let max = 0;
      for (const s of scores.values()) max = Math.max(max, s);
      if (max > 0) for (const [p, s] of scores) scores.set(p, s / max);

      const excluded = new Set<number>();
      if (parts.repurchase) {
        const lastBought = new Map<number, number>();
        for (const r of history)
          if (r.kind === "purchase" && r.at < parts.asOf) lastBought.set(r.productId, r.at);
        for (const [productId, last] of lastBought) {
          const profile = parts.repurchase.get(productId);
          if (!profile || profile.rate < weights.minRepurchaseRate || profile.cycleDays === null) {
            excluded.add(productId);
            continue;
          }
          const due = dueness((parts.asOf - last) / DAY_MS, profile.cycleDays);
          scores.set(productId, (scores.get(productId) ?? 0) + weights.repurchase * profile.rate * due);
        }
        for (const p of parts.popular) {
          if (!excluded.has(p)) scores.set(p, (scores.get(p) ?? 0) + weights.popularity * prior(p));
        }
      }
      const ranked = [...scores]
        .filter(([p]) => !excluded.has(p))
        .sort((a, b) => b[1] - a[1] || a[0] - b[0])
        .map(([p]) => p)
        .slice(0, k);
      // Too little history for k suggestions: best sellers fill the rest.
      for (const p of parts.popular) {
        if (ranked.length >= k) break;
        if (!excluded.has(p) && !ranked.includes(p)) ranked.push(p);
      }
      return ranked;
    },
  };
}
