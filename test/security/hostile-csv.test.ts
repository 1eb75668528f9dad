// Every CSV Kizuna writes is opened in a spreadsheet sooner or later, and a cell that starts with = + - @
// a tab or a carriage return is run there as a formula (CSV injection). Customers, products and file
// headers come from outside, so each export is fed such values here: the postal DM export, report
// tables (API and `kizuna report --format csv`), segment members (`kizuna segment members`) and the
// import's errors file. Each cell comes out with OWASP's leading apostrophe, through the one shared
// function in src/core/csv.ts; a Japanese phone number is printed in its national form (090-…), an
// international one keeps its + behind the apostrophe, readable either way.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csvCell, csvLine, defuseFormula } from "../../src/core/csv.js";
import { queuePostal } from "../messaging/postal/support.js";
import type { TestApp } from "../support/app.js";
import { runCli } from "../support/cli.js";
import { createHostileTestApp } from "./hostile-support.js";

const NOW = "2026-06-01T00:00:00.000Z";
const HYPERLINK = '=HYPERLINK("http://evil","x")';
const CLI_TIMEOUT = 120_000;

const readCsv = (text: string): string[][] => parse(text, { bom: true });

describe("the shared cell function", () => {
  it("prefixes every formula start OWASP names, and nothing else", () => {
    for (const start of ["=", "+", "-", "@", "\t", "\r"]) {
      expect(defuseFormula(`${start}1+1`)).toBe(`'${start}1+1`);
    }
    for (const safe of ["山田", "090-1234-5678", "1+1", " =1", "'=1", "", "A=1"]) {
      expect(defuseFormula(safe)).toBe(safe);
    }
    expect(csvCell(HYPERLINK)).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csvCell("\r=1")).toBe(`"'\r=1"`);
    // Numbers are the exporter's own figures, not text from outside: a negative stays a number.
    expect(csvLine([-5, 0.25, null, "+81 90"])).toBe("-5,0.25,,'+81 90");
  });
});

describe("exports through the API", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createHostileTestApp(NOW);
  });
  afterAll(async () => t?.close());

  async function customer(body: Record<string, unknown>): Promise<number> {
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/customers",
      headers: t.secret,
      payload: body,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().customer.id;
  }

  it("postal DM export: names, address lines and phones starting a formula are defused", async () => {
    const mallory = await customer({
      externalId: "M-1",
      lastName: HYPERLINK,
      firstName: "太郎",
      postalCode: "1500001",
      prefecture: "東京都",
      address: "渋谷区神宮前1-2-3 -2+3 号室",
      phone: "+14155550100",
    });
    const hanako = await customer({
      externalId: "M-2",
      lastName: "@SUM(A1:A9)",
      firstName: "花子",
      postalCode: "5300001",
      prefecture: "大阪府",
      address: "大阪市北区梅田1-1\n=1+1",
      phone: "+81 90 1234 5678",
    });
    const shopId = t.shop.shop.id;
    const ids = [
      await queuePostal(t.ctx.db, shopId, mallory, NOW),
      await queuePostal(t.ctx.db, shopId, hanako, NOW),
    ];
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/postal/exports",
      headers: t.secret,
      payload: {},
    });
    expect(res.statusCode, res.body).toBe(200);
    const [, ...rows] = readCsv(res.rawPayload.toString("utf8"));
    const byId = new Map(rows.map((r) => [Number(r[8]), r]));
    expect(byId.get(ids[0])?.slice(2, 7)).toEqual([
      "渋谷区神宮前1-2-3",
      "'-2+3 号室",
      `'${HYPERLINK}\u3000太郎`,
      "",
      "'+1 415 555 0100",
    ]);
    expect(byId.get(ids[1])?.slice(2, 7)).toEqual([
      "大阪市北区梅田1-1",
      "'=1+1",
      "'@SUM(A1:A9)\u3000花子",
      "",
      "090-1234-5678",
    ]);
  });

  it("report tables as CSV: product names and categories from the catalogue are defused", async () => {
    for (const [sku, name, categoryPath] of [
      ["EVIL-1", HYPERLINK, "+81/電話"],
      ["EVIL-2", "-1+1", "@cmd"],
    ]) {
      const res = await t.app.inject({
        method: "POST",
        url: "/v1/products",
        headers: t.secret,
        payload: { sku, name, categoryPath, price: 1000 },
      });
      expect(res.statusCode, res.body).toBe(200);
    }
    const orders = ["EVIL-1", "EVIL-2"].map((sku, i) => ({
      externalId: `O-${i}`,
      customerId: "M-1",
      orderedAt: "2026-05-20T03:00:00.000Z",
      items: [{ sku, quantity: 1, unitPrice: 1000 * (i + 2) }],
    }));
    const batch = await t.app.inject({
      method: "POST",
      url: "/v1/orders/batch",
      headers: t.secret,
      payload: { orders },
    });
    expect(batch.statusCode, batch.body).toBe(200);
    const res = await t.app.inject({
      method: "GET",
      url: "/v1/reports/products?format=csv&table=products",
      headers: t.secret,
    });
    expect(res.statusCode, res.body).toBe(200);
    const [header, ...rows] = readCsv(res.body);
    const cells = rows.map((r) => [r[header.indexOf("name")], r[header.indexOf("category")]]);
    expect(cells).toEqual(
      expect.arrayContaining([
        [`'${HYPERLINK}`, "'+81/電話"],
        ["'-1+1", "'@cmd"],
      ]),
    );
  });
});

