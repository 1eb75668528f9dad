// Given the Groceries purchase records (one row per item, baskets spread over the file), when a shop
// imports them with the shipped mapping, each member's shopping day becomes one order, items bought
// twice in a basket add up, and a second import changes nothing.
import { readFileSync } from "node:fs";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ImportReport, importCsv } from "../../src/imports/index.js";
import { getOrder } from "../../src/orders/index.js";
import { countRows } from "../support/db.js";
import { createImportWorld, GROCERIES, type ImportWorld, mappingFile } from "./support.js";

function groceriesFacts() {
  const rows = readFileSync(GROCERIES, "utf8")
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => l.split(","));
  return {
    rows: rows.length,
    members: new Set(rows.map(([m]) => m)).size,
    baskets: new Set(rows.map(([m, d]) => `${m}|${d}`)).size,
    lines: new Set(rows.map(([m, d, item]) => `${m}|${d}|${item}`)).size,
    products: new Set(rows.map(([, , item]) => item.trim())).size,
  };
}

describe("import: Groceries as baskets", () => {
  let w: ImportWorld;
  const facts = groceriesFacts();
  const timings: string[] = [];
  const run = async () => {
    const started = performance.now();
    const report = await importCsv(w.testDb.db, w.clock, {
      shopId: w.shop.id,
      kind: "orders",
      input: GROCERIES,
      mapping: mappingFile("groceries.json"),
    });
    const seconds = (performance.now() - started) / 1000;
    const orders = report.created + report.updated + report.unchanged;
    timings.push(
      `${w.testDb.engine}: ${orders} orders in ${seconds.toFixed(1)} s = ${Math.round(orders / seconds)} orders/s`,
    );
    return report;
  };

  beforeAll(async () => {
    w = await createImportWorld({ currency: "EUR", timezone: "Europe/Berlin" });
  });
  afterAll(async () => {
    console.log(`Groceries import ${timings.join("; ")}`);
    await w.close();
  });

  it("the file is the one the dataset README describes", () => {
    expect(facts).toMatchObject({ rows: 38_765, members: 3_898, products: 167 });
  });

  let first: ImportReport;
  it("makes one order per member and day, with every item", async () => {
    first = await run();
    expect(first.errors).toEqual([]);
    expect(first).toMatchObject({
      rows: 38_765,
      rejected: 0,
      created: facts.baskets,
      updated: 0,
      unchanged: 0,
    });
    const db = w.testDb.db;
    expect(await countRows(db, "orders")).toBe(facts.baskets);
    expect(await countRows(db, "customers")).toBe(3_898);
    expect(await countRows(db, "products")).toBe(167);
    expect(await countRows(db, "order_items")).toBe(facts.lines);
    const quantity = await db
      .selectFrom("order_items")
      .select(sql<number>`sum(quantity)`.as("q"))
      .executeTakeFirstOrThrow();
    expect(Number(quantity.q)).toBe(38_765);
  }, 600_000);

  it("reads dd-mm-yyyy in the store's zone and slugs item names into SKUs", async () => {
    // 3701,27-04-2015,mayonnaise
    const basket = await getOrder(w.testDb.db, w.shop.id, "GROCERIES-3701-27-04-2015");
    expect(basket.orderedAt).toBe("2015-04-26T22:00:00.000Z");
    expect(basket.customerId).toBe("3701");
    expect(basket.items.map((i) => i.sku)).toContain("mayonnaise");
    const product = await w.testDb.db
      .selectFrom("products")
      .select(["sku", "name"])
      .where("sku", "=", "fruit-vegetable-juice")
      .executeTakeFirstOrThrow();
    expect(product.name).toBe("fruit/vegetable juice");
  });

  it("importing the same file again changes nothing", async () => {
    w.clock.advance(86_400_000);
    const again = await run();
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: facts.baskets, rejected: 0 });
    const touched = await w.testDb.db
      .selectFrom("orders")
      .select(sql<number>`count(*)`.as("n"))
      .where("updated_at", ">=", w.clock.now().toISOString())
      .executeTakeFirstOrThrow();
    expect(Number(touched.n)).toBe(0);
  }, 600_000);
});
