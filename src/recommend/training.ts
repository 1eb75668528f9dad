// Training the recommenders on a shop's interactions: the popularity baseline, item-kNN, EASE (small
// catalogues) and re-purchase profiles, and the configurations that combine them.
import { type GiveWay, giveWayEvery } from "../core/give-way.js";
import { type AlsModel, alsScorer, DEFAULT_ALS_OPTIONS, trainAls } from "./als.js";
import { EASE_LAMBDA, type EaseModel, easeScorer, trainEase } from "./ease.js";
import type { Interaction } from "./interactions.js";
import { DEFAULT_KNN_OPTIONS, type Neighbours, trainItemKnn, VectorIndexer } from "./item-knn.js";
import { ADDITIVE_BLEND, ANCHORED_BLEND, type Blend, hybridRecommender, type Recommender } from "./models.js";
import { type Popularity, PopularityCounter } from "./popularity.js";
import { RepurchaseLearner, type RepurchaseProfile } from "./repurchase.js";
import { knnScorer } from "./scoring.js";

export const POPULARITY_WINDOW_DAYS = 90;

/** The similarity models a shop's history chooses from. */
const SCORERS = ["item-knn", "ease", "als"] as const;
export type ScorerName = (typeof SCORERS)[number];

/** A similarity model and how it is blended with re-purchase timing and popularity (null: not at all). */
export interface ModelConfig {
  scorer: ScorerName;
  blend: Blend | null;
}

/**
 * The configurations a shop's history chooses from. Re-purchase weight spans shops where repeat buying
 * is most of what happens next (consumables: cosmetics, health food) and shops where it is not.
 */
const BLENDS: Blend[] = [
  ADDITIVE_BLEND,
  { kind: "additive", repurchase: 6, popularity: 0.5, popularityExponent: 0.5 },
  { kind: "additive", repurchase: 6, popularity: 2, popularityExponent: 0.5 },
  ANCHORED_BLEND,
];
export const CANDIDATES: ModelConfig[] = SCORERS.flatMap((scorer) =>
  BLENDS.map((blend) => ({ scorer, blend })),
);

export function configName(config: ModelConfig): string {
  const blend = config.blend;
  if (!blend) return config.scorer;
  const weights =
    blend.kind === "additive"
      ? `repurchase ×${blend.repurchase}, popularity ×${blend.popularity}`
      : `similarity ×${blend.similarity}, repurchase ×${blend.repurchase}`;
  return `${config.scorer}+repurchase+popularity (${blend.kind}: ${weights})`;
}

export interface Trained {
  asOf: number;
  popular: Popularity;
  neighbours: Neighbours;
  ease: EaseModel | null;
  /** Null above ALS_MAX_CUSTOMERS customers or ALS_MAX_PRODUCTS products. */
  als: AlsModel | null;
  repurchase: Map<number, RepurchaseProfile>;
  categories: Map<number, string>;
}

/**
 * Trains every part in one pass over the customers' histories (each cut at `asOf` already), giving way
 * to the event loop as it goes (it can run inside the server). `scorers` names the similarity models
 * wanted (the selection compares all; serving needs only the chosen one); item-kNN is always trained,
 * as it also answers "similar products".
 */
export async function train(
  histories: Iterable<Interaction[]>,
  asOf: number,
  categories: Map<number, string>,
  giveWay: GiveWay = giveWayEvery(),
  scorers: readonly ScorerName[] = SCORERS,
): Promise<Trained> {
  const popular = new PopularityCounter(asOf, POPULARITY_WINDOW_DAYS);
  const repurchase = new RepurchaseLearner();
  const vectors = new VectorIndexer(asOf, DEFAULT_KNN_OPTIONS);
  let n = 0;
  for (const history of histories) {
    popular.add(history);
    repurchase.add(history);
    vectors.add(history);
    if (++n % 256 === 0) await giveWay();
  }
  const indexed = vectors.result();
  return {
    asOf,
    categories,
    popular: popular.result(),
    neighbours: await trainItemKnn(indexed, DEFAULT_KNN_OPTIONS, giveWay),
    ease: scorers.includes("ease") ? await trainEase(indexed, EASE_LAMBDA, giveWay) : null,
    als: scorers.includes("als") ? await trainAls(indexed, DEFAULT_ALS_OPTIONS, giveWay) : null,
    repurchase: await repurchase.result(giveWay),
  };
}

export function recommenderFor(trained: Trained, config: ModelConfig): Recommender {
  const { ease, als } = trained;
  const scorer =
    config.scorer === "ease" && ease
      ? easeScorer(ease)
      : config.scorer === "als" && als
        ? alsScorer(als)
        : knnScorer(trained.neighbours);
  return hybridRecommender(configName(config), {
    asOf: trained.asOf,
    scorer,
    knnOptions: DEFAULT_KNN_OPTIONS,
    popular: trained.popular,
    ...(config.blend
      ? { repurchase: trained.repurchase, blend: config.blend, categories: trained.categories }
      : {}),
  });
}
