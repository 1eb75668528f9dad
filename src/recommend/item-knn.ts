// Item-to-item similarity (item-kNN): two products are alike when the same customers bought, carted,
// favourited or viewed both. Each customer is a vector over products, an interaction adding its kind's
// weight times a time decay (recent behaviour says more about what comes next); similarity is the
// cosine between products' customer columns. Only each product's strongest neighbours are kept.
import { type GiveWay, giveWayEvery } from "../core/give-way.js";
import { DenseIds } from "./dense-ids.js";
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

/**
 * Every customer's weighted vector over dense product indices, what item-kNN and EASE both train on, as
 * one sparse matrix (compressed rows: customer c's entries are at rowStarts[c] … rowStarts[c + 1] − 1).
 */
export interface IndexedVectors {
  /** Product id of each index. */
  ids: number[];
  index: Map<number, number>;
  rowStarts: Int32Array;
  products: Int32Array;
  weights: Float64Array;
}

/** Builds IndexedVectors customer by customer. */
export class VectorIndexer {
  private readonly products = new DenseIds();
  private rowStarts = new Int32Array(1_024);
  private entryProducts = new Int32Array(16_384);
  private weights = new Float64Array(16_384);
  private rows = 0;
  private entries = 0;

  constructor(
    private readonly asOf: number,
    private readonly options: ItemKnnOptions,
  ) {}

  /** One customer's history. */
  add(history: Interaction[]): void {
    const vector = customerVector(history, this.asOf, this.options);
    if (this.rows + 2 > this.rowStarts.length) this.rowStarts = grown(this.rowStarts, this.rows * 2);
    if (this.entries + vector.size > this.entryProducts.length) {
      const size = Math.max(this.entryProducts.length * 2, this.entries + vector.size);
      this.entryProducts = grown(this.entryProducts, size);
      this.weights = grown(this.weights, size);
    }
    for (const [productId, w] of vector) {
      this.entryProducts[this.entries] = this.products.add(productId);
      this.weights[this.entries++] = w;
    }
    this.rowStarts[++this.rows] = this.entries;
  }

  result(): IndexedVectors {
    return {
      ids: this.products.ids,
      index: this.products.index,
      rowStarts: this.rowStarts.slice(0, this.rows + 1),
      products: this.entryProducts.slice(0, this.entries),
      weights: this.weights.slice(0, this.entries),
    };
  }
}

function grown<T extends Int32Array | Float64Array>(array: T, size: number): T {
  const bigger = new (array.constructor as new (n: number) => T)(size);
  bigger.set(array);
  return bigger;
}

export function indexVectors(
  histories: Iterable<Interaction[]>,
  asOf: number,
  options: ItemKnnOptions = DEFAULT_KNN_OPTIONS,
): IndexedVectors {
  const indexer = new VectorIndexer(asOf, options);
  for (const history of histories) indexer.add(history);
  return indexer.result();
}

/**
 * Cosine similarity between products' customer columns, product by product: the customers who have
 * product i (its column) each add w_i · w_j for their other products j into one dense row of dot
 * products, whose strongest entries are kept. Work is Σ over customers of (products per customer)²,
 * memory one row of the catalogue; no table of all pairs is ever held.
 */
export async function trainItemKnn(
  { ids, rowStarts, products, weights }: IndexedVectors,
  options: ItemKnnOptions = DEFAULT_KNN_OPTIONS,
  giveWay: GiveWay = giveWayEvery(),
): Promise<Neighbours> {
  const n = ids.length;
  const norms = new Float64Array(n);
  for (let k = 0; k < products.length; k++) norms[products[k]] += weights[k] * weights[k];
  const columns = await transpose(rowStarts, products, n, giveWay);
  const dots = new Float64Array(n);
  const touched = new Int32Array(n);
  // seen[j] === i + 1: product j already has a dot product with product i.
  const seen = new Int32Array(n);
  const top = new TopK(options.neighbours);
  const neighbours: Neighbours = new Map();
  for (let i = 0; i < n; i++) {
    // A best seller's row alone can take tens of milliseconds (every customer who has it).
    await giveWay();
    let count = 0;
    for (let k = columns.starts[i]; k < columns.starts[i + 1]; k++) {
      const entry = columns.entries[k];
      const row = columns.rows[k];
      const wi = weights[entry];
      for (let e = rowStarts[row]; e < rowStarts[row + 1]; e++) {
        const j = products[e];
        if (j === i) continue;
        if (seen[j] !== i + 1) {
          seen[j] = i + 1;
          touched[count++] = j;
        }
        dots[j] += wi * weights[e];
      }
    }
    top.clear();
    for (let t = 0; t < count; t++) {
      const j = touched[t];
      top.offer(ids[j], dots[j] / Math.sqrt(norms[i] * norms[j]));
      dots[j] = 0;
    }
    neighbours.set(ids[i], top.sorted());
  }
  return neighbours;
}

/** For each product, the customers (rows) that have it and where its entry sits in their row. */
export async function transpose(
  rowStarts: Int32Array,
  products: Int32Array,
  n: number,
  giveWay: GiveWay = giveWayEvery(),
) {
  const starts = new Int32Array(n + 1);
  for (let k = 0; k < products.length; k++) starts[products[k] + 1]++;
  for (let i = 0; i < n; i++) starts[i + 1] += starts[i];
  await giveWay();
  const next = starts.slice(0, n);
  const rows = new Int32Array(products.length);
  const entries = new Int32Array(products.length);
  // Scattered writes over tens of millions of entries: give way between batches of customers.
  for (let row = 0; row + 1 < rowStarts.length; row++) {
    for (let e = rowStarts[row]; e < rowStarts[row + 1]; e++) {
      const at = next[products[e]]++;
      rows[at] = row;
      entries[at] = e;
    }
    if (row % 4096 === 0) await giveWay();
  }
  return { starts, rows, entries };
}

/** The k best (highest similarity, then lowest product id) of the products offered. */
class TopK {
  private items: Array<{ productId: number; similarity: number }> = [];

  constructor(private readonly k: number) {}

  clear(): void {
    this.items = [];
  }

  offer(productId: number, similarity: number): void {
    const items = this.items;
    if (items.length === this.k) {
      const last = items[items.length - 1];
      if (similarity < last.similarity || (similarity === last.similarity && productId > last.productId))
        return;
      items.pop();
    }
    // Insertion keeps the list sorted; once it is full, few offers get this far.
    let at = items.length;
    while (
      at > 0 &&
      (items[at - 1].similarity < similarity ||
        (items[at - 1].similarity === similarity && items[at - 1].productId > productId))
    ) {
      at--;
    }
    items.splice(at, 0, { productId, similarity });
  }

  sorted(): Array<{ productId: number; similarity: number }> {
    return this.items;
  }
}
