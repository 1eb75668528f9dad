// Training the recommenders on a shop's interactions: the popularity baseline, item-kNN, EASE (small
// catalogues) and re-purchase profiles, and the configurations that combine them.
import { EASE_LAMBDA, type EaseModel, easeScores, trainEase } from "./ease.js";
import type { Interaction } from "./interactions.js";
import { DEFAULT_KNN_OPTIONS, type Neighbours, trainItemKnn } from "./item-knn.js";
import {
  ADDITIVE_BLEND,
  ANCHORED_BLEND,
  type Blend,
  hybridRecommender,
  knnScorer,
  type Recommender,
} from "./models.js";
import { type Popularity, popularity } from "./popularity.js";
import { learnRepurchase, type RepurchaseProfile } from "./repurchase.js";

export const POPULARITY_WINDOW_DAYS = 90;

/** A similarity model and how it is blended with re-purchase timing and popularity (null: not at all). */
export interface ModelConfig {
  scorer: "item-knn" | "ease";
  blend: Blend | null;
}

export const CANDIDATES: ModelConfig[] = [
  { scorer: "item-knn", blend: ADDITIVE_BLEND },
  { scorer: "item-knn", blend: ANCHORED_BLEND },
  { scorer: "ease", blend: ADDITIVE_BLEND },
  { scorer: "ease", blend: ANCHORED_BLEND },
];

export function configName(config: ModelConfig): string {
  return config.blend ? `${config.scorer}+repurchase+popularity (${config.blend.kind})` : config.scorer;
}

export interface Trained {
  asOf: number;
  popular: Popularity;
  neighbours: Neighbours;
  ease: EaseModel | null;
  repurchase: Map<number, RepurchaseProfile>;
}

export function train(histories: Map<number, Interaction[]>, rows: Interaction[], asOf: number): Trained {
  return {
    asOf,
    popular: popularity(rows, asOf, POPULARITY_WINDOW_DAYS),
    neighbours: trainItemKnn(histories, asOf, DEFAULT_KNN_OPTIONS),
    ease: trainEase(histories, asOf, DEFAULT_KNN_OPTIONS, EASE_LAMBDA),
    repurchase: learnRepurchase(histories),
  };
}

export function recommenderFor(trained: Trained, config: ModelConfig): Recommender {
  const ease = trained.ease;
  const scorer =
    config.scorer === "ease" && ease
      ? (vector: Map<number, number>) => easeScores(ease, vector)
      : knnScorer(trained.neighbours);
  return hybridRecommender(configName(config), {
    asOf: trained.asOf,
    scorer,
    knnOptions: DEFAULT_KNN_OPTIONS,
    popular: trained.popular,
    ...(config.blend ? { repurchase: trained.repurchase, blend: config.blend } : {}),
  });
}
