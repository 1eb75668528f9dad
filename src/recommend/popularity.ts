// The fallback every recommender keeps: the products most customers bought lately, the same list for
// everyone. Also the baseline the evaluation measures models against.
import type { Interaction } from "./interactions.js";

export interface Popularity {
  /** Products by how many distinct customers bought them in the window, most first; then the rest by
   * their buyers over all time (a quiet shop still gets a full list). */
  ranked: number[];
  /** Buyers in the window relative to the best seller's, 0..1 (0: not bought in the window). */
  share: Map<number, number>;
  /** The same over the last TRENDING_DAYS: what is selling now. */
  trending: Map<number, number>;
}

export const TRENDING_DAYS = 30;

/**
 * Counts, customer by customer, the distinct buyers of each product over all time, in the window and
 * in the trending window: counts per product, not sets of customers, so it costs the catalogue's size.
 */
export class PopularityCounter {
  private readonly ever = new Map<number, number>();
  private readonly recent = new Map<number, number>();
  private readonly now = new Map<number, number>();
  private readonly since: number;
  private readonly trendSince: number;

  constructor(
    private readonly asOf: number,
    windowDays: number,
  ) {
    this.since = asOf - windowDays * 86_400_000;
    this.trendSince = asOf - TRENDING_DAYS * 86_400_000;
  }

  /** One customer's history. */
  add(history: Interaction[]): void {
    // Per product bought: 1 ever, 2 in the window, 4 in the trending window.
    const bought = new Map<number, number>();
    for (const r of history) {
      if (r.kind !== "purchase" || r.at >= this.asOf) continue;
      const flags = 1 | (r.at >= this.since ? 2 : 0) | (r.at >= this.trendSince ? 4 : 0);
      bought.set(r.productId, (bought.get(r.productId) ?? 0) | flags);
    }
    for (const [p, flags] of bought) {
      increment(this.ever, p);
      if (flags & 2) increment(this.recent, p);
      if (flags & 4) increment(this.now, p);
    }
  }

  result(): Popularity {
    const score = (p: number) => (this.recent.get(p) ?? 0) * 1e6 + (this.ever.get(p) ?? 0);
    const ranked = [...this.ever.keys()].sort((a, b) => score(b) - score(a) || a - b);
    return { ranked, share: relative(this.recent), trending: relative(this.now) };
  }
}

export function popularity(histories: Iterable<Interaction[]>, asOf: number, windowDays: number): Popularity {
  const counter = new PopularityCounter(asOf, windowDays);
  for (const history of histories) counter.add(history);
  return counter.result();
}

function increment(counts: Map<number, number>, key: number): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function relative(buyers: Map<number, number>): Map<number, number> {
  let top = 0;
  for (const n of buyers.values()) top = Math.max(top, n);
  const out = new Map<number, number>();
  for (const [p, n] of buyers) out.set(p, n / top);
  return out;
}
