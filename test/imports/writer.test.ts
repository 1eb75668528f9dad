// Records are written a chunk per transaction. When a record still fails on write, its chunk is retried
// record by record: the bad one is reported, its chunk-mates land; an outage stops the import.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertProduct } from "../../src/catalog/index.js";
import { ValidationError } from "../../src/core/errors.js";
import { ReportBuilder } from "../../src/imports/report.js";
import { ChunkedWriter } from "../../src/imports/writer.js";
import { createImportWorld, type ImportWorld } from "./support.js";

describe("import writer", () => {
  let w: ImportWorld;
  beforeAll(async () => {
    w = await createImportWorld();
  });
  afterAll(async () => w.close());

  const writerFor = (report: ReportBuilder, failure: (sku: string) => Error | undefined, lanes = 1) =>
    new ChunkedWriter<string>({
      db: w.testDb.db,
      dryRun: false,
      chunkSize: 3,
      lanes,
      laneOf: (u) => u.payload,
      report,
      columnOf: (field) => (field === "sku" ? "商品コード" : null),
      write: async (trx, units) => {
        for (const unit of units) {
          await upsertProduct(
            trx,
            w.clock,
            w.shop.id,
            { sku: unit.payload, name: unit.payload, price: 100 },
            "JPY",
          );
          const err = failure(unit.payload);
          if (err) throw err;
        }
        return units.map(() => "created" as const);
      },
    });
  const skus = async () =>
    (
      await w.testDb.db
        .selectFrom("products")
        .select("sku")
        .where("shop_id", "=", w.shop.id)
        .orderBy("sku")
        .execute()
    ).map((p) => p.sku);

  it("isolates the record that fails on write and keeps its chunk-mates", async () => {
    const report = new ReportBuilder("products", false, 100);
    const writer = writerFor(report, (sku) =>
      sku === "BAD" ? ValidationError.field("sku", "refused") : undefined,
    );
    for (const [i, sku] of ["P1", "BAD", "P2", "P3"].entries()) {
      await writer.add({ lines: [i + 2], label: `product ${sku}`, payload: sku });
    }
    await writer.flush();
    expect(report.finish()).toMatchObject({
      created: 3,
      rejected: 1,
      errors: [{ row: 3, column: "商品コード", field: "sku", reason: "refused" }],
    });
    expect(await skus()).toEqual(["P1", "P2", "P3"]);
  });

  it("writes chunks side by side when lanes are given, with the same outcome", async () => {
    const report = new ReportBuilder("products", false, 100);
    const writer = writerFor(
      report,
      (sku) => (sku === "L-BAD" ? ValidationError.field("sku", "refused") : undefined),
      3,
    );
    const names = Array.from({ length: 20 }, (_, i) =>
      i === 7 ? "L-BAD" : `L${String(i).padStart(2, "0")}`,
    );
    for (const [i, sku] of names.entries()) await writer.add({ lines: [i + 2], label: sku, payload: sku });
    await writer.flush();
    expect(report.finish()).toMatchObject({ created: 19, rejected: 1, errors: [{ row: 9 }] });
    expect((await skus()).filter((s) => s.startsWith("L"))).toHaveLength(19);
  });

  it("stops on an error that is not the record's fault", async () => {
    const report = new ReportBuilder("products", false, 100);
    const writer = writerFor(report, (sku) => (sku === "X2" ? new Error("connection lost") : undefined));
    await writer.add({ lines: [2], label: "X1", payload: "X1" });
    await writer.add({ lines: [3], label: "X2", payload: "X2" });
    await expect(writer.flush()).rejects.toThrow("connection lost");
    expect(await skus()).not.toContain("X1");
  });
});
