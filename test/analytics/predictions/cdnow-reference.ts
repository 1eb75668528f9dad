// The published CDNOW figures the prediction tests compare against, and the calibration summaries of
// the published 1/10 sample computed straight from the raw file, independently of the import and the
// metrics job, the way Fader, Hardie and Lee built them: purchases on one day merged into one
// transaction, 39 weekly periods from 1997-01-01 to 1997-09-30, times in weeks.
import { readFileSync } from "node:fs";
import { CDNOW } from "../../imports/support.js";
import { CDNOW_SAMPLE_IDS } from "./cdnow-sample.js";

/**
 * BG/NBD on the 2,357-customer sample, calibration weeks 1–39: Fader, Hardie and Lee (2005), Marketing
 * Science 24(2), section 7 (also the `lifetimes` test suite: r 0.243, α 4.414, a 0.793, b 2.426); the
 * log-likelihood −9582.4 is theirs too.
 */
export const PUBLISHED_BGNBD = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426, logLikelihood: -9582.4 };

/**
 * Gamma–Gamma on the 946 sample customers with a repeat purchase in the calibration period, on the
 * average value of their repeat transactions in dollars: Fader and Hardie, "The Gamma-Gamma Model of
 * Monetary Value" (2013); `lifetimes` checks the same p 6.25, q 3.74, γ (its v) 15.44.
 */
export const PUBLISHED_GAMMA_GAMMA = { p: 6.25, q: 3.74, gamma: 15.44, customers: 946 };

/**
 * From the Excel implementation note (Fader, Hardie and Lee 2005, "Implementing the BG/NBD model for
 * customer base analysis in Excel", checked by `lifetimes` too): E[X(t)] for a new customer at t weeks,
 * and E[Y(39) | x = 2, tx = 30.43, T = 38.86] = 1.226.
 */
export const PUBLISHED_EXPECTATIONS: Array<[weeks: number, purchases: number]> = [
  [0.1429, 0.0078],
  [1, 0.0532],
  [3, 0.1506],
  [31.8571, 1.0405],
  [32, 1.0437],
  [78, 1.8576],
];
export const PUBLISHED_CONDITIONAL = { t: 39, x: 2, tx: 30.43, T: 38.86, expected: 1.226 };

export const CALIBRATION_END = "1997-09-30";
/** The calibration end as a moment: midnight in New York, where the import places CDNOW's dates. */
export const CALIBRATION_AS_OF = new Date("1997-09-30T04:00:00.000Z");

export interface SampleCustomer {
  id: number;
  x: number;
  tx: number;
  T: number;
  /** Average dollars of a repeat purchase day in the calibration period (0 without one). */
  repeatAverage: number;
}

const dayNumber = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

/** The sample's calibration summaries, in weeks, from CDNOW_master.csv. */
export function sampleCalibrationSummaries(): SampleCustomer[] {
  const wanted = new Set(CDNOW_SAMPLE_IDS);
  const spendByDay = new Map<number, Map<number, number>>();
  const end = dayNumber(CALIBRATION_END);
  for (const line of readFileSync(CDNOW, "utf8").trim().split(/\r?\n/).slice(1)) {
    const [customer, date, , amount] = line.split(",");
    const id = Number(customer);
    const day = dayNumber(date);
    if (!wanted.has(id) || day > end) continue;
    const days = spendByDay.get(id) ?? new Map<number, number>();
    days.set(day, (days.get(day) ?? 0) + Number(amount));
    spendByDay.set(id, days);
  }
  return CDNOW_SAMPLE_IDS.map((id) => {
    const days = [...(spendByDay.get(id) ?? new Map()).entries()].sort((p, q) => p[0] - q[0]);
    const first = days[0][0];
    const x = days.length - 1;
    const repeat = days.slice(1).reduce((sum, [, dollars]) => sum + dollars, 0);
    return {
      id,
      x,
      tx: (days[days.length - 1][0] - first) / 7,
      T: (end - first) / 7,
      repeatAverage: x > 0 ? repeat / x : 0,
    };
  });
}
