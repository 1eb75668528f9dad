// The BG/NBD repeat-purchase model (Fader, Hardie and Lee, "Counting Your Customers the Easy Way",
// Marketing Science 2005): while alive a customer buys at a Poisson rate λ ~ Gamma(r, α) and after
// each purchase drops out with probability p ~ Beta(a, b). A customer is summarised by x (repeat
// purchases), tx (time of the last purchase since the first) and T (time since the first purchase),
// all in one time unit of the caller's choosing (the shop pipeline uses days).
import { minimize } from "./nelder-mead.js";
import { hyp2f1, lnGamma } from "./special.js";

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** One customer's purchase history in model time units. */
export interface PurchaseHistory {
  x: number;
  tx: number;
  T: number;
}

/** Histories for a fit, with identical ones folded into a weight (the number of customers). */
export interface BgNbdData {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  weight: Float64Array;
}

export function bgnbdData(rows: ReadonlyArray<PurchaseHistory & { count?: number }>): BgNbdData {
  const data: BgNbdData = {
    x: new Float64Array(rows.length),
    tx: new Float64Array(rows.length),
    T: new Float64Array(rows.length),
    weight: new Float64Array(rows.length),
  };
  rows.forEach((row, i) => {
    data.x[i] = row.x;
    data.tx[i] = row.x > 0 ? row.tx : 0;
    data.T[i] = row.T;
    data.weight[i] = row.count ?? 1;
  });
  return data;
}

/**
 * The log-likelihood of one history, equation (6) of the paper written in logs so that large x or T
 * does not overflow (the "#NUM!" problem of Fader and Hardie's note 027).
 */
export function bgnbdLogLikelihood(params: BgNbdParams, history: PurchaseHistory): number {
  return bgnbdTotalLogLikelihood(params, bgnbdData([history]));
}

/**
 * The data indexed by its distinct values: a shop's histories in whole days share a few hundred x, a
 * thousand or so T and tx, so the logarithms and gamma functions of an evaluation are taken once per
 * distinct value and each customer costs one exp and one log1p (none for one-time buyers).
 */
interface Indexed {
  xs: Float64Array;
  values: Float64Array;
  xIndex: Int32Array;
  tIndex: Int32Array;
  txIndex: Int32Array;
}

const indexes = new WeakMap<BgNbdData, Indexed>();

function indexed(data: BgNbdData): Indexed {
  const known = indexes.get(data);
  if (known) return known;
  const position = (map: Map<number, number>, v: number) => {
    let i = map.get(v);
    if (i === undefined) {
      i = map.size;
      map.set(v, i);
    }
    return i;
  };
  const xs = new Map<number, number>();
  const values = new Map<number, number>();
  const n = data.x.length;
  const result: Indexed = {
    xs: new Float64Array(0),
    values: new Float64Array(0),
    xIndex: new Int32Array(n),
    tIndex: new Int32Array(n),
    txIndex: new Int32Array(n),
  };
  for (let i = 0; i < n; i++) {
    result.xIndex[i] = position(xs, data.x[i]);
    result.tIndex[i] = position(values, data.T[i]);
    result.txIndex[i] = position(values, data.tx[i]);
  }
  result.xs = Float64Array.from(xs.keys());
  result.values = Float64Array.from(values.keys());
  indexes.set(data, result);
  return result;
}

/** The summed log-likelihood of weighted histories. */
export function bgnbdTotalLogLikelihood(params: BgNbdParams, data: BgNbdData): number {
  const { r, alpha, a, b } = params;
  const { xs, values, xIndex, tIndex, txIndex } = indexed(data);
  const shared = lnGamma(a + b) - lnGamma(b) - lnGamma(r) + r * Math.log(alpha);
  const common = new Float64Array(xs.length);
  const died = new Float64Array(xs.length);
  for (let k = 0; k < xs.length; k++) {
    const x = xs[k];
    common[k] = shared + lnGamma(r + x) + lnGamma(b + x) - lnGamma(a + b + x);
    died[k] = x > 0 ? Math.log(a) - Math.log(b + x - 1) : Number.NEGATIVE_INFINITY;
  }
  const logAge = new Float64Array(values.length);
  for (let k = 0; k < values.length; k++) logAge[k] = Math.log(alpha + values[k]);
  let total = 0;
  for (let i = 0; i < xIndex.length; i++) {
    const k = xIndex[i];
    const shape = r + xs[k];
    const alive = -shape * logAge[tIndex[i]];
    let ll = alive;
    if (died[k] !== Number.NEGATIVE_INFINITY) {
      const dead = died[k] - shape * logAge[txIndex[i]];
      ll =
        alive > dead ? alive + Math.log1p(Math.exp(dead - alive)) : dead + Math.log1p(Math.exp(alive - dead));
    }
    total += data.weight[i] * (common[k] + ll);
  }
  return total;
}

export interface BgNbdFit {
  params: BgNbdParams;
  logLikelihood: number;
  customers: number;
  evaluations: number;
  converged: boolean;
}

