// The statistics the messaging report needs to say whether a difference is real: the normal
// distribution, a two-proportion z-test (A/B arms, treated vs holdout conversion) and a normal-
// approximation interval for a difference of means (revenue per customer, treated vs holdout). Large-
// sample tests: with the few thousand recipients of a typical send the normal approximation holds; for
// tiny arms the p-values are rough and the report says how many there were.

/** Two-sided 95 %: the z with Φ(z) = 0.975. */
export const Z_95 = 1.959963984540054;
export const ALPHA = 0.05;

/**
 * Φ(x), the standard normal cumulative distribution, to double precision (absolute error below 1e-14).
 * Hart's algorithm 5666 as given by G. West, "Better approximations to cumulative normal functions",
 * Wilmott Magazine (2005), figure 2: a rational approximation near the centre and a continued
 * fraction in the tails.
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const a = Math.abs(x);
  let tail: number;
  if (a > 37) {
    tail = 0;
  } else {
    const e = Math.exp((-a * a) / 2);
    if (a < 7.07106781186547) {
      let n = 3.52624965998911e-2 * a + 0.700383064443688;
      n = n * a + 6.37396220353165;
      n = n * a + 33.912866078383;
      n = n * a + 112.079291497871;
      n = n * a + 221.213596169931;
      n = n * a + 220.206867912376;
      let d = 8.83883476483184e-2 * a + 1.75566716318264;
      d = d * a + 16.064177579207;
      d = d * a + 86.7807322029461;
      d = d * a + 296.564248779674;
      d = d * a + 637.333633378831;
      d = d * a + 793.826512519948;
      d = d * a + 440.413735824752;
      tail = (e * n) / d;
    } else {
      let f = a + 0.65;
      f = a + 4 / f;
      f = a + 3 / f;
      f = a + 2 / f;
      f = a + 1 / f;
      tail = e / f / 2.506628274631;
    }
  }
  return x > 0 ? 1 - tail : tail;
}

/** Two-sided p-value of a standard normal statistic: P(|Z| ≥ |z|). */
export function twoSidedP(z: number): number {
  return 2 * normalCdf(-Math.abs(z));
}

export interface ProportionTest {
  /** Difference of the rates, second minus first. */
  difference: number;
  z: number;
  /** Two-sided. */
  p: number;
  significant: boolean;
}

/**
 * Two-proportion z-test with the pooled proportion under H0: p1 = p2 (e.g. NIST/SEMATECH e-Handbook of
 * Statistical Methods, §7.3.3; Walpole, Myers, Myers & Ye, "Probability and Statistics for Engineers
 * and Scientists", §10.9). z² equals Pearson's chi-square of the 2×2 table without continuity
 * correction, so this is also that test. Null when a group is empty or the pooled rate is 0 or 1
 * (nothing to compare).
 */
export function twoProportionTest(
  successes1: number,
  trials1: number,
  successes2: number,
  trials2: number,
): ProportionTest | null {
  if (trials1 <= 0 || trials2 <= 0) return null;
  const pooled = (successes1 + successes2) / (trials1 + trials2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / trials1 + 1 / trials2));
  if (!(se > 0)) return null;
  const difference = successes2 / trials2 - successes1 / trials1;
  const z = difference / se;
  const p = twoSidedP(z);
  return { difference, z, p, significant: p < ALPHA };
}

/** A sample summarised by its size, sum and sum of squares (what one GROUP BY can return). */
export interface SampleSums {
  n: number;
  sum: number;
  sumOfSquares: number;
}

export function mean(s: SampleSums): number {
  return s.n === 0 ? 0 : s.sum / s.n;
}

/** Unbiased sample variance from the sums; 0 for fewer than two observations. */
export function variance(s: SampleSums): number {
  if (s.n < 2) return 0;
  return Math.max(0, (s.sumOfSquares - (s.sum * s.sum) / s.n) / (s.n - 1));
}

export interface MeanDifference {
  /** Mean of the second sample minus the first's. */
  difference: number;
  standardError: number;
  /** 95 % confidence interval of the difference. */
  low: number;
  high: number;
  z: number;
  p: number;
  significant: boolean;
}

/**
 * Difference of two means with Welch's unpooled standard error, √(s₁²/n₁ + s₂²/n₂), and the normal
 * approximation for the interval and p-value (a large-sample z-test; B. L. Welch, "The generalization
 * of 'Student's' problem when several different population variances are involved", Biometrika 34,
 * 1947). Null when either sample has fewer than two observations or both have no spread.
 */
export function meanDifference(first: SampleSums, second: SampleSums): MeanDifference | null {
  if (first.n < 2 || second.n < 2) return null;
  const standardError = Math.sqrt(variance(first) / first.n + variance(second) / second.n);
  if (!(standardError > 0)) return null;
  const difference = mean(second) - mean(first);
  const z = difference / standardError;
  const p = twoSidedP(z);
  return {
    difference,
    standardError,
    low: difference - Z_95 * standardError,
    high: difference + Z_95 * standardError,
    z,
    p,
    significant: p < ALPHA,
  };
}
