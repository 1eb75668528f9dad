// Fitting a shop's prediction model (BG/NBD for purchases, Gamma–Gamma for spend) on its own buyers
// and keeping the parameters in analytics_models, kind "bgnbd_gg", so the daily refresh and the
// reports reuse them instead of refitting.
import { KizunaError } from "../../core/errors.js";
import { type Db, fromJson, jsonParam } from "../../db/index.js";
import { type BgNbdParams, bgnbdData, fitBgNbd, type PurchaseHistory } from "./bgnbd.js";
import { fitGammaGamma, type GammaGammaParams, gammaGammaData, type SpendHistory } from "./gamma-gamma.js";
import { countBuyers, customerSummaries } from "./summaries.js";

export const MODEL_KIND = "bgnbd_gg";

/**
 * Above this many buyers the fit reads a systematic sample of about this many (customer_id modulo
 * k): four parameters estimated on a hundred thousand customers are as good as on a million (the
 * sampling error is far below the model's own misfit), and the fit stays within seconds.
 */
export const FIT_SAMPLE_LIMIT = 100_000;
/** The spend model has three parameters and needs fewer customers still: every k-th repeat buyer. */
export const SPEND_FIT_LIMIT = 50_000;

export interface PredictionModel {
  kind: typeof MODEL_KIND;
  version: 1;
  /** Every time in the model (α, tx, T, horizons) is in days. */
  timeUnit: "day";
  /** The moment the buyers were summarised at, ISO UTC. */
  asOf: string;
  /** Buyers with an order by asOf, and how many of them the fit read (one in `sampleEvery`). */
  customers: number;
  fitCustomers: number;
  sampleEvery: number;
  bgnbd: BgNbdParams & { logLikelihood: number; converged: boolean };
  /** Null when fewer than two buyers have a repeat purchase of positive value. */
  gammaGamma: (GammaGammaParams & { logLikelihood: number; customers: number; converged: boolean }) | null;
  /** Seconds the reading and fitting took. */
  seconds: number;
}

/** A shop without a single repeat purchase yet: there is nothing to learn a repeat rate from. */
export class NotEnoughHistoryError extends KizunaError {
  constructor(shopId: number) {
    super(
      `shop ${shopId}: no customer has bought on two different days yet, so no purchase model can be fitted`,
      "predictions_not_enough_history",
      409,
    );
  }
}

/** Fits both models on the shop's buyers as of `asOf`, stores and returns them. */
export async function fitPredictionModel(db: Db, shopId: number, asOf: Date): Promise<PredictionModel> {
  const started = performance.now();
  const customers = await countBuyers(db, shopId, asOf);
  const sampleEvery = Math.max(1, Math.ceil(customers / FIT_SAMPLE_LIMIT));
  // Identical (x, tx, T) in whole days fold into one weighted row: every one-time buyer of a given
  // day shares one, which is most of a shop's buyers.
  const histories = new Map<string, PurchaseHistory & { count: number }>();
  const spends: SpendHistory[] = [];
  let fitCustomers = 0;
  for await (const page of customerSummaries(db, shopId, asOf, { every: sampleEvery })) {
    for (const s of page) {
      fitCustomers++;
      const tx = Math.round(s.tx);
      const T = Math.max(Math.round(s.T), tx);
      const key = `${s.x}:${tx}:${T}`;
      const seen = histories.get(key);
      if (seen) seen.count++;
      else histories.set(key, { x: s.x, tx, T, count: 1 });
      if (s.repeatAverage !== null) spends.push({ x: s.x, average: s.repeatAverage });
    }
  }
  let bgnbd: ReturnType<typeof fitBgNbd>;
  try {
    bgnbd = fitBgNbd(bgnbdData([...histories.values()]));
  } catch (err) {
    if (err instanceof RangeError) throw new NotEnoughHistoryError(shopId);
    throw err;
  }
  const spendEvery = Math.max(1, Math.ceil(spends.length / SPEND_FIT_LIMIT));
  const spendData = gammaGammaData(spends.filter((_, i) => i % spendEvery === 0));
  const gg = spendData.x.length >= 2 ? fitGammaGamma(spendData) : null;
  const model: PredictionModel = {
    kind: MODEL_KIND,
    version: 1,
    timeUnit: "day",
    asOf: asOf.toISOString(),
    customers,
    fitCustomers,
    sampleEvery,
    bgnbd: { ...bgnbd.params, logLikelihood: bgnbd.logLikelihood, converged: bgnbd.converged },
    gammaGamma: gg
      ? { ...gg.params, logLikelihood: gg.logLikelihood, customers: gg.customers, converged: gg.converged }
      : null,
    seconds: (performance.now() - started) / 1000,
  };
  await storeModel(db, shopId, model);
  return model;
}

async function storeModel(db: Db, shopId: number, model: PredictionModel): Promise<void> {
  const params = jsonParam(db, model);
  await db
    .insertInto("analytics_models")
    .values({ shop_id: shopId, kind: MODEL_KIND, params, fitted_at: model.asOf })
    .onConflict((oc) => oc.columns(["shop_id", "kind"]).doUpdateSet({ params, fitted_at: model.asOf }))
    .execute();
}

/** The stored model of a shop, or null before the first fit. */
export async function loadPredictionModel(db: Db, shopId: number): Promise<PredictionModel | null> {
  const row = await db
    .selectFrom("analytics_models")
    .select("params")
    .where("shop_id", "=", shopId)
    .where("kind", "=", MODEL_KIND)
    .executeTakeFirst();
  if (!row) return null;
  const model = fromJson<PredictionModel>(row.params);
  return model.kind === MODEL_KIND && model.version === 1 ? model : null;
}
