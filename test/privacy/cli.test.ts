// `kizuna customer export|erase` through the built bin, on a shop with a member who has an order and a
// storefront event: the export prints the JSON document (or writes it to --out), by external id or
// "#<id>"; erase without --yes refuses, exits non-zero and changes nothing; with --yes it erases, and
// the customer is not found any more.
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromJson } from "../../src/db/index.js";
import { EXPORT_FORMAT } from "../../src/privacy/index.js";
import { createTestApp, type TestApp } from "../support/app.js";
import { runCli } from "../support/cli.js";
import { findText, snapshot } from "./support.js";

const CLI_TEST_TIMEOUT = 120_000;

describe("kizuna customer", { timeout: CLI_TEST_TIMEOUT }, () => {
  let t: TestApp;
  let dir: string;
  let customerId: number;
  const cli = (...args: string[]) => runCli(args, t.testDb.env);
  const shop = () => String(t.shop.shop.id);

  beforeAll(async () => {
    t = await createTestApp(new Date(Date.now() - 3_600_000).toISOString());
    dir = mkdtempSync(join(tmpdir(), "kizuna-customer-cli-"));
    const post = async (url: string, payload: object, headers = t.secret) => {
      const res = await t.app.inject({ method: "POST", url, headers, payload });
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };
    const created = await post("/v1/customers", {
      externalId: "M-1",
      email: "kaede.tsukishima@example.jp",
      lastName: "月島",
      firstName: "楓",
      phone: "090-2468-1357",
      consents: { email: true },
    });
    customerId = created.customer.id;
    await post("/v1/orders", {
      externalId: "O-1",
      customerId: "M-1",
      orderedAt: new Date(Date.now() - 86_400_000).toISOString(),
      items: [{ sku: "TEA", quantity: 2, unitPrice: 1500 }],
    });
    await post("/v1/events", { events: [{ type: "product_view", customerId: "M-1", sku: "TEA" }] }, t.public);
  });
  afterAll(() => t.close());

  it("prints the export as JSON, or writes it to --out, by external id or #id", async () => {
    const printed = await cli("customer", "export", "M-1", "--shop", shop());
    expect(printed.stderr).toBe("");
    expect(printed.code).toBe(0);
    const doc = JSON.parse(printed.stdout);
    expect(doc).toMatchObject({ format: EXPORT_FORMAT, customerId, externalId: "M-1" });
    expect(doc.tables.customers.rows[0]).toMatchObject({
      email: "kaede.tsukishima@example.jp",
      lastName: "月島",
    });
    expect(
      doc.tables.orders.rows.map((o: { externalId: string; total: number }) => [o.externalId, o.total]),
    ).toEqual([["O-1", 3000]]);
    expect(doc.tables.events.rows.map((e: { type: string }) => e.type)).toEqual(["product_view"]);

    const out = join(dir, "m-1.json");
    const written = await cli("customer", "export", `#${customerId}`, "--out", out);
    expect(written.code, written.stderr).toBe(0);
    expect(written.stdout).toBe("");
    const fromFile = JSON.parse(readFileSync(out, "utf8"));
    expect(fromFile.tables).toEqual(doc.tables);
    // Everything about a person: readable by the file's owner only.
    expect(statSync(out).mode & 0o077).toBe(0);
  });

  it("refuses to erase without --yes, and changes nothing", async () => {
    const before = await snapshot(t.ctx.db, t.testDb.engine);
    const refused = await cli("customer", "erase", "M-1", "--shop", shop());
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("--yes");
    expect(refused.stdout).toBe("");
    expect(await snapshot(t.ctx.db, t.testDb.engine)).toEqual(before);
  });

  it("erases with --yes: the person is gone, the order stays", async () => {
    const erased = await cli("customer", "erase", "M-1", "--yes");
    expect(erased.code, erased.stderr).toBe(0);
    const result = JSON.parse(erased.stdout).erased;
    expect(result).toMatchObject({ customerId, source: "cli", tables: { events: 1, customers: 1 } });

    expect(
      await findText(t.ctx.db, t.testDb.engine, [
        "kaede.tsukishima@example.jp",
        "月島",
        "楓",
        "+819024681357",
      ]),
    ).toEqual([]);
    const order = await t.ctx.db
      .selectFrom("orders")
      .select(["customer_id", "total"])
      .where("external_id", "=", "O-1")
      .executeTakeFirstOrThrow();
    expect(order).toEqual({ customer_id: customerId, total: 3000 });
    const record = await t.ctx.db.selectFrom("customer_erasures").selectAll().executeTakeFirstOrThrow();
    expect(record).toMatchObject({ customer_id: customerId, source: "cli" });
    expect(fromJson(record.summary)).toEqual(result.tables);

    const again = await cli("customer", "erase", "M-1", "--yes");
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain("customer M-1 not found");
    const exported = await cli("customer", "export", `#${customerId}`);
    expect(exported.code).not.toBe(0);
    expect(exported.stderr).toContain(`customer #${customerId} not found`);
  });
});
