// Given a Japanese shop on EC-CUBE 4, when it imports its member and order exports (Shift_JIS, as
// EC-CUBE writes them, or UTF-8 with BOM after a round trip through a spreadsheet), Japanese headers,
// names, readings, addresses and local times land the same either way.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/core/clock.js";
import type { Customer } from "../../src/db/index.js";
import { importCsv } from "../../src/imports/index.js";
import { getOrder } from "../../src/orders/index.js";
import { createShop } from "../../src/shops/index.js";
import {
  createImportWorld,
  type ImportWorld,
  mappingFile,
  mappings,
  readText,
  writeEncoded,
} from "./support.js";

const customersCsv = readText(join(mappings, "ec-cube-customers.sample.csv"));
const ordersCsv = readText(join(mappings, "ec-cube-orders.sample.csv"));

describe("import: EC-CUBE members and orders", () => {
  let w: ImportWorld;
  beforeAll(async () => {
    w = await createImportWorld();
  });
  afterAll(async () => w.close());

  const importInto = (shopId: number, kind: "customers" | "orders", input: string) =>
    importCsv(w.testDb.db, w.clock, {
      shopId,
      kind,
      input,
      mapping: mappingFile(kind === "customers" ? "ec-cube-customers.json" : "ec-cube-orders.json"),
    });
  const profiles = (shopId: number) =>
    w.testDb.db
      .selectFrom("customers")
      .selectAll()
      .where("shop_id", "=", shopId)
      .orderBy("external_id")
      .execute();
  const comparable = (c: Customer) => {
    const { id: _id, shop_id: _shop, ...rest } = c;
    return { ...rest, attributes: JSON.parse(rest.attributes) };
  };

  it("imports the member export identically from CP932 and from UTF-8 with BOM", async () => {
    const other = (await createShop(w.testDb.db, w.clock, { name: "BOM shop" })).shop;
    const cp932 = await importInto(
      w.shop.id,
      "customers",
      writeEncoded(w.dir, "members-sjis.csv", customersCsv, "cp932"),
    );
    const bom = await importInto(
      other.id,
      "customers",
      writeEncoded(w.dir, "members-bom.csv", customersCsv, "utf8-bom"),
    );
    expect(cp932.encoding).toBe("cp932");
    expect(bom.encoding).toBe("utf8");
    for (const report of [cp932, bom]) {
      expect(report.errors).toEqual([]);
      expect(report.warnings).toEqual([]);
      expect(report).toMatchObject({ rows: 5, skipped: 1, rejected: 0, created: 4 });
    }
    const fromSjis = (await profiles(w.shop.id)).map(comparable);
    expect(fromSjis).toEqual((await profiles(other.id)).map(comparable));
    expect(fromSjis.map((c) => c.external_id)).toEqual(["1", "2", "3", "5"]); // 4 withdrew (退会)
  });

  it("normalises names, readings, contact points and local times", async () => {
    const [hanako, kenta, , sakura] = await profiles(w.shop.id);
    expect(kenta).toMatchObject({
      last_name: "髙橋",
      first_name: "健太",
      last_name_kana: "タカハシ",
      first_name_kana: "ケンタ",
      email: "kenta.takahashi@example.com",
      phone: "+81612345678",
      postal_code: "5300001",
      prefecture: "大阪府",
      address: "大阪市北区梅田1-1-1",
      gender: "male",
      birthday: "1990-11-03",
      created_at: "2023-03-19T23:00:00.000Z",
    });
    expect(JSON.parse(kenta.attributes)).toEqual({
      companyName: "株式会社サンプル商事",
      job: "会社員",
      ecCubeStatus: "本会員",
    });
    expect(hanako.address).toBe("渋谷区神宮前1-2-3 サンプルビル101");
    expect(hanako.phone).toBe("+819012345678");
    expect(sakura.address).toBe("名古屋市中区栄3-4-5 栄ハイツ②");
  });

  it("imports orders: product lines only, member orders linked, a guest gets a profile", async () => {
    const membersBefore = await profiles(w.shop.id);
    const report = await importInto(
      w.shop.id,
      "orders",
      writeEncoded(w.dir, "orders-sjis.csv", ordersCsv, "cp932"),
    );
    expect(report.errors).toEqual([]);
    // 8 rows: two 送料 lines and one order still in checkout (購入処理中) are left out.
    expect(report).toMatchObject({ encoding: "cp932", rows: 8, skipped: 3, rejected: 0, created: 4 });
    const first = await getOrder(w.testDb.db, w.shop.id, "1001");
    expect(first).toMatchObject({
      customerId: "1",
      status: "shipped",
      orderedAt: "2024-05-01T04:45:12.000Z",
      currency: "JPY",
      subtotal: 2500,
      shipping: 800,
      tax: 250,
      total: 3550,
      items: [
        { sku: "SKIN-001", name: "薬用化粧水 しっとり 150ml", quantity: 2, unitPrice: 1000, lineTotal: 2000 },
        { sku: "SKIN-101", name: "コットン ～やわらか～ 80枚", quantity: 1, unitPrice: 500, lineTotal: 500 },
      ],
    });
    expect((await getOrder(w.testDb.db, w.shop.id, "1002")).status).toBe("pending");
    expect((await getOrder(w.testDb.db, w.shop.id, "1004")).status).toBe("cancelled");
    const guestOrder = await w.testDb.db
      .selectFrom("orders")
      .innerJoin("customers", "customers.id", "orders.customer_id")
      .select(["customers.external_id", "customers.email", "customers.last_name", "customers.prefecture"])
      .where("orders.external_id", "=", "1003")
      .executeTakeFirstOrThrow();
    expect(guestOrder).toEqual({
      external_id: null,
      email: "tsubasa.nakamura@example.com",
      last_name: "中村",
      prefecture: "福岡県",
    });
    // The name and address on members' orders are left to the member export: profiles are as they were.
    const membersAfter = (await profiles(w.shop.id)).filter((c) => c.external_id !== null);
    expect(membersAfter).toEqual(membersBefore);
  });

  it("importing both files again changes nothing", async () => {
    w.clock.advance(3_600_000);
    const customers = await importInto(
      w.shop.id,
      "customers",
      writeEncoded(w.dir, "members-again.csv", customersCsv, "utf8-bom"),
    );
    const orders = await importInto(
      w.shop.id,
      "orders",
      writeEncoded(w.dir, "orders-again.csv", ordersCsv, "utf8"),
    );
    expect(customers).toMatchObject({ created: 0, updated: 0, unchanged: 4, rejected: 0 });
    expect(orders).toMatchObject({ encoding: "utf8", created: 0, updated: 0, unchanged: 4, rejected: 0 });
  });

  it("a dry run reports what would happen and writes nothing", async () => {
    const dryShop = (await createShop(w.testDb.db, new ManualClock("2026-06-01T00:00:00Z"), { name: "Dry" }))
      .shop;
    const report = await importCsv(w.testDb.db, w.clock, {
      shopId: dryShop.id,
      kind: "customers",
      input: writeEncoded(w.dir, "members-dry.csv", customersCsv, "cp932"),
      mapping: mappingFile("ec-cube-customers.json"),
      dryRun: true,
    });
    expect(report).toMatchObject({ dryRun: true, rows: 5, skipped: 1, created: 4, rejected: 0 });
    expect(await profiles(dryShop.id)).toEqual([]);
    const orders = await importCsv(w.testDb.db, w.clock, {
      shopId: dryShop.id,
      kind: "orders",
      input: writeEncoded(w.dir, "orders-dry.csv", ordersCsv, "cp932"),
      mapping: mappingFile("ec-cube-orders.json"),
      dryRun: true,
    });
    expect(orders).toMatchObject({ dryRun: true, created: 4, rejected: 0 });
    const left = await w.testDb.db
      .selectFrom("orders")
      .select("id")
      .where("shop_id", "=", dryShop.id)
      .execute();
    expect(left).toEqual([]);
    const products = await w.testDb.db
      .selectFrom("products")
      .select("id")
      .where("shop_id", "=", dryShop.id)
      .execute();
    expect(products).toEqual([]);
  });
});
