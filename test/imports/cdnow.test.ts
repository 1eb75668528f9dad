// Given the CDNOW transaction log (69,659 purchases by 23,570 customers), when a shop imports it as
// orders with the shipped mapping, every row becomes an order, amounts add up to the cent, and
// importing the file a second time changes nothing.
import { readFileSync } from "node:fs";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ImportReport, importCsv } from "../../src/imports/index.js";
import { getOrder } from "../../src/orders/index.js";
import { countRows } from "../support/db.js";
import { CDNOW, createImportWorld, type ImportWorld, mappingFile, writeEncoded } from "./support.js";

/** What the file says, computed here independently of the importer. */
function cdnowFacts() {
  const lines = readFileSync(CDNOW, "utf8").trim().split(/\r?\n/).slice(1);
  const customers = new Set<string>();
  let cents = 0;
  for (const line of lines) {
    const [customer, , , amount] = line.split(",");
    customers.add(customer);
    const [whole, fraction = ""] = amount.split(".");
    cents += Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
  }
  return { rows: lines.length, customers: customers.size, cents };
}

describe("import: CDNOW as orders", () => {
  let w: ImportWorld;
  const facts = cdnowFacts();
  const timings: string[] = [];
  const run = async (input = CDNOW) => {
    const started = performance.now();
    const report = await importCsv(w.testDb.db, w.clock, {
      shopId: w.shop.id,
      kind: "orders",
      input,
      mapping: mappingFile("cdnow.json"),
    });
    const seconds = (performance.now() - started) / 1000;
    timings.push(
      `${w.testDb.engine}: ${report.rows} rows in ${seconds.toFixed(1)} s = ${Math.round(report.rows / seconds)} orders/s`,
    );
    return report;
  };

  beforeAll(async () => {
    w = await createImportWorld({ currency: "JPY", timezone: "Asia/Tokyo" });
  });
  afterAll(async () => {
    console.log(`CDNOW import ${timings.join("; ")}`);
    await w.close();
  });

  it("the file is the one the dataset README describes", () => {
    expect(facts).toEqual({ rows: 69_659, customers: 23_570, cents: 250_031_563 });
  });

  let first: ImportReport;
  it("imports every row as an order of one line, in US cents, with no errors", async () => {
    first = await run();
    expect(first.errors).toEqual([]);
    expect(first).toMatchObject({ rows: 69_659, rejected: 0, created: 69_659, updated: 0, unchanged: 0 });
    const db = w.testDb.db;
    expect(await countRows(db, "orders")).toBe(69_659);
    expect(await countRows(db, "order_items")).toBe(69_659);
    expect(await countRows(db, "customers")).toBe(23_570);
    expect(await countRows(db, "products")).toBe(1);
    const sums = await db
      .selectFrom("orders")
      .select([sql<number>`sum(total)`.as("total"), sql<number>`count(distinct currency)`.as("currencies")])
      .executeTakeFirstOrThrow();
    expect(Number(sums.total)).toBe(facts.cents);
    expect(Number(sums.currencies)).toBe(1);
    const items = await db
      .selectFrom("order_items")
      .select(sql<number>`sum(line_total)`.as("sum"))
      .executeTakeFirstOrThrow();
    expect(Number(items.sum)).toBe(facts.cents);
  }, 900_000);

  it("numbers a customer's purchases on one day and reads dates in New York time", async () => {
    // 00002,1997-01-12,1,12.00 and 00002,1997-01-12,5,77.00
    const second = await getOrder(w.testDb.db, w.shop.id, "CDNOW-00002-1997-01-12-2");
    expect(second).toMatchObject({
      customerId: "00002",
      currency: "USD",
      total: 7700,
      orderedAt: "1997-01-12T05:00:00.000Z",
      items: [{ sku: "CD", quantity: 5, unitPrice: 1540, lineTotal: 7700 }],
    });
    const firstOfDay = await getOrder(w.testDb.db, w.shop.id, "CDNOW-00002-1997-01-12-1");
    expect(firstOfDay.total).toBe(1200);
  });

  it("importing the same file again changes nothing", async () => {
    w.clock.advance(86_400_000);
    // On PostgreSQL, where every order costs several round trips (see the import report's notes), the
    // second pass reads the first 10,000 rows, which keep their order numbers; SQLite re-reads it all.
    const rows = w.testDb.engine === "postgres" ? 10_000 : 69_659;
    const input =
      rows === facts.rows
        ? CDNOW
        : writeEncoded(
            w.dir,
            "cdnow-head.csv",
            readFileSync(CDNOW, "utf8")
              .split("\n")
              .slice(0, rows + 1)
              .join("\n"),
            "utf8",
          );
    const again = await run(input);
    expect(again).toMatchObject({ rows, rejected: 0, created: 0, updated: 0, unchanged: rows });
    const now = w.clock.now().toISOString();
    for (const table of ["orders", "customers", "products"] as const) {
      const touched = await w.testDb.db
        .selectFrom(table)
        .select(sql<number>`count(*)`.as("n"))
        .where("updated_at", ">=", now)
        .executeTakeFirstOrThrow();
      expect(Number(touched.n), table).toBe(0);
    }
    expect(await countRows(w.testDb.db, "orders")).toBe(69_659);
  }, 900_000);
});