/**
 * Maximum-likelihood estimates of r, α, a, b. The search runs on log-parameters (so all four stay
 * positive without constraints), from r = a = b = 1 and α = the mean age, a scale-free start that
 * needs no rescaling of the data whatever the time unit.
 */
export function fitBgNbd(data: BgNbdData): BgNbdFit {
  let customers = 0;
  let repeaters = 0;
  let ageSum = 0;
  for (let i = 0; i < data.x.length; i++) {
    customers += data.weight[i];
    ageSum += data.weight[i] * data.T[i];
    if (data.x[i] > 0) repeaters += data.weight[i];
  }
  // Without any repeat purchase the likelihood keeps rising as r/α falls to 0: there is no estimate.
  if (repeaters === 0) throw new RangeError("BG/NBD: no customer has a repeat purchase to fit on");
  const fromLog = (v: number[]): BgNbdParams => ({
    r: Math.exp(v[0]),
    alpha: Math.exp(v[1]),
    a: Math.exp(v[2]),
    b: Math.exp(v[3]),
  });
  const start = [0, Math.log(Math.max(ageSum / customers, 1e-6)), 0, 0];
  const result = minimize((v) => -bgnbdTotalLogLikelihood(fromLog(v), data), start);
  return {
    params: fromLog(result.x),
    logLikelihood: -result.value,
    customers,
    evaluations: result.evaluations,
    converged: result.converged,
  };
}

/** The odds that the customer dropped out after the last purchase rather than being alive now. */
function deathOdds({ r, alpha, a, b }: BgNbdParams, { x, tx, T }: PurchaseHistory): number {
  if (x <= 0) return 0;
  return (a / (b + x - 1)) * Math.exp((r + x) * (Math.log(alpha + T) - Math.log(alpha + tx)));
}

/** P(alive | x, tx, T): Fader, Hardie and Lee, "Computing P(alive) using the BG/NBD model" (2008). */
export function probabilityAlive(params: BgNbdParams, history: PurchaseHistory): number {
  return 1 / (1 + deathOdds(params, history));
}

/**
 * E[Y(t) | x, tx, T], the expected number of purchases in the next t: equation (10) of the paper.
 * The 2F1 there, 2F1(r+x, b+x; a+b+x−1; z) times (1−z)^(r+x), is taken through Euler's transformation
 * as (1−z)^(a−1) · 2F1(a+b−1−r, a−1; a+b+x−1; z), whose series neither grows with x nor cancels.
 */
export function conditionalExpectedPurchases(
  params: BgNbdParams,
  t: number,
  history: PurchaseHistory,
): number {
  if (t <= 0) return 0;
  const { r, alpha, b, x, T } = { ...params, ...history };
  // The formula divides by a − 1; at a = 1 exactly it is a removable singularity, so step beside it.
  const a = Math.abs(params.a - 1) < 1e-7 ? 1 + 1e-7 : params.a;
  const z = t / (alpha + T + t);
  const g = hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z);
  const ifAlive = ((a + b + x - 1) / (a - 1)) * (1 - Math.exp((a - 1) * Math.log1p(-z)) * g);
  return ifAlive / (1 + deathOdds({ ...params, a }, history));
}

/** E[X(t)] for a customer just acquired: equation (9), the conditional formula at x = tx = T = 0. */
export function expectedPurchases(params: BgNbdParams, t: number): number {
  return conditionalExpectedPurchases(params, t, { x: 0, tx: 0, T: 0 });
}

/** P(at least one purchase in the next t | x, tx, T) = P(alive) · (1 − E[e^(−λt)] under λ's posterior). */
export function probabilityOfPurchaseWithin(
  params: BgNbdParams,
  t: number,
  history: PurchaseHistory,
): number {
  const { r, alpha } = params;
  const none = Math.exp((r + history.x) * (Math.log(alpha + history.T) - Math.log(alpha + history.T + t)));
  return probabilityAlive(params, history) * (1 - none);
}

/**
 * The median time until the next purchase, or null when the customer is more likely than not never to
 * buy again (P(alive) <= 1/2). We use the median rather than "when the expected count reaches one"
 * because it is what a marketer reads a date as ("half of the customers like this one will have
 * ordered by then"), it exists for every customer still more likely alive than not, whereas the
 * expected count of a fading customer may never reach one, and it has a closed form: a living
 * customer's next purchase comes after an exponential wait whose rate has the Gamma(r + x, α + T)
 * posterior, so P(purchase within t) = P(alive)·(1 − ((α+T)/(α+T+t))^(r+x)), solved for one half.
 */
export function medianTimeToNextPurchase(params: BgNbdParams, history: PurchaseHistory): number | null {
  const alive = probabilityAlive(params, history);
  if (!(alive > 0.5)) return null;
  const { r, alpha } = params;
  const shape = r + history.x;
  return (alpha + history.T) * Math.expm1(-Math.log1p(-0.5 / alive) / shape);
}
