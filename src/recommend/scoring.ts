// Scoring one customer at a time, fast enough for a million: the products a recommender can suggest get
// dense indices once, and a customer's scores go into arrays over those indices that are reused from
// customer to customer (only the products reached are visited and reset). Maps per customer, built and
// copied several times over hundreds of products, were most of a rebuild's time.
import { DenseIds } from "./dense-ids.js";
import type { Neighbours } from "./item-knn.js";

/** Product ids ↔ dense indices, shared by a recommender's parts. */
export class ProductSpace extends DenseIds {}

/** Scores over a space, for one customer at a time; `clear` forgets the last customer's in O(reached). */
export class DenseScores {
  readonly values: Float64Array;
  /** The indices scored since the last clear, in the order first scored. */
  readonly reached: Int32Array;
  count = 0;
  private readonly stamp: Int32Array;
  private round = 1;

  constructor(size: number) {
    this.values = new Float64Array(size);
    this.reached = new Int32Array(size);
    this.stamp = new Int32Array(size);
  }

  clear(): void {
    this.round++;
    this.count = 0;
  }

  has(i: number): boolean {
    return this.stamp[i] === this.round;
  }

  get(i: number): number {
    return this.stamp[i] === this.round ? this.values[i] : 0;
  }

  add(i: number, value: number): void {
    if (this.stamp[i] !== this.round) {
      this.stamp[i] = this.round;
      this.values[i] = 0;
      this.reached[this.count++] = i;
    }
    this.values[i] += value;
  }

  set(i: number, value: number): void {
    if (this.stamp[i] !== this.round) {
      this.stamp[i] = this.round;
      this.reached[this.count++] = i;
    }
    this.values[i] = value;
  }
}

/** Adds similarity scores for a customer's weighted products (product id → weight) into `into`. */
export type ScoreFn = (vector: Map<number, number>, into: DenseScores) => void;

/**
 * A similarity model (item-kNN, EASE) bound to a recommender's space: it registers the products it can
 * score, then scores by their indices.
 */
export type SimilarityScorer = (space: ProductSpace) => ScoreFn;

/** Sums each neighbour's similarity times the weight of the customer's product. */
export function knnScorer(neighbours: Neighbours): SimilarityScorer {
  return (space) => {
    const lists = new Map<number, { targets: Int32Array; similarities: Float64Array }>();
    // Plain loops: typed-array from() with a mapping callback took ~0.2 s for 20,000 products' lists,
    // in one turn of the server's event loop.
    for (const [productId, list] of neighbours) {
      const targets = new Int32Array(list.length);
      const similarities = new Float64Array(list.length);
      for (let k = 0; k < list.length; k++) {
        targets[k] = space.add(list[k].productId);
        similarities[k] = list[k].similarity;
      }
      lists.set(productId, { targets, similarities });
    }
    return (vector, into) => {
      for (const [productId, w] of vector) {
        const list = lists.get(productId);
        if (!list) continue;
        const { targets, similarities } = list;
        for (let k = 0; k < targets.length; k++) into.add(targets[k], w * similarities[k]);
      }
    };
  };
}

/**
 * The k indices reached with the highest scores (ties: lower product id first), best first, as product
 * ids, leaving out those `skip` says. A bounded heap: sorting hundreds of scores to keep 30 cost more
 * than computing them.
 */
export function bestScored(
  scores: DenseScores,
  ids: readonly number[],
  skip: (index: number) => boolean,
  k: number,
): number[] {
  // heap[0] is the worst kept: lowest score, then highest id.
  const heap: number[] = [];
  const values = scores.values;
  const worse = (a: number, b: number) =>
    values[a] < values[b] || (values[a] === values[b] && ids[a] > ids[b]);
  for (let t = 0; t < scores.count; t++) {
    const i = scores.reached[t];
    if (skip(i)) continue;
    if (heap.length < k) {
      heap.push(i);
      for (let c = heap.length - 1; c > 0; ) {
        const parent = (c - 1) >> 1;
        if (!worse(heap[c], heap[parent])) break;
        [heap[c], heap[parent]] = [heap[parent], heap[c]];
        c = parent;
      }
    } else if (k > 0 && worse(heap[0], i)) {
      heap[0] = i;
      for (let c = 0; ; ) {
        const l = 2 * c + 1;
        let m = c;
        if (l < k && worse(heap[l], heap[m])) m = l;
        if (l + 1 < k && worse(heap[l + 1], heap[m])) m = l + 1;
        if (m === c) break;
        [heap[c], heap[m]] = [heap[m], heap[c]];
        c = m;
      }
    }
  }
  return heap.sort((a, b) => values[b] - values[a] || ids[a] - ids[b]).map((i) => ids[i]);
}
