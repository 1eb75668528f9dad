// The two special functions the purchase models need, written out because both are short and well
// known: the log-gamma function (Lanczos, g = 7, nine terms: about 15 significant digits for positive
// arguments) and the Gaussian hypergeometric function 2F1 on 0 <= z < 1 by its power series.

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(x) for x > 0 (and, by reflection, ln |Γ(x)| for non-integer x < 0.5). */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  const y = x - 1;
  let series = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) series += LANCZOS[i] / (y + i);
  const t = y + LANCZOS_G + 0.5;
  return HALF_LOG_TWO_PI + (y + 0.5) * Math.log(t) - t + Math.log(series);
}

/** ln B(a, b), the log of the beta function. */
export function lnBeta(a: number, b: number): number {
  return lnGamma(a) + lnGamma(b) - lnGamma(a + b);
}

const SERIES_EPSILON = 1e-15;
/** Enough for z up to 1 - 1e-4 at full precision; the BG/NBD callers stay far below that in practice. */
const SERIES_MAX_TERMS = 1_000_000;

/**
 * 2F1(a, b; c; z) for 0 <= z < 1 by summing its power series. The loop stops once the remaining tail,
 * bounded by a geometric series of the current term ratio (or z, which the ratio tends to), is below
 * the working precision; a series that has not converged by then gives NaN rather than a wrong number.
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (!(z >= 0 && z < 1)) throw new RangeError(`hyp2f1: z must lie in [0, 1), got ${z}`);
  let term = 1;
  let sum = 1;
  for (let n = 0; n < SERIES_MAX_TERMS; n++) {
    const ratio = (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    term *= ratio;
    sum += term;
    if (term === 0) return sum;
    const rho = Math.max(Math.abs(ratio), z);
    if (rho < 1 && Math.abs(term) * rho <= SERIES_EPSILON * (1 - rho) * Math.abs(sum)) return sum;
  }
  return Number.NaN;
}
