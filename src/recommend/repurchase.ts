// Which products customers buy again, and after how long, learned from the shop's own purchases rather
// than from a consumable flag: a product counts as re-bought by how many of its buyers bought it on a
// second day, and its cycle is the median gap between one buyer's purchases of it.
import { type GiveWay, giveWayEvery } from "../core/give-way.js";
import type { Interaction } from "./interactions.js";

const DAY_MS = 86_400_000;

export interface RepurchaseProfile {
  /** Share of the product's buyers who bought it again on another day (smoothed towards 0). */
  rate: number;
  /** Median days between a buyer's purchases of it; null when nobody re-bought it. */
  cycleDays: number | null;
  /**
   * How much the time since the last purchase says, 0..1: 1 when buyers re-buy it like clockwork (a
   * 30-day supplement), 0 when their gaps scatter as chance would (a favourite bought whenever they
   * order): then it is as likely tomorrow as next month. Missing: timing is assumed to matter.
   */
  regularity?: number;
  buyers: number;
}

/** Buyers it takes before a product's own re-purchase rate is believed over "not re-bought". */
const PRIOR_BUYERS = 5;

/** Log gaps it takes (beyond each buyer's first) before a product's regularity is believed. */
const MIN_SCATTER_DF = 5;
/**
 * The spread of log gaps between purchases made at random (exponential gaps: π/√6 ≈ 1.28) and of a
 * product re-bought like clockwork (gaps within about ±35%).
 */
const RANDOM_LOG_SPREAD = Math.PI / Math.sqrt(6);
const CLOCKWORK_LOG_SPREAD = 0.3;

/** 1 at or below a clockwork spread, 0 at or above a random one, linear between. */
export function regularityOf(logSpread: number): number {
  const x = (RANDOM_LOG_SPREAD - logSpread) / (RANDOM_LOG_SPREAD - CLOCKWORK_LOG_SPREAD);
  return Math.min(1, Math.max(0, x));
}

/** Learns, customer by customer, who bought each product again and after how long. */
export class RepurchaseLearner {
  private readonly buyers = new Map<number, number>();
  private readonly repeaters = new Map<number, number>();
  private readonly gaps = new Map<number, number[]>();
  /** Per product, over buyers with two gaps or more: squared deviations of each log gap from the
   * buyer's own mean, and their degrees of freedom (the scatter within a buyer, not between buyers). */
  private readonly scatter = new Map<number, { squares: number; df: number }>();

  /** One customer's history, in time order. */
  add(history: Interaction[]): void {
    for (const [productId, days] of purchaseDays(history)) {
      this.buyers.set(productId, (this.buyers.get(productId) ?? 0) + 1);
      if (days.length < 2) continue;
      this.repeaters.set(productId, (this.repeaters.get(productId) ?? 0) + 1);
      const gaps = gapsOf(days);
      const list = this.gaps.get(productId);
      if (list) list.push(...gaps);
      else this.gaps.set(productId, gaps);
      if (gaps.length < 2) continue;
      const logs = gaps.map(Math.log);
      const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
      const s = this.scatter.get(productId) ?? { squares: 0, df: 0 };
      for (const l of logs) s.squares += (l - mean) ** 2;
      s.df += logs.length - 1;
      this.scatter.set(productId, s);
    }
  }

  /** The profiles; medians sort every product's gaps (millions in a large shop), a turn at a time. */
  async result(giveWay: GiveWay = giveWayEvery()): Promise<Map<number, RepurchaseProfile>> {
    const profiles = new Map<number, RepurchaseProfile>();
    for (const [productId, n] of this.buyers) {
      await giveWay();
      const list = this.gaps.get(productId);
      const scatter = this.scatter.get(productId);
      profiles.set(productId, {
        rate: (this.repeaters.get(productId) ?? 0) / (n + PRIOR_BUYERS),
        cycleDays: list ? median(list) : null,
        ...(scatter && scatter.df >= MIN_SCATTER_DF
          ? { regularity: regularityOf(Math.sqrt(scatter.squares / scatter.df)) }
          : {}),
        buyers: n,
      });
    }
    return profiles;
  }
}

export async function learnRepurchase(
  histories: Iterable<Interaction[]>,
): Promise<Map<number, RepurchaseProfile>> {
  const learner = new RepurchaseLearner();
  for (const history of histories) learner.add(history);
  return await learner.result();
}

/**
 * Per product the customer bought, the distinct days (UTC day numbers, ascending) they bought it on,
 * from purchases before `before`. The history is in time order.
 */
export function purchaseDays(
  history: Interaction[],
  before = Number.POSITIVE_INFINITY,
): Map<number, number[]> {
  const daysByProduct = new Map<number, number[]>();
  for (const r of history) {
    if (r.kind !== "purchase" || r.at >= before) continue;
    const day = Math.floor(r.at / DAY_MS);
    const days = daysByProduct.get(r.productId);
    if (!days) daysByProduct.set(r.productId, [day]);
    else if (days[days.length - 1] !== day) days.push(day);
  }
  return daysByProduct;
}

/**
 * A customer's own re-purchase habit for a product they bought on several days: their median gap is
 * its cycle, and the more days, the surer a return — (days − 1) / (days + 1): 1/3 after two days, 3/5
 * after four. Null below two days. This is what keeps a customer's own staple on their list when the
 * shop as a whole rarely re-buys it (a niche favourite: most of its buyers tried it once).
 */
export function personalRepurchase(days: number[]): { rate: number; cycleDays: number } | null {
  if (days.length < 2) return null;
  return { rate: (days.length - 1) / (days.length + 1), cycleDays: median(gapsOf(days)) };
}

/** Days between consecutive purchase days. */
function gapsOf(days: number[]): number[] {
  const gaps: number[] = [];
  for (let i = 1; i < days.length; i++) gaps.push(days[i] - days[i - 1]);
  return gaps;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * How due a re-purchase is, 0..1: highest when the time since the last purchase is about the product's
 * cycle, falling off on a log scale (half the cycle and twice the cycle score alike), near 0 just after
 * buying.
 */
export function dueness(daysSinceLast: number, cycleDays: number, regularity = 1): number {
  if (daysSinceLast <= 0 || cycleDays <= 0) return 0;
  const x = Math.log(daysSinceLast / cycleDays);
  // A product bought at random intervals is as due any day: its curve flattens towards 1.
  return regularity * Math.exp(-(x * x) / (2 * 0.6 * 0.6)) + (1 - regularity);
}
