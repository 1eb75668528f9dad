// The model mathematics against published numbers: given the CDNOW sample summarised as Fader, Hardie
// and Lee did, the BG/NBD likelihood at their estimates is theirs, our fit lands on their estimates,
// and the expectations and the Gamma–Gamma spend fit match the published and `lifetimes` values.
import { describe, expect, it } from "vitest";
import {
  bgnbdData,
  bgnbdLogLikelihood,
  bgnbdTotalLogLikelihood,
  conditionalExpectedPurchases,
  expectedPurchases,
  fitBgNbd,
  medianTimeToNextPurchase,
  probabilityAlive,
  probabilityOfPurchaseWithin,
} from "../../../src/analytics/predictions/bgnbd.js";
import {
  conditionalExpectedAverageValue,
  fitGammaGamma,
  gammaGammaData,
  meanValue,
} from "../../../src/analytics/predictions/gamma-gamma.js";
import { hyp2f1, lnGamma } from "../../../src/analytics/predictions/special.js";
import {
  PUBLISHED_BGNBD,
  PUBLISHED_CONDITIONAL,
  PUBLISHED_EXPECTATIONS,
  PUBLISHED_GAMMA_GAMMA,
  sampleCalibrationSummaries,
} from "./cdnow-reference.js";

describe("special functions", () => {
  it("log-gamma matches factorials and Γ(1/2) = √π", () => {
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    expect(lnGamma(1)).toBeCloseTo(0, 13);
    let logFactorial = 0;
    for (let n = 1; n <= 170; n++) {
      logFactorial += Math.log(n);
      expect(lnGamma(n + 1)).toBeCloseTo(logFactorial, 9);
    }
    expect(lnGamma(1e-8)).toBeCloseTo(-Math.log(1e-8), 6); // Γ(ε) ≈ 1/ε
  });

  it("2F1 matches its closed forms", () => {
    for (const z of [0, 0.1, 0.5, 0.9, 0.99]) {
      // 2F1(1, 1; 2; z) = −ln(1 − z)/z and 2F1(a, b; b; z) = (1 − z)^−a
      expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(z === 0 ? 1 : -Math.log1p(-z) / z, 10);
      expect(hyp2f1(0.7, 2.5, 2.5, z)).toBeCloseTo((1 - z) ** -0.7, 10);
      // 2F1(1/2, 1; 3/2; −x²)… on z = x²: 2F1(1/2, 1; 3/2; x²) = artanh(x)/x
      const x = Math.sqrt(z);
      expect(hyp2f1(0.5, 1, 1.5, z)).toBeCloseTo(z === 0 ? 1 : Math.atanh(x) / x, 10);
    }
    expect(hyp2f1(-3, 2, 1.5, 0.4)).toBeCloseTo(
      1 -
        (3 * 2 * 0.4) / 1.5 +
        (3 * 2 * 3 * 0.16) / (1.5 * 2.5) -
        ((3 * 2 * 4 * 3 * 2 * 0.064) / (1.5 * 2.5 * 3.5 * 6)) * 1,
      12,
    );
  });
});

