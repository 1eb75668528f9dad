// Given members who favourited a sold-out matcha, kettle or gift card — some chose only tea in the
// preference centre, one only teaware, one nothing (everything) — when they come back in stock, then
// each hears only about what they chose: a message outside the choice is recorded as held back for the
// customer's own choice, naming the product's category. A product with no category is not held back.
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { savePreferences } from "../../../src/messaging/preferences/index.js";
import {
  closeFileDatabase,
  heldBack,
  jst,
  MONDAY_10AM,
  openShop,
  payloadOf,
  putProduct,
  queued,
  sendEvents,
  setClock,
  setStock,
  switchOn,
  type TestApp,
  upsertCustomer,
  workerAt,
} from "../../scenarios/library/support.js";

afterAll(closeFileDatabase);

const RESTOCKED = "back-in-stock.restocked";

describe("the categories a customer chose", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await openShop(MONDAY_10AM);
  });
  afterEach(async () => t.close());

  it("hold back a product's news outside them, and let everything else through", async () => {
    await putProduct(t, {
      sku: "MATCHA",
      name: "宇治抹茶",
      price: 2480,
      stock: 0,
      categoryPath: "お茶/抹茶",
    });
    await putProduct(t, { sku: "KETTLE", name: "鉄瓶", price: 12800, stock: 0, categoryPath: "茶器/鉄瓶" });
    await putProduct(t, { sku: "GIFT", name: "ギフト券", price: 3000, stock: 0 });
    const member = async (externalId: string, categories: string[]) => {
      const id = await upsertCustomer(t, { externalId, email: `${externalId}@example.jp` }, { email: true });
      await savePreferences(t.ctx.db, t.clock, t.shop.shop.id, id, { categories, frequency: "all" });
    };
    await member("tea", ["お茶"]);
    await member("tea-too", ["お茶"]);
    await member("ware", ["茶器"]);
    await member("all", []);
    await member("giver", ["お茶"]);
    const favourites: Array<[string, string]> = [
      ["tea", "MATCHA"],
      ["tea-too", "KETTLE"],
      ["ware", "KETTLE"],
      ["all", "KETTLE"],
      ["giver", "GIFT"],
    ];
    await sendEvents(
      t,
      favourites.map(([customerId, sku]) => ({
        type: "favourite",
        customerId,
        sku,
        occurredAt: jst("2026-05-25 12:00"),
      })),
    );
    await switchOn(t, "back-in-stock");
    await workerAt(t, "2026-06-01 10:00:10");

    setClock(t, "2026-06-01 10:05");
    for (const sku of ["MATCHA", "KETTLE", "GIFT"]) {
      expect(await setStock(t, sku, 10)).toMatchObject({ restocked: true });
    }
    await workerAt(t, "2026-06-01 10:05:10");

    // The tea lovers hear about the matcha, not the kettle; teaware and "no choice" about the kettle;
    // the gift card has no category, so a choice of tea does not hold it back.
    expect((await queued(t)).map(([to]) => to).sort()).toEqual(["all", "giver", "tea", "ware"]);
    expect(await payloadOf(t, "tea", RESTOCKED)).toMatchObject({ product: { sku: "MATCHA" } });
    expect(await payloadOf(t, "ware", RESTOCKED)).toMatchObject({ product: { sku: "KETTLE" } });
    expect(await heldBack(t)).toEqual([["tea-too", RESTOCKED, "customer_categories:茶器"]]);
  });
});
