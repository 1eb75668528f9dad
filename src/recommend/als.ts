// Implicit-feedback matrix factorisation (Hu, Koren & Volinsky, "Collaborative Filtering for Implicit
// Feedback Datasets", ICDM 2008): customers and products get f-dimensional factors such that x_u · y_i
// predicts whether u interacted with i, each observed interaction counting with confidence
// 1 + α·weight and everything unobserved as a weak "no". Alternating least squares, each customer's and
// product's system solved approximately by a few conjugate-gradient steps from the last solution
// (Takács, Pilászy & Tikk, RecSys 2011), which keeps an iteration linear in the interactions.
// Compared with item-kNN and EASE in the evaluation; too slow in JavaScript for the largest shops.
import { type GiveWay, giveWayEvery } from "../core/give-way.js";
import { type IndexedVectors, transpose } from "./item-knn.js";
import type { SimilarityScorer } from "./scoring.js";

export interface AlsOptions {
  factors: number;
  /** L2 penalty on every factor. */
  regularization: number;
  /** Confidence per unit of interaction weight (a purchase is 1, a view 0.15). */
  alpha: number;
  iterations: number;
  /** Conjugate-gradient steps per system per iteration. */
  cgSteps: number;
}

export const DEFAULT_ALS_OPTIONS: AlsOptions = {
  factors: 32,
  regularization: 0.1,
  alpha: 20,
  iterations: 12,
  cgSteps: 3,
};

/**
 * ALS is trained for shops up to these sizes. Training costs about customers × factors² per iteration,
 * and serving scores every product for every customer (customers × products × factors): at 200,000
 * customers and 20,000 products that is 10¹¹ multiply-adds per list pass, minutes in JavaScript. Larger
 * shops choose between item-kNN and EASE.
 */
export const ALS_MAX_CUSTOMERS = 200_000;
export const ALS_MAX_PRODUCTS = 5_000;

export interface AlsModel {
  ids: number[];
  index: Map<number, number>;
  /** Row-major products × factors. */
  itemFactors: Float64Array;
  options: AlsOptions;
}

export async function trainAls(
  vectors: IndexedVectors,
  options: AlsOptions = DEFAULT_ALS_OPTIONS,
  giveWay: GiveWay = giveWayEvery(),
): Promise<AlsModel | null> {
  const { ids, index, rowStarts, products, weights } = vectors;
  const customers = rowStarts.length - 1;
  if (ids.length === 0 || customers > ALS_MAX_CUSTOMERS || ids.length > ALS_MAX_PRODUCTS) return null;
  const f = options.factors;
  const x = new Float64Array(customers * f);
  const y = new Float64Array(ids.length * f);
  // Small deterministic starting values (the same history always trains the same model) from a generator
  // of good quality (mulberry32): a plain LCG's successive draws were correlated enough to start the
  // factors nearly parallel, and two clearly separate groups of customers then never came apart.
  let seed = 42;
  const next = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) / 4_294_967_296 - 0.5) * 0.02;
  };
  for (let k = 0; k < y.length; k++) y[k] = next();
  const columns = await transpose(rowStarts, products, ids.length, giveWay);
  const solver = new ConjugateGradient(f, options);
  for (let iteration = 0; iteration < options.iterations; iteration++) {
    solver.prepare(y, ids.length);
    for (let u = 0; u < customers; u++) {
      solver.solve(x, u, y, (visit) => {
        for (let e = rowStarts[u]; e < rowStarts[u + 1]; e++) visit(products[e], weights[e]);
      });
      if (u % 1024 === 0) await giveWay();
    }
    solver.prepare(x, customers);
    for (let i = 0; i < ids.length; i++) {
      solver.solve(y, i, x, (visit) => {
        for (let k = columns.starts[i]; k < columns.starts[i + 1]; k++) {
          visit(columns.rows[k], weights[columns.entries[k]]);
        }
      });
      if (i % 1024 === 0) await giveWay();
    }
  }
  return { ids, index, itemFactors: y, options };
}