describe("BG/NBD on the CDNOW sample (Fader, Hardie and Lee 2005)", () => {
  const sample = sampleCalibrationSummaries();
  const data = bgnbdData(sample);

  it("the sample is the published one: 2,357 customers, 1,411 without a repeat purchase", () => {
    expect(sample.length).toBe(2357);
    expect(sample.filter((c) => c.x === 0).length).toBe(1411);
    expect(sample.reduce((n, c) => n + c.x, 0)).toBe(2457);
    expect(sample[0]).toMatchObject({ x: 2 }); // customer 0001 of the sample: x = 2, tx = 30.43, T = 38.86
    expect(sample[0].tx).toBeCloseTo(30.43, 2);
    expect(sample[0].T).toBeCloseTo(38.86, 2);
  });

  it("the log-likelihood at the published estimates is the published −9582.4", () => {
    expect(bgnbdTotalLogLikelihood(PUBLISHED_BGNBD, data)).toBeCloseTo(PUBLISHED_BGNBD.logLikelihood, 1);
    // Folding identical histories into weights changes nothing.
    const one = bgnbdLogLikelihood(PUBLISHED_BGNBD, { x: 0, tx: 0, T: 38.86 });
    const folded = bgnbdTotalLogLikelihood(PUBLISHED_BGNBD, bgnbdData([{ x: 0, tx: 0, T: 38.86, count: 5 }]));
    expect(folded).toBeCloseTo(5 * one, 10);
  });

  const fit = fitBgNbd(data);
  it("the fit converges on the published estimates", () => {
    console.log("BG/NBD on the CDNOW sample (weeks):", fit.params, "LL", fit.logLikelihood);
    expect(fit.converged).toBe(true);
    expect(fit.params.r).toBeCloseTo(PUBLISHED_BGNBD.r, 3);
    expect(fit.params.alpha).toBeCloseTo(PUBLISHED_BGNBD.alpha, 2);
    expect(fit.params.a).toBeCloseTo(PUBLISHED_BGNBD.a, 3);
    expect(fit.params.b).toBeCloseTo(PUBLISHED_BGNBD.b, 2);
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(bgnbdTotalLogLikelihood(PUBLISHED_BGNBD, data));
    // From far-off starts the same optimum: the fit does not depend on luck.
    const scaled = fitBgNbd(bgnbdData(sample.map((c) => ({ ...c, tx: c.tx * 7, T: c.T * 7 }))));
    expect(scaled.params.r).toBeCloseTo(fit.params.r, 4);
    expect(scaled.params.alpha / 7).toBeCloseTo(fit.params.alpha, 3);
    expect(scaled.params.b).toBeCloseTo(fit.params.b, 3);
  });

  it("expected purchases of a new customer match the Excel note", () => {
    for (const [weeks, purchases] of PUBLISHED_EXPECTATIONS) {
      expect(Math.abs(expectedPurchases(fit.params, weeks) - purchases), `t = ${weeks}`).toBeLessThan(0.0015);
    }
  });

  it("conditional expectation and P(alive) match the published customer", () => {
    const { t, x, tx, T, expected } = PUBLISHED_CONDITIONAL;
    expect(conditionalExpectedPurchases(fit.params, t, { x, tx, T })).toBeCloseTo(expected, 3);
    // P(alive) = 1 / (1 + a/(b+x−1) · ((α+T)/(α+tx))^(r+x)) by hand at the published estimates.
    const { r, alpha, a, b } = PUBLISHED_BGNBD;
    const byHand = 1 / (1 + (a / (b + x - 1)) * ((alpha + T) / (alpha + tx)) ** (r + x));
    expect(probabilityAlive(PUBLISHED_BGNBD, { x, tx, T })).toBeCloseTo(byHand, 12);
    expect(byHand).toBeCloseTo(0.7266, 4);
    // A one-time buyer has had no chance to drop out; everyone is between 0 and 1.
    expect(probabilityAlive(fit.params, { x: 0, tx: 0, T: 10 })).toBe(1);
    for (let xx = 1; xx < 100; xx += 10) {
      for (let last = 0; last < 100; last += 10) {
        for (let age = last; age < 100; age += 10) {
          const p = probabilityAlive(fit.params, { x: xx, tx: last, T: age });
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(1);
        }
      }
    }
  });

  it("the median wait is where half of such customers have bought again", () => {
    const history = { x: 2, tx: 30.43, T: 38.86 };
    const wait = medianTimeToNextPurchase(fit.params, history)!;
    expect(probabilityOfPurchaseWithin(fit.params, wait, history)).toBeCloseTo(0.5, 10);
    // A customer silent for long after a busy start is more likely gone than not: no date.
    expect(medianTimeToNextPurchase(fit.params, { x: 10, tx: 5, T: 38 })).toBeNull();
  });
});

describe("Gamma–Gamma on the CDNOW sample (Fader and Hardie 2013)", () => {
  const sample = sampleCalibrationSummaries();
  const data = gammaGammaData(sample.map((c) => ({ x: c.x, average: c.repeatAverage })));

  it("fits the published p, q and γ on the 946 repeat customers", () => {
    const fit = fitGammaGamma(data);
    console.log("Gamma–Gamma on the CDNOW sample (dollars):", fit.params, "LL", fit.logLikelihood);
    expect(fit.customers).toBe(PUBLISHED_GAMMA_GAMMA.customers);
    expect(fit.params.p).toBeCloseTo(PUBLISHED_GAMMA_GAMMA.p, 2);
    expect(fit.params.q).toBeCloseTo(PUBLISHED_GAMMA_GAMMA.q, 2);
    expect(fit.params.gamma).toBeCloseTo(PUBLISHED_GAMMA_GAMMA.gamma, 1);
    // The conditional mean is a weighted average of the population mean and the customer's own.
    const population = meanValue(fit.params)!;
    const mine = conditionalExpectedAverageValue(fit.params, { x: 4, average: 60 });
    expect(mine).toBeGreaterThan(population);
    expect(mine).toBeLessThan(60);
    expect(conditionalExpectedAverageValue(fit.params, { x: 0, average: 0 })).toBeCloseTo(population, 10);
  });
});
