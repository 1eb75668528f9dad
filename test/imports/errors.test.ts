// Given files with mistakes in some rows, when a shop imports them, each bad row is reported with its
// line, the column as the file names it, the Kizuna field and the reason, and the good rows still land.
// An order is written whole or not at all.
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ValidationError } from "../../src/core/errors.js";
import { importCsv, type Mapping } from "../../src/imports/index.js";
import { createImportWorld, type ImportWorld, mappingFile, writeEncoded } from "./support.js";

const customers = `externalId,email,phone,lastName,firstName,birthday,postalCode,prefecture
C1,aoki@example.com,090-1111-2222,青木,愛,1990-01-02,100-0001,東京都
C2,not-an-email,,井上,誠,,,
C3,ueda@example.com,,上田,優,1990-13-45,,
C4,eto@example.com,,江藤,翔,,12-34,
,,,岡田,花,,,
C6,kato@example.com,,加藤,陸,2000/02/29,1500001,tokyo
`;

describe("import: row errors", () => {
  let w: ImportWorld;
  beforeAll(async () => {
    w = await createImportWorld();
  });
  afterAll(async () => w.close());

  const run = (kind: "customers" | "orders" | "products", text: string, mapping?: Mapping | string) =>
    importCsv(w.testDb.db, w.clock, {
      shopId: w.shop.id,
      kind,
      input: writeEncoded(w.dir, `${kind}-${Math.random()}.csv`, text, "utf8"),
      mapping,
    });

  it("names row, column, field and reason, and imports the good rows", async () => {
    const report = await run("customers", customers);
    expect(report).toMatchObject({ rows: 6, created: 2, rejected: 4 });
    expect(report.errors).toEqual([
      { row: 3, column: "email", field: "email", reason: '"not-an-email" is not an email address' },
      { row: 4, column: "birthday", field: "birthday", reason: '"1990-13-45" is not a real date or time' },
      { row: 5, column: "postalCode", field: "postalCode", reason: '"12-34" is not a 7-digit postal code' },
      {
        row: 6,
        column: "externalId",
        field: "externalId",
        reason: "a customer needs at least one of externalId, email, phone, lineUserId",
      },
    ]);
    const stored = await w.testDb.db
      .selectFrom("customers")
      .select(["external_id", "birthday", "prefecture"])
      .where("shop_id", "=", w.shop.id)
      .orderBy("external_id")
      .execute();
    expect(stored).toEqual([
      { external_id: "C1", birthday: "1990-01-02", prefecture: "東京都" },
      { external_id: "C6", birthday: "2000-02-29", prefecture: "東京都" },
    ]);
  });

  it("names the source column of a mapped file (Japanese headers)", async () => {
    const text = `会員ID,メールアドレス,郵便番号,誕生日
J1,ok@example.com,150-0001,1980/01/01
J2,ok2@example.com,１５０ー０００１,1980/02/30
J3,ok3@example.com,〒150,1980/03/01
`;
    const report = await run("customers", text, {
      kind: "customers",
      columns: { 会員ID: "externalId", メールアドレス: "email", 郵便番号: "postalCode", 誕生日: "birthday" },
      dateFormat: "yyyy/MM/dd",
    });
    expect(report.errors).toEqual([
      { row: 3, column: "誕生日", field: "birthday", reason: '"1980/02/30" is not a real date or time' },
      { row: 4, column: "郵便番号", field: "postalCode", reason: '"〒150" is not a 7-digit postal code' },
    ]);
    expect(report.created).toBe(1);
  });

  it("rejects a whole order when one of its rows is bad, and only that order", async () => {
    const text = `externalId,customerId,orderedAt,sku,name,quantity,unitPrice
O1,M1,2026-05-01 10:00,A,Apple,1,100
O1,M1,2026-05-01 10:00,B,Banana,two,200
O2,M2,2026-05-02 10:00,A,Apple,3,100
O3,M3,yesterday,A,Apple,1,100
,M4,2026-05-03 10:00,A,Apple,1,100
O4,M4,2026-05-03 10:00,,Nameless,1,100
`;
    const report = await run("orders", text);
    expect(report).toMatchObject({ rows: 6, created: 1, rejected: 5 });
    expect(report.errors).toEqual([
      { row: 2, column: null, field: null, reason: "order O1 rejected: see line 3" },
      { row: 3, column: "quantity", field: "quantity", reason: '"two" is not a whole number' },
      {
        row: 5,
        column: "orderedAt",
        field: "orderedAt",
        reason: expect.stringContaining('"yesterday" does not match yyyy-MM-dd HH:mm:ss'),
      },
      { row: 6, column: "externalId", field: "externalId", reason: "required: the order number" },
      { row: 7, column: "sku", field: "sku", reason: "required" },
    ]);
    const orders = await w.testDb.db
      .selectFrom("orders")
      .select("external_id")
      .where("shop_id", "=", w.shop.id)
      .execute();
    expect(orders.map((o) => o.external_id)).toEqual(["O2"]);
  });

  it("rejects rows of an order that come back after other orders (consecutive rows by default)", async () => {
    const text = `externalId,orderedAt,sku,quantity,unitPrice
S1,2026-05-01,A,1,100
S2,2026-05-01,A,1,100
S1,2026-05-01,B,1,100
`;
    const report = await run("orders", text);
    expect(report).toMatchObject({ created: 2, rejected: 1 });
    expect(report.errors).toEqual([
      {
        row: 4,
        column: "externalId",
        field: "externalId",
        reason: expect.stringContaining("began at line 2"),
      },
    ]);
    const scattered = await run("orders", text.replace(/S/g, "T"), {
      kind: "orders",
      orderRows: "scattered",
    });
    expect(scattered).toMatchObject({ created: 2, rejected: 0 });
  });

  it("reports a row the CSV parser cannot read, and a row with the wrong number of fields", async () => {
    const text = `sku,name,price
P1,Plain,100
P2,"Broken "quote",100
P3,Short
P4,"Multi
line",300
P5,Fine,500
`;
    const report = await run("products", text);
    expect(report.created).toBe(3);
    expect(report.errors).toEqual([
      { row: 3, column: null, field: null, reason: expect.stringContaining("CSV syntax") },
      { row: 4, column: null, field: null, reason: "has 2 fields where the header has 3" },
    ]);
  });

  it("refuses a file that cannot fill a required field, or a mapping that does not fit", async () => {
    await expect(run("orders", "externalId,sku\nX,A\n")).rejects.toThrow(ValidationError);
    await expect(run("orders", "externalId,sku\nX,A\n")).rejects.toThrow(/orderedAt: no column fills it/);
    await expect(run("customers", "a\n1\n", mappingFile("cdnow.json"))).rejects.toThrow(
      /mapping for orders, not customers/,
    );
    await expect(
      run("customers", "id\n1\n", { kind: "customers", columns: { id: "externalID" } } as Mapping),
    ).rejects.toThrow(/"externalID" is not a field of customers/);
  });

  it("reads from a stream as well as from a file", async () => {
    const report = await importCsv(w.testDb.db, w.clock, {
      shopId: w.shop.id,
      kind: "products",
      input: Readable.from([Buffer.from("sku,name,price\nST1,流れ,980\n")]),
    });
    expect(report).toMatchObject({ rows: 1, created: 1, rejected: 0 });
  });

  it("refuses to guess when a file said to be UTF-8 is not", async () => {
    const path = writeEncoded(w.dir, "sjis.csv", "externalId,lastName\nK1,山田\n", "cp932");
    await expect(
      importCsv(w.testDb.db, w.clock, {
        shopId: w.shop.id,
        kind: "customers",
        input: path,
        encoding: "utf8",
      }),
    ).rejects.toThrow(/not valid UTF-8/);
  });
});
