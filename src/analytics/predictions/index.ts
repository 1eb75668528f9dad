// Customer predictions (issue 4): a BG/NBD + Gamma–Gamma model fitted on the shop's own buyers, the
// per-customer P(alive), expected orders, next order date and 12-month CLV it gives, and its report.
export {
  type BgNbdParams,
  conditionalExpectedPurchases,
  expectedPurchases,
  medianTimeToNextPurchase,
  type PurchaseHistory,
  probabilityAlive,
} from "./bgnbd.js";
export { conditionalExpectedAverageValue, type GammaGammaParams } from "./gamma-gamma.js";
export {
  FIT_SAMPLE_LIMIT,
  fitPredictionModel,
  loadPredictionModel,
  MODEL_KIND,
  NotEnoughHistoryError,
  type PredictionModel,
} from "./model.js";
export {
  type CustomerPrediction,
  HORIZON_DAYS,
  NEXT_ORDER_HORIZON_DAYS,
  type PredictionRefresh,
  predictCustomer,
  refreshPredictions,
} from "./refresh.js";
export { predictionsReport } from "./report.js";
export { type CustomerSummary, customerSummaries, type SummaryOptions } from "./summaries.js";
