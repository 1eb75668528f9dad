// `kizuna segment` and `kizuna report` through the built bin, on a small shop imported from CSV: a
// segment saved from a JSON file lists with its members, members come out as CSV with formula-like ids
// defused, a mistaken rule is refused naming the node and exits non-zero with nothing saved.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/core/clock.js";
import { upsertOrders } from "../../src/orders/index.js";
import { createShop } from "../../src/shops/index.js";
import { runCli } from "../support/cli.js";
import { countRows, createTestDb, type TestDb } from "../support/db.js";

const CLI_TEST_TIMEOUT = 120_000;

describe("kizuna segment and report", { timeout: CLI_TEST_TIMEOUT }, () => {
  let t: TestDb;
  let dir: string;
  const cli = (...args: string[]) => runCli(args, t.env);
  const file = (name: string, body: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(body));
    return path;
  };

  beforeAll(async () => {
    t = await createTestDb();
    dir = mkdtempSync(join(tmpdir(), "kizuna-segment-cli-"));
    const clock = new ManualClock(new Date(Date.now() - 3_600_000).toISOString());
    const { shop } = await createShop(t.db, clock, { name: "CLI shop", currency: "JPY" });
    const day = 86_400_000;
    const order = (id: string, customer: string, daysAgo: number, total: number) => ({
      externalId: id,
      customerId: customer,
      orderedAt: new Date(Date.now() - daysAgo * day).toISOString(),
      items: [{ sku: "TEA", quantity: 1, unitPrice: total }],
    });
    await upsertOrders(
      t.db,
      clock,
      shop.id,
      "JPY",
      [
        order("1", "=HYPERLINK(1)", 10, 3000),
        order("2", "=HYPERLINK(1)", 40, 2000),
        order("3", "M-2", 20, 1500),
        order("4", "M-3", 400, 9000),
      ],
      "test",
    );
  });
  afterAll(() => t.cleanup());

  it("saves a segment from a file and lists it with its members", async () => {
    const saved = await cli(
      "segment",
      "save",
      file("repeaters.json", { key: "repeaters", name: "リピーター", rule: { type: "orders", min: 2 } }),
    );
    expect(saved.stderr).toBe("");
    expect(saved.code).toBe(0);
    expect(saved.stdout).toContain("segment repeaters v1: 1 members");
    const list = await cli("segment", "list", "--json");
    expect(JSON.parse(list.stdout).segments).toEqual([
      expect.objectContaining({ key: "repeaters", name: "リピーター", members: 1, status: "active" }),
    ]);
    const members = await cli("segment", "members", "repeaters");
    expect(members.code).toBe(0);
    const lines = members.stdout.trim().split("\n");
    expect(lines[0]).toBe("customer_id,external_id,entered_at");
    // The member id a spreadsheet would run as a formula is written with a leading apostrophe.
    expect(lines[1]).toMatch(/^\d+,'=HYPERLINK\(1\),\d{4}-/);
  });

  it("previews a rule without saving it", async () => {
    const preview = await cli(
      "segment",
      "preview",
      file("recent.json", { type: "orders", withinDays: 30, min: 1 }),
      "--json",
    );
    expect(preview.code).toBe(0);
    expect(JSON.parse(preview.stdout).count).toBe(2);
    expect(await countRows(t.db, "segments")).toBe(1);
  });

  it("refuses a mistaken rule naming the node, and saves nothing", async () => {
    const bad = await cli(
      "segment",
      "save",
      file("bad.json", {
        key: "bad",
        name: "Bad",
        rule: { type: "any", conditions: [{ type: "event", eventType: "cart_add", withinDays: 0 }] },
      }),
    );
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("rule.conditions[0].withinDays");
    expect(await countRows(t.db, "segments")).toBe(1);
  });

  it("prints a report as a table, one of its tables as CSV, and the whole as JSON", async () => {
    const json = await cli("report", "rfm", "--format", "json");
    expect(json.stderr).toBe("");
    const report = JSON.parse(json.stdout);
    expect(report.summary).toEqual({ buyers: 3, revenue: 15500 });
    const csv = await cli("report", "rfm", "--format", "csv", "--table", "groups");
    expect(csv.stdout.split("\r\n")[0]).toBe("group,description,customers,share,revenue,average_order_value");
    const table = await cli("report", "rfm");
    expect(table.stdout).toContain("[groups] Named groups");
    // M-3's 9,000 yen, alone in the least recent cell and the dormant group.
    expect(table.stdout).toContain("9,000 JPY");
  });

  it("refuses an unknown report and a bad ad cost, naming what is wrong", async () => {
    const unknown = await cli("report", "nope");
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('unknown report "nope"');
    const bad = await cli("adcost", "set", "--channel", "google", "--month", "2026-13", "--amount", "1000");
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("month");
    const good = await cli("adcost", "set", "--channel", "google", "--month", "2026-04", "--amount", "50000");
    expect(good.code, good.stderr).toBe(0);
    const list = await cli("adcost", "list", "--json");
    expect(JSON.parse(list.stdout).costs).toEqual([
      expect.objectContaining({ channel: "google", month: "2026-04", amount: 50000, currency: "JPY" }),
    ]);
  });
});
