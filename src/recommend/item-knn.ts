// Item-to-item similarity (item-kNN): two products are alike when the same customers bought, carted,
// favourited or viewed both. Each customer is a vector over products, an interaction adding its kind's
// weight times a time decay (recent behaviour says more about what comes next); similarity is the
// cosine between products' customer columns. Only each product's strongest neighbours are kept.
import type { Interaction, InteractionKind } from "./interactions.js";

export interface ItemKnnOptions {
  /** An interaction this many days before the model's moment weighs half as much as a fresh one. */
  halfLifeDays: number;
  /** Neighbours kept per product. */
  neighbours: number;
  /** A customer's most recent distinct products taken into the pair counts (bounds the work). */
  maxProductsPerCustomer: number;
  kindWeights: Record<InteractionKind, number>;
}

export const DEFAULT_KNN_OPTIONS: ItemKnnOptions = {
  halfLifeDays: 180,
  neighbours: 50,
  maxProductsPerCustomer: 60,
  kindWeights: { purchase: 1, cart: 0.5, favourite: 0.5, view: 0.15 },
};

export type Neighbours = Map<number, Array<{ productId: number; similarity: number }>>;

/** A customer's products and their weights at `asOf`, the strongest `max` of them. */
export function customerVector(
  rows: Interaction[],
  asOf: number,
  options: ItemKnnOptions,
  max = options.maxProductsPerCustomer,
): Map<number, number> {
  const lambda = Math.LN2 / (options.halfLifeDays * 86_400_000);
  const weights = new Map<number, number>();
  for (const r of rows) {
    if (r.at >= asOf) continue;
    const w = options.kindWeights[r.kind] * Math.exp(-lambda * (asOf - r.at));
    weights.set(r.productId, (weights.get(r.productId) ?? 0) + w);
  }
  if (weights.size <= max) return weights;
  return new Map([...weights].sort((a, b) => b[1] - a[1]).slice(0, max));
}

/** Every customer's weighted vector over dense product indices: what item-kNN and EASE both train on. */
export interface IndexedVectors {
  /** Product id of each index. */
  ids: number[];
  index: Map<number, number>;
  /** Per customer: [product index, weight] pairs. */
  vectors: Array<Array<[number, number]>>;
}

export function indexVectors(
  histories: Map<number, Interaction[]>,
  asOf: number,
  options: ItemKnnOptions = DEFAULT_KNN_OPTIONS,
): IndexedVectors {
  const index = new Map<number, number>();
  const ids: number[] = [];
  const vectors: Array<Array<[number, number]>> = [];
  for (const rows of histories.values()) {
    const entries: Array<[number, number]> = [];
    for (const [productId, w] of customerVector(rows, asOf, options)) {
      let i = index.get(productId);
      if (i === undefined) {
        i = ids.length;
        index.set(productId, i);
        ids.push(productId);
      }
      entries.push([i, w]);
    }
    vectors.push(entries);
  }
  return { ids, index, vectors };
}

export function trainItemKnn(
  { ids, vectors }: IndexedVectors,
  options: ItemKnnOptions = DEFAULT_KNN_OPTIONS,
): Neighbours {
  const norms = new Float64Array(ids.length);
  // Pairs keyed by one number: i * 2^20 + j, i < j.
  const dots = new Map<number, number>();
  for (const entries of vectors) {
    for (const [i, w] of entries) norms[i] += w * w;
    for (let a = 0; a < entries.length; a++) {
      for (let b = a + 1; b < entries.length; b++) {
        const [i, wi] = entries[a];
        const [j, wj] = entries[b];
        const key = i < j ? i * 1_048_576 + j : j * 1_048_576 + i;
        dots.set(key, (dots.get(key) ?? 0) + wi * wj);
      }
    }
  }
  const lists: Array<Array<{ productId: number; similarity: number }>> = ids.map(() => []);
  for (const [key, dot] of dots) {
    const i = Math.floor(key / 1_048_576);
    const j = key % 1_048_576;
    const similarity = dot / Math.sqrt(norms[i] * norms[j]);
    lists[i].push({ productId: ids[j], similarity });
    lists[j].push({ productId: ids[i], similarity });
  }
  const neighbours: Neighbours = new Map();
  for (const [i, list] of lists.entries()) {
    list.sort((a, b) => b.similarity - a.similarity || a.productId - b.productId);
    neighbours.set(ids[i], list.slice(0, options.neighbours));
  }
  return neighbours;
}
