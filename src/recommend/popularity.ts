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

export function popularity(rows: Interaction[], asOf: number, windowDays: number): Popularity {
  const since = asOf - windowDays * 86_400_000;
  const trendSince = asOf - TRENDING_DAYS * 86_400_000;
  const recent = new Map<number, Set<number>>();
  const now = new Map<number, Set<number>>();
  const ever = new Map<number, Set<number>>();
  const add = (map: Map<number, Set<number>>, r: Interaction) => {
    const set = map.get(r.productId);
    if (set) set.add(r.customerId);
    else map.set(r.productId, new Set([r.customerId]));
  };
  for (const r of rows) {
    if (r.kind !== "purchase" || r.at >= asOf) continue;
    add(ever, r);
    if (r.at >= since) add(recent, r);
    if (r.at >= trendSince) add(now, r);
  }
  const score = (p: number) => (recent.get(p)?.size ?? 0) * 1e6 + (ever.get(p)?.size ?? 0);
  const ranked = [...ever.keys()].sort((a, b) => score(b) - score(a) || a - b);
  return { ranked, share: relative(recent), trending: relative(now) };
}

function relative(buyers: Map<number, Set<number>>): Map<number, number> {
  let top = 0;
  for (const set of buyers.values()) top = Math.max(top, set.size);
  const out = new Map<number, number>();
  for (const [p, set] of buyers) out.set(p, set.size / top);
  return out;
}
