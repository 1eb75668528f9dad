// The training pieces that make a million-customer rebuild fit in time and memory must give what the
// plain definitions give: item-kNN's per-product accumulation the cosine of every pair of products'
// customer columns, and the bounded heap the top of a full sort.
import { describe, expect, it } from "vitest";
import { alsScorer, DEFAULT_ALS_OPTIONS, trainAls } from "../../src/recommend/als.js";
import type { Interaction, InteractionKind } from "../../src/recommend/interactions.js";
import {
  customerVector,
  DEFAULT_KNN_OPTIONS,
  indexVectors,
  trainItemKnn,
} from "../../src/recommend/item-knn.js";
import { bestScored, DenseScores, ProductSpace } from "../../src/recommend/scoring.js";
import { DAY } from "./support.js";

const NOW = Date.parse("2026-06-01T00:00:00.000Z");
const KINDS: InteractionKind[] = ["purchase", "cart", "favourite", "view"];

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function histories(customers: number, products: number, seed: number): Interaction[][] {
  const next = random(seed);
  return Array.from({ length: customers }, (_, c) => {
    const rows = Array.from({ length: 1 + Math.floor(next() * 12) }, () => ({
      customerId: c + 1,
      // Skewed, as catalogues are: low ids are bought far more often.
      productId: 1 + Math.floor(next() ** 2 * products),
      at: NOW - Math.floor(next() * 400) * DAY,
      kind: KINDS[Math.floor(next() * KINDS.length)],
    }));
    return rows.sort((a, b) => a.at - b.at);
  });
}

describe("item-kNN", () => {
  it("finds each product's neighbours and similarities as the cosine over every pair would", async () => {
    const all = histories(400, 60, 7);
    const neighbours = await trainItemKnn(indexVectors(all, NOW), { ...DEFAULT_KNN_OPTIONS, neighbours: 10 });

    // The definition, pair by pair.
    const columns = new Map<number, Map<number, number>>();
    for (const [c, rows] of all.entries()) {
      for (const [p, w] of customerVector(rows, NOW, DEFAULT_KNN_OPTIONS)) {
        const column = columns.get(p) ?? new Map<number, number>();
        column.set(c, w);
        columns.set(p, column);
      }
    }
    const cosine = (a: Map<number, number>, b: Map<number, number>) => {
      let dot = 0;
      for (const [c, w] of a) dot += w * (b.get(c) ?? 0);
      const norm = (m: Map<number, number>) => Math.sqrt([...m.values()].reduce((s, w) => s + w * w, 0));
      return dot / (norm(a) * norm(b));
    };
    expect(neighbours.size).toBe(columns.size);
    for (const [p, column] of columns) {
      const expected = [...columns]
        .filter(([q]) => q !== p)
        .map(([q, other]) => ({ productId: q, similarity: cosine(column, other) }))
        .filter((n) => n.similarity > 0)
        .sort((a, b) => b.similarity - a.similarity || a.productId - b.productId)
        .slice(0, 10);
      const found = neighbours.get(p)!;
      expect(found.map((n) => n.productId)).toEqual(expected.map((n) => n.productId));
      for (const [i, n] of found.entries()) expect(n.similarity).toBeCloseTo(expected[i].similarity, 12);
    }
  });
});

describe("the top of a customer's scores", () => {
  it("is what a full sort puts first, ties by product id, skipping what is excluded", () => {
    const next = random(11);
    const ids = Array.from({ length: 500 }, (_, i) => 10_000 - i * 7);
    const scores = new DenseScores(ids.length);
    for (let round = 0; round < 20; round++) {
      scores.clear();
      const reached = new Map<number, number>();
      for (let n = 0; n < 300; n++) {
        const i = Math.floor(next() * ids.length);
        // Coarse values, so ties happen.
        const value = Math.round(next() * 20) / 4;
        scores.add(i, value);
        reached.set(i, (reached.get(i) ?? 0) + value);
      }
      const skip = (i: number) => i % 5 === round % 5;
      const k = round % 3 === 0 ? 400 : 30;
      const expected = [...reached]
        .filter(([i]) => !skip(i))
        .sort((a, b) => b[1] - a[1] || ids[a[0]] - ids[b[0]])
        .slice(0, k)
        .map(([i]) => ids[i]);
      expect(bestScored(scores, ids, skip, k)).toEqual(expected);
    }
  });
});

describe("implicit ALS", () => {
  it("learns tastes: a customer who bought one product of a group is scored the group's others first", async () => {
    // Two groups of customers with products of their own (1–5 and 11–15), each buying three of them.
    const next = random(3);
    const all: Interaction[][] = [];
    for (let c = 0; c < 200; c++) {
      const group = c % 2 === 0 ? 0 : 10;
      all.push(
        [1, 2, 3].map((k) => ({
          customerId: c + 1,
          productId: group + 1 + ((Math.floor(next() * 5) + k) % 5),
          at: NOW - k * DAY,
          kind: "purchase" as const,
        })),
      );
    }
    // Two factors for two tastes: with about as many factors as products it learns each product apart.
    const model = (await trainAls(indexVectors(all, NOW), { ...DEFAULT_ALS_OPTIONS, factors: 2 }))!;
    const space = new ProductSpace();
    const score = alsScorer(model)(space);
    const scores = new DenseScores(space.size);
    score(new Map([[2, 1]]), scores);
    const ranked = bestScored(scores, space.ids, () => false, 10);
    expect(ranked.slice(0, 5).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
    for (const p of [11, 12, 13, 14, 15])
      expect(scores.get(space.indexOf(p)!)).toBeLessThan(scores.get(space.indexOf(1)!));
  });
});