/** Folds a customer's weighted history into factors and scores every product by x · y_i (the positive). */
export function alsScorer(model: AlsModel): SimilarityScorer {
  return (space) => {
    const f = model.options.factors;
    const at = Int32Array.from(model.ids, (id) => space.add(id));
    // A customer's fold-in starts from zero, so it gets more steps than a warm-started training update.
    const solver = new ConjugateGradient(f, { ...model.options, cgSteps: f });
    solver.prepare(model.itemFactors, model.ids.length);
    const x = new Float64Array(f);
    return (vector, into) => {
      x.fill(0);
      solver.solve(x, 0, model.itemFactors, (visit) => {
        for (const [productId, w] of vector) {
          const i = model.index.get(productId);
          if (i !== undefined) visit(i, w);
        }
      });
      for (let i = 0; i < model.ids.length; i++) {
        let s = 0;
        for (let k = 0; k < f; k++) s += x[k] * model.itemFactors[i * f + k];
        if (s > 0) into.add(at[i], s);
      }
    };
  };
}

/**
 * Solves (YᵀY + Yᵀ(C − I)Y + λI) x = YᵀCp for one row of factors, where Y are the other side's factors,
 * C the confidences of the row's interactions and p their preferences (1).
 */
class ConjugateGradient {
  private gram: Float64Array;
  private readonly r: Float64Array;
  private readonly p: Float64Array;
  private readonly ap: Float64Array;
  private readonly xRow: Float64Array;

  constructor(
    private readonly f: number,
    private readonly options: AlsOptions,
  ) {
    this.gram = new Float64Array(f * f);
    this.r = new Float64Array(f);
    this.p = new Float64Array(f);
    this.ap = new Float64Array(f);
    this.xRow = new Float64Array(f);
  }

  /** YᵀY + λI for the other side's factors (n rows). */
  prepare(other: Float64Array, n: number): void {
    const f = this.f;
    const gram = new Float64Array(f * f);
    for (let row = 0; row < n; row++) {
      const base = row * f;
      for (let a = 0; a < f; a++) {
        const va = other[base + a];
        if (va === 0) continue;
        for (let b = 0; b < f; b++) gram[a * f + b] += va * other[base + b];
      }
    }
    for (let a = 0; a < f; a++) gram[a * f + a] += this.options.regularization;
    this.gram = gram;
  }

  /** Improves row `row` of `target` in place; `entries` visits the row's (other index, weight) pairs. */
  solve(
    target: Float64Array,
    row: number,
    other: Float64Array,
    entries: (visit: (j: number, weight: number) => void) => void,
  ): void {
    const { f, r, p, ap, xRow } = this;
    const alpha = this.options.alpha;
    const base = row * f;
    for (let k = 0; k < f; k++) xRow[k] = target[base + k];
    // r = b − A x, with b = Σ c_j y_j.
    this.multiply(xRow, r, other, entries);
    for (let k = 0; k < f; k++) r[k] = -r[k];
    entries((j, w) => {
      const c = 1 + alpha * w;
      for (let k = 0; k < f; k++) r[k] += c * other[j * f + k];
    });
    p.set(r);
    let rsOld = dot(r, r, f);
    for (let step = 0; step < this.options.cgSteps && rsOld > 1e-12; step++) {
      this.multiply(p, ap, other, entries);
      const a = rsOld / dot(p, ap, f);
      for (let k = 0; k < f; k++) {
        xRow[k] += a * p[k];
        r[k] -= a * ap[k];
      }
      const rsNew = dot(r, r, f);
      for (let k = 0; k < f; k++) p[k] = r[k] + (rsNew / rsOld) * p[k];
      rsOld = rsNew;
    }
    for (let k = 0; k < f; k++) target[base + k] = xRow[k];
  }

  /** out = A v = (YᵀY + λI) v + Σ (c_j − 1)(y_j · v) y_j. */
  private multiply(
    v: Float64Array,
    out: Float64Array,
    other: Float64Array,
    entries: (visit: (j: number, weight: number) => void) => void,
  ): void {
    const { f, gram } = this;
    for (let a = 0; a < f; a++) {
      let s = 0;
      for (let b = 0; b < f; b++) s += gram[a * f + b] * v[b];
      out[a] = s;
    }
    const alpha = this.options.alpha;
    entries((j, w) => {
      let yv = 0;
      for (let k = 0; k < f; k++) yv += other[j * f + k] * v[k];
      const scale = alpha * w * yv;
      for (let k = 0; k < f; k++) out[k] += scale * other[j * f + k];
    });
  }
}

function dot(a: Float64Array, b: Float64Array, n: number): number {
  let s = 0;
  for (let k = 0; k < n; k++) s += a[k] * b[k];
  return s;
}
