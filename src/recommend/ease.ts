// EASE (Steck, "Embarrassingly Shallow Autoencoders for Sparse Data", WWW 2019): a product-to-product
// weight matrix learned in closed form, B = I − P·diag(1/diag(P)) with P = (XᵀX + λI)⁻¹ and X the
// customers' weighted histories. Where item-kNN scores each pair of products on its own, EASE weighs a
// product's co-occurrences against each other (a product bought with everything says little). It needs
// a dense n × n inverse, so it is for catalogues of up to EASE_MAX_PRODUCTS (1,000) products.
import { type GiveWay, giveWayEvery } from "../core/give-way.js";
import type { IndexedVectors, Neighbours } from "./item-knn.js";
import type { SimilarityScorer } from "./scoring.js";

export interface EaseModel {
  /** Product id of each row/column. */
  ids: number[];
  index: Map<number, number>;
  /** Row-major n × n: weights[i * n + j] is what product i says about product j. */
  weights: Float64Array;
}

/**
 * Above this many products the dense inverse costs too much: n² doubles three times over and about 2n³
 * multiply-adds, a few seconds at 1,000 in JavaScript and minutes at several thousand.
 */
export const EASE_MAX_PRODUCTS = 1_000;
/** The L2 penalty: larger trusts rare co-occurrences less. */
export const EASE_LAMBDA = 50;

export async function trainEase(
  { ids, index, rowStarts, products, weights: w }: IndexedVectors,
  lambda: number,
  giveWay: GiveWay = giveWayEvery(),
): Promise<EaseModel | null> {
  const n = ids.length;
  if (n === 0 || n > EASE_MAX_PRODUCTS) return null;
  const g = new Float64Array(n * n);
  for (let row = 0; row + 1 < rowStarts.length; row++) {
    for (let a = rowStarts[row]; a < rowStarts[row + 1]; a++) {
      const base = products[a] * n;
      for (let b = rowStarts[row]; b < rowStarts[row + 1]; b++) g[base + products[b]] += w[a] * w[b];
    }
  }
  for (let i = 0; i < n; i++) g[i * n + i] += lambda;
  const p = await invertSymmetricPositive(g, n, giveWay);
  const weights = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) weights[i * n + j] = i === j ? 0 : -p[i * n + j] / p[j * n + j];
  }
  return { ids, index, weights };
}

/** Scores of every product for a customer vector (the positive ones). */
export function easeScorer(model: EaseModel): SimilarityScorer {
  return (space) => {
    const n = model.ids.length;
    const at = Int32Array.from(model.ids, (id) => space.add(id));
    const sums = new Float64Array(n);
    return (vector, into) => {
      sums.fill(0);
      for (const [productId, w] of vector) {
        const i = model.index.get(productId);
        if (i === undefined) continue;
        const row = i * n;
        for (let j = 0; j < n; j++) sums[j] += w * model.weights[row + j];
      }
      for (let j = 0; j < n; j++) if (sums[j] > 0) into.add(at[j], sums[j]);
    };
  };
}

/** Gauss–Jordan inverse of a symmetric positive definite matrix (no pivoting needed), in place of a copy. */
async function invertSymmetricPositive(
  matrix: Float64Array,
  n: number,
  giveWay: GiveWay,
): Promise<Float64Array> {
  const a = Float64Array.from(matrix);
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  for (let col = 0; col < n; col++) {
    await giveWay();
    const pivot = a[col * n + col];
    const rowA = col * n;
    for (let k = 0; k < n; k++) {
      a[rowA + k] /= pivot;
      inv[rowA + k] /= pivot;
    }
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const factor = a[r * n + col];
      if (factor === 0) continue;
      const row = r * n;
      for (let k = 0; k < n; k++) {
        a[row + k] -= factor * a[rowA + k];
        inv[row + k] -= factor * inv[rowA + k];
      }
    }
  }
  return inv;
}

/** Each product's `k` strongest positive weights, as neighbour lists (what serving stores and reads). */
export function easeNeighbours(model: EaseModel, k: number): Neighbours {
  const n = model.ids.length;
  const neighbours: Neighbours = new Map();
  for (let i = 0; i < n; i++) {
    const row: Array<{ productId: number; similarity: number }> = [];
    for (let j = 0; j < n; j++) {
      const w = model.weights[i * n + j];
      if (w > 0) row.push({ productId: model.ids[j], similarity: w });
    }
    row.sort((a, b) => b.similarity - a.similarity || a.productId - b.productId);
    neighbours.set(model.ids[i], row.slice(0, k));
  }
  return neighbours;
}