describe("exports through the CLI (the built bin)", { timeout: CLI_TIMEOUT }, () => {
  let t: TestApp;
  let dir: string;
  const cli = (...args: string[]) => runCli(args, t.testDb.env);

  beforeAll(async () => {
    t = await createHostileTestApp(new Date(Date.now() - 3_600_000).toISOString());
    dir = mkdtempSync(join(tmpdir(), "kizuna-hostile-csv-"));
    const orders = [HYPERLINK, "+819012345678", "-2+3", "@SUM(A1)", "\t=1"].map((customerId, i) => ({
      externalId: `O-${i}`,
      customerId,
      orderedAt: new Date(Date.now() - (i + 2) * 86_400_000).toISOString(),
      items: [{ sku: i === 0 ? "EVIL" : "TEA", quantity: 1, unitPrice: 1000 }],
    }));
    const product = await t.app.inject({
      method: "POST",
      url: "/v1/products",
      headers: t.secret,
      payload: { sku: "EVIL", name: HYPERLINK, price: 1000 },
    });
    expect(product.statusCode, product.body).toBe(200);
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/orders/batch",
      headers: t.secret,
      payload: { orders },
    });
    expect(res.statusCode, res.body).toBe(200);
  }, CLI_TIMEOUT);
  afterAll(async () => t?.close());

  it("kizuna segment members: external ids starting a formula are defused", async () => {
    const rule = join(dir, "buyers.json");
    writeFileSync(rule, JSON.stringify({ key: "buyers", name: "購入者", rule: { type: "orders", min: 1 } }));
    const saved = await cli("segment", "save", rule);
    expect(saved.code, saved.stderr).toBe(0);
    const members = await cli("segment", "members", "buyers");
    expect(members.code, members.stderr).toBe(0);
    const ids = readCsv(members.stdout)
      .slice(1)
      .map((r) => r[1])
      .sort();
    expect(ids).toEqual(["'\t=1", "'+819012345678", "'-2+3", "'@SUM(A1)", `'${HYPERLINK}`].sort());
  });

  it("kizuna report --format csv: a product name starting a formula is defused", async () => {
    const res = await cli("report", "products", "--format", "csv", "--table", "products");
    expect(res.code, res.stderr).toBe(0);
    const [header, ...rows] = readCsv(res.stdout);
    expect(rows.map((r) => r[header.indexOf("name")])).toContain(`'${HYPERLINK}`);
  });

  it("kizuna import --errors: the file's own column names and values are defused in the errors CSV", async () => {
    const mapping = join(dir, "mapping.json");
    writeFileSync(
      mapping,
      JSON.stringify({ kind: "customers", columns: { [HYPERLINK]: "externalId", "+メール": "email" } }),
    );
    const file = join(dir, "customers.csv");
    writeFileSync(file, `"${HYPERLINK.replaceAll('"', '""')}",+メール\r\nK-1,=not-an-email\r\n`);
    const errors = join(dir, "errors.csv");
    const res = await cli("import", "customers", file, "--mapping", mapping, "--errors", errors);
    expect(res.code).toBe(1);
    const [header, ...rows] = readCsv(readFileSync(errors, "utf8"));
    expect(header).toEqual(["row", "column", "field", "reason"]);
    expect(rows).toHaveLength(1);
    expect(rows[0][1]).toBe("'+メール");
    for (const cell of rows.flat()) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });
});
