// Recommendations: per-customer product lists from behaviour and purchases, and their offline evaluation.
export {
  type EvaluateOptions,
  type Evaluation,
  evaluateRecommenders,
  type ModelScore,
  scoreList,
} from "./evaluate.js";
export { type Interaction, loadInteractions } from "./interactions.js";
export {
  keepRecommendationsCurrent,
  LIST_LENGTH,
  loadServingModel,
  type RebuildReport,
  rebuildRecommendations,
  recommendationsFor,
  refreshRecommendations,
  relatedProducts,
  storedRecommendations,
} from "./service.js";
