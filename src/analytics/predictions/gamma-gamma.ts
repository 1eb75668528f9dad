// The Gamma–Gamma model of spend per transaction (Fader and Hardie, "The Gamma-Gamma Model of Monetary
// Value", 2013; Colombo and Jiang 1999): each transaction of a customer is worth Gamma(p, ν) with the
// customer's ν ~ Gamma(q, γ), so the average of x transactions is Gamma(px, νx). Fitted on customers
// with at least one repeat purchase, on the average value of their repeat purchases.
import { minimize } from "./nelder-mead.js";
import { lnGamma } from "./special.js";

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

/** A customer's spend: x purchases averaging `average` (in any money unit, used throughout). */
export interface SpendHistory {
  x: number;
  average: number;
}

export interface GammaGammaData {
  x: Float64Array;
  average: Float64Array;
  /** ln of each average, taken once rather than at every evaluation. */
  logAverage: Float64Array;
}

/** Only histories the model describes: at least one purchase of a positive average value. */
export function gammaGammaData(rows: ReadonlyArray<SpendHistory>): GammaGammaData {
  const kept = rows.filter((row) => row.x > 0 && row.average > 0);
  return {
    x: Float64Array.from(kept, (row) => row.x),
    average: Float64Array.from(kept, (row) => row.average),
    logAverage: Float64Array.from(kept, (row) => Math.log(row.average)),
  };
}

/**
 * ln f(m̄ | p, q, γ; x), equation (4) of the note: the marginal density of the average m̄ of x purchases,
 * ν integrated out. lnΓ(px + q) − lnΓ(px) depends only on x and is computed once per distinct x.
 */
export function gammaGammaTotalLogLikelihood(params: GammaGammaParams, data: GammaGammaData): number {
  const { p, q, gamma } = params;
  const shared = q * Math.log(gamma) - lnGamma(q);
  const perX = new Map<number, number>();
  let total = 0;
  for (let i = 0; i < data.x.length; i++) {
    const x = data.x[i];
    const m = data.average[i];
    let gammas = perX.get(x);
    if (gammas === undefined) {
      gammas = lnGamma(p * x + q) - lnGamma(p * x) + p * x * Math.log(x) + shared;
      perX.set(x, gammas);
    }
    total += gammas + (p * x - 1) * data.logAverage[i] - (p * x + q) * Math.log(gamma + m * x);
  }
  return total;
}

export interface GammaGammaFit {
  params: GammaGammaParams;
  logLikelihood: number;
  customers: number;
  evaluations: number;
  converged: boolean;
}

/** Maximum-likelihood p, q, γ on log-parameters, from p = q = 1 and γ = the mean average spend. */
export function fitGammaGamma(data: GammaGammaData): GammaGammaFit {
  const n = data.x.length;
  if (n < 2) throw new RangeError("Gamma–Gamma: fewer than two repeat customers to fit on");
  let sum = 0;
  for (const m of data.average) sum += m;
  const fromLog = (v: number[]): GammaGammaParams => ({
    p: Math.exp(v[0]),
    q: Math.exp(v[1]),
    gamma: Math.exp(v[2]),
  });
  const result = minimize((v) => -gammaGammaTotalLogLikelihood(fromLog(v), data), [0, 0, Math.log(sum / n)]);
  return {
    params: fromLog(result.x),
    logLikelihood: -result.value,
    customers: n,
    evaluations: result.evaluations,
    converged: result.converged,
  };
}

/**
 * E(M | p, q, γ; m̄, x), equation (5): a weighted mean of the population mean pγ/(q − 1) and the
 * customer's own average, the weight on the latter growing with x. With x = 0 it is the population
 * mean. Needs q > 1 (a finite population mean); below that the spend distribution has no mean and we
 * fall back to the customer's own average, or 0 without one.
 */
export function conditionalExpectedAverageValue(params: GammaGammaParams, spend: SpendHistory): number {
  const { p, q, gamma } = params;
  const x = Math.max(spend.x, 0);
  const total = Math.max(spend.average, 0) * x;
  if (!(q > 1)) return x > 0 ? total / x : 0;
  return (p * (gamma + total)) / (p * x + q - 1);
}

/** The population mean spend per purchase, pγ/(q − 1) (null when q <= 1 leaves it undefined). */
export function meanValue(params: GammaGammaParams): number | null {
  return params.q > 1 ? (params.p * params.gamma) / (params.q - 1) : null;
}
