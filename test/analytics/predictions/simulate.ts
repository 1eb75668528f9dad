// Customers drawn from known BG/NBD and Gamma–Gamma parameters with a seeded generator, so a fit can
// be checked against the truth it came from.
import type { BgNbdParams } from "../../../src/analytics/predictions/bgnbd.js";
import type { GammaGammaParams } from "../../../src/analytics/predictions/gamma-gamma.js";

/** mulberry32: small, fast, and the same sequence everywhere for a seed. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Gamma(shape, scale 1) by Marsaglia and Tsang, boosted for shape < 1. */
export function gammaVariate(random: () => number, shape: number): number {
  if (shape < 1) return gammaVariate(random, shape + 1) * (1 - random()) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - random();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

export interface SimulatedCustomer {
  /** Days of each purchase from the first (0), up to the age T. */
  purchaseDays: number[];
  T: number;
  x: number;
  tx: number;
}

/**
 * BG/NBD customers: λ ~ Gamma(r, rate α), p ~ Beta(a, b); purchases at Poisson(λ) times after the first,
 * and after each repeat purchase the customer drops out with probability p. Ages uniform in [minT, maxT].
 */
export function simulateBgNbd(
  params: BgNbdParams,
  customers: number,
  ages: [minT: number, maxT: number],
  seed: number,
): SimulatedCustomer[] {
  const random = seededRandom(seed);
  const out: SimulatedCustomer[] = [];
  for (let i = 0; i < customers; i++) {
    const T = ages[0] + (ages[1] - ages[0]) * random();
    const lambda = gammaVariate(random, params.r) / params.alpha;
    const ga = gammaVariate(random, params.a);
    const p = ga / (ga + gammaVariate(random, params.b));
    const purchaseDays = [0];
    let t = 0;
    for (;;) {
      t += -Math.log(1 - random()) / lambda;
      if (t > T) break;
      purchaseDays.push(t);
      if (random() < p) break;
    }
    out.push({ purchaseDays, T, x: purchaseDays.length - 1, tx: purchaseDays[purchaseDays.length - 1] });
  }
  return out;
}

/** The average of `x` purchase values under Gamma–Gamma: ν ~ Gamma(q, rate γ), each value Gamma(p, rate ν). */
export function simulateAverageValue(params: GammaGammaParams, x: number, random: () => number): number {
  const nu = gammaVariate(random, params.q) / params.gamma;
  let sum = 0;
  for (let i = 0; i < x; i++) sum += gammaVariate(random, params.p) / nu;
  return sum / x;
}
