// Given customers drawn from known parameters, when the models are fitted on what those customers did,
// then the parameters come back: the estimators and the optimiser together find the truth.
import { describe, expect, it } from "vitest";
import { bgnbdData, fitBgNbd } from "../../../src/analytics/predictions/bgnbd.js";
import { fitGammaGamma, gammaGammaData, meanValue } from "../../../src/analytics/predictions/gamma-gamma.js";
import { seededRandom, simulateAverageValue, simulateBgNbd } from "./simulate.js";

const relative = (estimate: number, truth: number) => Math.abs(estimate - truth) / truth;

describe("parameter recovery from simulated customers", () => {
  // A shop in days: a purchase every couple of months while active, most customers dropping out
  // within a few purchases, observed for three months to two years.
  const truth = { r: 0.6, alpha: 40, a: 0.9, b: 2.5 };

  it("BG/NBD: 40,000 customers give r and α within 8 %, a and b within 20 %", () => {
    const customers = simulateBgNbd(truth, 40_000, [90, 730], 42);
    const fit = fitBgNbd(bgnbdData(customers));
    console.log("BG/NBD recovered:", fit.params, "from", truth);
    expect(fit.converged).toBe(true);
    expect(relative(fit.params.r, truth.r)).toBeLessThan(0.08);
    expect(relative(fit.params.alpha, truth.alpha)).toBeLessThan(0.08);
    expect(relative(fit.params.a, truth.a)).toBeLessThan(0.2);
    expect(relative(fit.params.b, truth.b)).toBeLessThan(0.2);
  });

  it("BG/NBD: a different seed and a different shop shape come back as well", () => {
    const other = { r: 0.25, alpha: 5, a: 1.6, b: 6 };
    const fit = fitBgNbd(bgnbdData(simulateBgNbd(other, 40_000, [30, 365], 7)));
    console.log("BG/NBD recovered:", fit.params, "from", other);
    expect(relative(fit.params.r, other.r)).toBeLessThan(0.08);
    expect(relative(fit.params.alpha, other.alpha)).toBeLessThan(0.1);
    expect(relative(fit.params.a, other.a)).toBeLessThan(0.25);
    expect(relative(fit.params.b, other.b)).toBeLessThan(0.25);
  });

  it("Gamma–Gamma: 30,000 repeat customers give the mean spend within 3 %, p, q and γ within 12 %", () => {
    const spend = { p: 6, q: 4, gamma: 1_500 };
    const random = seededRandom(3);
    const rows = Array.from({ length: 30_000 }, () => {
      const x = 1 + Math.floor(random() * 8);
      return { x, average: simulateAverageValue(spend, x, random) };
    });
    const fit = fitGammaGamma(gammaGammaData(rows));
    console.log("Gamma–Gamma recovered:", fit.params, "from", spend);
    // p and γ trade off against each other (their product sets the mean), so each is looser alone.
    expect(relative(meanValue(fit.params)!, meanValue(spend)!)).toBeLessThan(0.03);
    expect(relative(fit.params.p, spend.p)).toBeLessThan(0.12);
    expect(relative(fit.params.q, spend.q)).toBeLessThan(0.12);
    expect(relative(fit.params.gamma, spend.gamma)).toBeLessThan(0.12);
  });
});
