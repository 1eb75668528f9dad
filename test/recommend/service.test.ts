// Recommendations in service, through the worker and the API: tea drinkers re-buy their tea monthly,
// bought a teapot once (nobody buys a second) and half of them a cup; a crowd buys the best sellers.
// The worker trains the shop's model on its own; each customer's list then has the tea when it is due
// and the cup for those without one, never the teapot they own, nothing out of stock, and it follows
// new orders without a rebuild.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromJson } from "../../src/db/index.js";
import { upsertOrders } from "../../src/orders/index.js";
import { LIST_LENGTH, refreshRecommendations } from "../../src/recommend/index.js";
import { byCustomer, loadInteractions } from "../../src/recommend/interactions.js";
import { ADDITIVE_BLEND } from "../../src/recommend/models.js";
import { loadServingModel, rebuildRecommendations, servingRecommender } from "../../src/recommend/service.js";
import { drainJobs } from "../../src/worker/index.js";
import { createTestApp, type TestApp } from "../support/app.js";
import { DAY, orderBook } from "./support.js";

const START = "2026-06-01T00:00:00.000Z";

interface Card {
  sku: string;
  name: string;
}

describe("recommendations in service", { timeout: 60_000 }, () => {
  let t: TestApp;
  const shopId = () => t.shop.shop.id;
  const get = async (url: string) => t.app.inject({ method: "GET", url, headers: t.secret });
  const listOf = async (externalId: string) => {
    const res = await get(`/v1/customers/${externalId}/recommendations?limit=10`);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().products as Card[]).map((p) => p.sku);
  };
  const { orders, order } = orderBook(Date.parse(START));

  beforeAll(async () => {
    t = await createTestApp(START);
    for (let i = 1; i <= 20; i++) {
      const c = `T${i}`;
      order(c, 130, i <= 10 ? ["TEA-LEAF", "TEA-POT", "TEA-CUP"] : ["TEA-LEAF", "TEA-POT"]);
      order(c, 100, ["TEA-LEAF"]);
      order(c, 70, ["TEA-LEAF"]);
      order(c, 40, ["TEA-LEAF"]);
    }
    for (let i = 1; i <= 60; i++) {
      const picks = Array.from({ length: 5 }, (_, k) => `P${((i + k * 2) % 10) + 1}`);
      order(`C${i}`, 1 + (i % 60), [...new Set(picks)]);
    }
    await upsertOrders(t.testDb.db, t.clock, shopId(), "JPY", orders, "test");
    await drainJobs(t.testDb.db, t.clock);
  });
  afterAll(async () => t.close());

  it("lists the due tea and the cup for a tea drinker without one, never the teapot they own", async () => {
    const list = await listOf("T15");
    expect(list.slice(0, 3)).toContain("TEA-LEAF");
    expect(list).toContain("TEA-CUP");
    expect(list).not.toContain("TEA-POT");
    // Nobody bought a second cup: a member who has one is not offered another.
    expect(await listOf("T5")).not.toContain("TEA-CUP");
  });

  it("leaves out what is out of stock when serving, and puts it back when restocked", async () => {
    const out = await t.app.inject({
      method: "PUT",
      url: "/v1/products/TEA-CUP/stock",
      headers: t.secret,
      payload: { stock: 0 },
    });
    expect(out.statusCode, out.body).toBe(200);
    expect(await listOf("T15")).not.toContain("TEA-CUP");
    await t.app.inject({
      method: "PUT",
      url: "/v1/products/TEA-CUP/stock",
      headers: t.secret,
      payload: { stock: 5 },
    });
    expect(await listOf("T15")).toContain("TEA-CUP");
  });

  it("gives a customer with no history the best sellers", async () => {
    const created = await t.app.inject({
      method: "POST",
      url: "/v1/customers",
      headers: t.secret,
      payload: { externalId: "NEW-1", email: "new1@example.jp" },
    });
    expect(created.statusCode, created.body).toBeLessThan(300);
    const list = await listOf("NEW-1");
    expect(list).toHaveLength(10);
    expect(list.every((sku) => /^P\d+$/.test(sku))).toBe(true);
  });

  it("follows a new order without a rebuild", async () => {
    t.clock.advance(DAY);
    await upsertOrders(
      t.testDb.db,
      t.clock,
      shopId(),
      "JPY",
      [
        {
          externalId: "NEW-1-a",
          customerId: "NEW-1",
          orderedAt: t.clock.now().toISOString(),
          items: [
            { sku: "TEA-LEAF", quantity: 1, unitPrice: 1000 },
            { sku: "TEA-POT", quantity: 1, unitPrice: 5000 },
          ],
        },
      ],
      "test",
    );
    const refreshed = await refreshRecommendations(t.testDb.db, shopId(), t.clock.now());
    expect(refreshed).toBe(1);
    const list = await listOf("NEW-1");
    expect(list).toContain("TEA-CUP"); // bought by tea drinkers with the tea and the pot
    expect(list).not.toContain("TEA-POT"); // just bought, and nobody buys a second
    expect(await refreshRecommendations(t.testDb.db, shopId(), t.clock.now())).toBe(0);
  });

  it("lists products like a product and bought with it", async () => {
    const res = await get("/v1/products/TEA-POT/related?limit=5");
    expect(res.statusCode, res.body).toBe(200);
    const related = res.json() as { similar: Card[]; boughtTogether: Card[] };
    expect(
      related.similar
        .map((p) => p.sku)
        .slice(0, 2)
        .sort(),
    ).toEqual(["TEA-CUP", "TEA-LEAF"]);
    expect(related.boughtTogether.map((p) => p.sku).sort()).toEqual(["TEA-CUP", "TEA-LEAF"]);
  });

  it("serves from the stored model exactly the lists the rebuild computed, whichever model the shop has", async () => {
    const db = t.testDb.db;
    for (const scorer of ["item-knn", "ease", "als"] as const) {
      const config = { scorer, blend: ADDITIVE_BLEND };
      await rebuildRecommendations(db, shopId(), { now: t.clock.now(), config });
      const stored = await db
        .selectFrom("customer_recommendations")
        .select(["customer_id", "products"])
        .where("shop_id", "=", shopId())
        .execute();
      expect(stored.length).toBeGreaterThan(80);
      // A fresh read of the stored model, as the incremental pass and another process get it.
      const model = await loadServingModel(db, shopId());
      expect(model.config).toEqual(config);
      // The tea's re-purchase timing came back with it (how regular, not only how often).
      expect([...model.repurchase.values()].some((p) => p.regularity !== undefined)).toBe(true);
      expect(model.als !== null).toBe(scorer === "als");
      const recommender = servingRecommender(model, t.clock.now().getTime() + 1);
      const ids = stored.map((r) => Number(r.customer_id));
      const histories = byCustomer(await loadInteractions(db, shopId(), ids, t.clock.now().getTime() + 1));
      for (const r of stored) {
        const history = histories.get(Number(r.customer_id)) ?? [];
        expect(recommender.recommend(history, LIST_LENGTH), scorer).toEqual(fromJson<number[]>(r.products));
      }
    }
  });

  it("answers 404 for an unknown customer or product and 400 for a bad limit", async () => {
    expect((await get("/v1/customers/NOBODY/recommendations")).statusCode).toBe(404);
    expect((await get("/v1/products/NOPE/related")).statusCode).toBe(404);
    const bad = await get("/v1/customers/T1/recommendations?limit=0");
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain("limit");
  });
});
