// The list of what each table holds about a customer cannot fall behind the schema: read from the
// migrated database itself, every table with a customer_id column is on it, every other table is on
// it or on the list of tables holding nothing about a customer, and what each entry says about its
// table's columns is true.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CUSTOMER_DATA, customerDataOn, NO_CUSTOMER_DATA } from "../../src/privacy/index.js";
import { createTestDb, type TestDb } from "../support/db.js";
import { type ColumnInfo, columnsOf, tableNames } from "./support.js";

const FINDER_COLUMNS: Record<string, string[]> = {
  profile: ["id", "merged_into_id"],
  customer: ["customer_id"],
  customerOrVisitor: ["customer_id", "visitor_id"],
  visitor: ["visitor_id"],
  message: ["message_id"],
  run: ["run_id"],
  order: ["order_id"],
  address: ["channel", "address"],
  platformId: ["resource", "resource_id"],
  none: [],
};

describe("the customer-data list", () => {
  let t: TestDb;
  let tables: string[];
  const columns = new Map<string, ColumnInfo[]>();

  beforeAll(async () => {
    t = await createTestDb();
    tables = await tableNames(t.db, t.engine);
    for (const table of tables) columns.set(table, await columnsOf(t.db, t.engine, table));
  });
  afterAll(() => t.cleanup());

  it("names every table that has a customer_id column", () => {
    const listed = new Set(CUSTOMER_DATA.map((e) => e.table));
    const withCustomerId = tables.filter((table) =>
      columns.get(table)!.some((c) => c.name === "customer_id"),
    );
    expect(withCustomerId.length).toBeGreaterThan(15);
    const missing = withCustomerId.filter((table) => !listed.has(table as never));
    expect(missing, "add these to CUSTOMER_DATA in src/privacy/customer-data.ts").toEqual([]);
  });

  it("classifies every table of the schema exactly once, and names no table that is not there", () => {
    const listed = customerDataOn(t.engine).map((e) => e.table as string);
    const unlisted = Object.keys(NO_CUSTOMER_DATA);
    expect(
      tables.filter((table) => !listed.includes(table) && !unlisted.includes(table)),
      "new tables: add each to CUSTOMER_DATA or NO_CUSTOMER_DATA in src/privacy/customer-data.ts",
    ).toEqual([]);
    expect(listed.filter((table) => unlisted.includes(table))).toEqual([]);
    expect(new Set(listed).size).toBe(listed.length);
    expect([...listed, ...unlisted].filter((table) => !tables.includes(table))).toEqual([]);
  });

  it("says true things about each table's columns", () => {
    for (const entry of customerDataOn(t.engine)) {
      const names = columns.get(entry.table)!.map((c) => c.name);
      const said = [
        ...FINDER_COLUMNS[entry.find],
        ...entry.key,
        ...(entry.json ?? []),
        ...(entry.flags ?? []),
        ...(entry.erase.do === "strip"
          ? [...Object.keys(entry.erase.set ?? {}), ...(entry.erase.redact ?? [])]
          : []),
      ];
      expect(
        said.filter((c) => !names.includes(c)),
        `${entry.table}: columns named in its entry`,
      ).toEqual([]);
      expect(entry.holds.length, `${entry.table}: says what it holds`).toBeGreaterThan(10);
      expect(entry.why.length, `${entry.table}: says why`).toBeGreaterThan(5);
    }
    // The profile goes last: every step before it finds the person's rows through the profile ids.
    expect(CUSTOMER_DATA.at(-1)?.table).toBe("customers");
  });

  it("lists as JSON exactly the columns PostgreSQL stores as jsonb", () => {
    if (t.engine !== "postgres") return; // SQLite keeps JSON as text: nothing to tell it by
    for (const entry of customerDataOn(t.engine)) {
      const jsonb = columns
        .get(entry.table)!
        .filter((c) => c.type === "jsonb")
        .map((c) => c.name)
        .sort();
      expect([...(entry.json ?? [])].sort(), `${entry.table}: json columns`).toEqual(jsonb);
    }
  });
});
