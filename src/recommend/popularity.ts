// The fallback every recommender keeps: the products most customers bought lately, the same list for
// everyone. Also the baseline the evaluation measures models against.
import type { Interaction } from "./interactions.js";

/**
 * Products by how many distinct customers bought them in the window before `asOf`, most first; then
 * the products not bought in the window, by their buyers over all time (a quiet shop still gets a list).
 */
export function popularProducts(rows: Interaction[], asOf: number, windowDays: number): number[] {
  const since = asOf - windowDays * 86_400_000;
  const recent = new Map<number, Set<number>>();
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
  }
  const score = (p: number) => (recent.get(p)?.size ?? 0) * 1e6 + (ever.get(p)?.size ?? 0);
  return [...ever.keys()].sort((a, b) => score(b) - score(a) || a - b);
}
