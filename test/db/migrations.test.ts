import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { migrateToLatest } from "../../src/db/index.js";
import { createTestDb, type TestDb } from "../support/db.js";

describe("migrations", () => {
  let t: TestDb;
  afterEach(async () => t?.cleanup());

  it("create every table on an empty database and are idempotent on the second run", async () => {
    t = await createTestDb({ migrate: false });
    const first = await migrateToLatest(t.db);
    expect(first.results?.length).toBeGreaterThan(0);
    expect(first.results?.every((r) => r.status === "Success")).toBe(true);
    const second = await migrateToLatest(t.db);
    expect(second.results).toEqual([]);

    const tables = await t.db.introspection.getTables();
    const names = tables.map((x) => x.name);
    for (const table of [
      "shops",
      "api_keys",
      "customers",
      "consents",
      "consent_log",
      "products",
      "orders",
      "order_items",
      "events",
      "visitors",
      "point_ledger",
      "point_balances",
      "coupons",
      "integrations",
      "webhook_receipts",
    ]) {
      expect(names).toContain(table);
    }
    // Every tenant table carries shop_id. Users and their sessions belong to the instance: one person may
    // act for several shops, each through a membership (which has shop_id).
    const instanceTables = ["instance_settings", "shops", "users", "sessions"];
    for (const table of tables.filter(
      (x) => !instanceTables.includes(x.name) && !x.name.startsWith("kysely"),
    )) {
      expect(
        table.columns.map((c) => c.name),
        table.name,
      ).toContain("shop_id");
    }
  });

  it("reads timestamps and JSON back in the same form on both engines", async () => {
    t = await createTestDb();
    const shop = await t.db
      .insertInto("shops")
      .values({
        name: "x",
        timezone: "Asia/Tokyo",
        currency: "JPY",
        locale: "ja",
        created_at: "2026-01-02T03:04:05.678Z",
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    expect(shop.created_at).toBe("2026-01-02T03:04:05.678Z");
    expect(typeof shop.id).toBe("number");
    const rows = await sql<{ n: number }>`select count(*) as n from shops`.execute(t.db);
    expect(rows.rows[0].n).toBe(1);
  });
});
