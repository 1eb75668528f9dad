// The Analytics page in a real browser: given a shop whose five buyers fall one per RFM quintile, with
// orders spread over five months, an analyst (in Japanese) reads the RFM heatmap cell by cell as the
// API gives it, the F2 curves drawn as lines, the cohort table's first cohort, LTV, products and
// performance; downloads a table as CSV; sees a bad parameter refused beside its field; and at 375 px
// nothing scrolls sideways.
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScenario } from "../../src/scenarios/index.js";
import { templatesFor } from "../scenarios/support.js";
import {
  type AdminBrowser,
  browserTitle,
  hasChromium,
  sidewaysOverflow,
  startAdminBrowser,
} from "./support.js";

const DAY = 86_400_000;

interface ApiTable {
  rows: Array<Record<string, string | number | null>>;
}

describe.skipIf(!hasChromium)(browserTitle("the Analytics page in a real browser"), () => {
  let a: AdminBrowser;

  beforeAll(async () => {
    a = await startAdminBrowser();
    // Ck (k = 1..5) has k orders, the last (k - 1) × 30 days ago, two days apart (C2's 40 days apart):
    // C1 is the most recent and least frequent, C5 the least recent and most frequent, so their (R, F)
    // cells are (5, 1), (4, 2), (3, 3), (2, 4), (1, 5).
    const now = a.t.clock.now().getTime();
    const orders = [];
    for (let k = 1; k <= 5; k++) {
      for (let n = 0; n < k; n++) {
        orders.push({
          externalId: `C${k}-${n}`,
          customerId: `C${k}`,
          orderedAt: new Date(now - ((k - 1) * 30 + n * (k === 2 ? 40 : 2)) * DAY).toISOString(),
          items: [
            { sku: n % 2 === 0 ? "TEA-1" : "CUP-1", quantity: 1, unitPrice: 1000 },
            ...(k % 2 === 0 ? [{ sku: "CUP-1", quantity: 2, unitPrice: 500 }] : []),
          ],
        });
      }
    }
    const res = await a.t.app.inject({
      method: "POST",
      url: "/v1/orders/batch",
      headers: a.t.secret,
      payload: { orders },
    });
    expect(res.statusCode, res.body).toBe(200);
    await layDownTwoScenariosMessages();
  });
  afterAll(async () => a?.close());

  /**
   * Two journeys and their sent mail, as the delivery worker and tracking write it: the welcome mail
   * went to 4 (3 opened, 2 clicked), the win-back mail to 2 (1 opened).
   */
  async function layDownTwoScenariosMessages() {
    const { db } = a.t.ctx;
    const shopId = a.t.shop.shop.id;
    await templatesFor(a.t, ["welcome", "winback"], ["email"]);
    const customer = await db
      .selectFrom("customers")
      .select("id")
      .where("shop_id", "=", shopId)
      .executeTakeFirstOrThrow();
    const at = new Date(a.t.clock.now().getTime() - 5 * DAY).toISOString();
    let seq = 0;
    for (const [key, name, sends] of [
      [
        "welcome",
        "Welcome mail",
        [
          [true, true],
          [true, true],
          [true, false],
          [false, false],
        ],
      ],
      [
        "winback",
        "Win-back mail",
        [
          [true, false],
          [false, false],
        ],
      ],
    ] as const) {
      const scenario = await createScenario(db, a.t.clock, shopId, {
        key,
        definition: {
          name,
          trigger: { type: "event", eventTypes: ["page_view"] },
          start: "mail",
          steps: [
            { id: "mail", type: "send", template: key, channels: ["email"], next: "end" },
            { id: "end", type: "end" },
          ],
        },
      });
      for (const [opened, clicked] of sends) {
        await db
          .insertInto("messages")
          .values({
            shop_id: shopId,
            customer_id: customer.id,
            channel: "email",
            template_key: key,
            message_class: "promotional",
            status: "delivered",
            status_reason: null,
            idempotency_key: `fixture:${++seq}`,
            scenario_id: scenario.id,
            scenario_version: 1,
            run_id: null,
            step_id: "mail",
            campaign_id: null,
            variant: null,
            payload: "{}",
            queued_at: at,
            sent_at: at,
            opened_at: opened ? at : null,
            clicked_at: clicked ? at : null,
            updated_at: at,
            due_at: null,
            address: null,
            provider_id: null,
            delivered_at: at,
            converted_at: null,
          })
          .execute();
      }
    }
  }

  async function apiReport(name: string, query = "") {
    const res = await a.t.app.inject({
      method: "GET",
      url: `/v1/reports/${name}${query}`,
      headers: a.t.secret,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { tables: Record<string, ApiTable> };
  }

  const section = (table: string) => a.page.locator(`section[data-table="${table}"]`);

  it("shows an analyst the RFM heatmap with each cell's count as the API gives it", async () => {
    await a.signIn("analyst", { language: "ja" });
    await a.page.getByRole("link", { name: "分析", exact: true }).click();
    await expect.poll(() => a.page.url()).toMatch(/\/analytics\/rfm$/);
    const heatmap = a.page.getByRole("table", { name: "R × F の分布（5 = 最近・回数が多い）" });
    await expect.poll(() => heatmap.locator("td.analytics-heatmap-cell").count()).toBe(25);

    const grid = (await apiReport("rfm")).tables.grid.rows;
    expect(grid).toHaveLength(25);
    for (const row of grid) {
      const cell = heatmap.locator(`td[data-series="${row.recency}"][data-x="${row.frequency}"]`);
      expect(await cell.locator("strong").textContent()).toBe(String(row.customers));
    }
    // The seeded buyers, one per cell on the diagonal: C1 in (R5, F1), and none in (R5, F5).
    expect(await heatmap.locator('td[data-series="5"][data-x="1"] strong').textContent()).toBe("1");
    expect(await heatmap.locator('td[data-series="5"][data-x="5"] strong').textContent()).toBe("0");
    // Money in yen, groups by their Japanese names.
    const groups = section("groups");
    await groups.locator("summary").click();
    expect(await groups.getByRole("table").textContent()).toContain("離反リスク");
    await section("monetary").locator("summary").click();
    expect(await section("monetary").getByRole("table").textContent()).toContain("￥5,000");
    await a.shot("analytics-rfm");
  });

  it("downloads a table as the API's CSV, header row first", async () => {
    const link = section("grid").getByRole("link", { name: /^CSV をダウンロード/ });
    expect(await link.getAttribute("href")).toBe("/v1/reports/rfm?format=csv&table=grid");
    const [download] = await Promise.all([a.page.waitForEvent("download"), link.click()]);
    expect(download.suggestedFilename()).toBe("rfm-grid.csv");
    const csv = await readFile(await download.path(), "utf8");
    const lines = csv.replace(/^\uFEFF/, "").split("\r\n");
    expect(lines[0]).toBe("recency,frequency,customers,share,revenue");
    expect(lines.filter((l) => l !== "")).toHaveLength(26);
    // The plain link is the same CSV for a member of one shop: the session picks the shop.
    const direct = await a.page.evaluate(
      async (href) => (await fetch(href)).text(),
      "/v1/reports/rfm?format=csv&table=grid",
    );
    expect(direct.replace(/^\uFEFF/, "").split("\r\n")[0]).toBe(lines[0]);
  });

  it("draws the F2 curves by first-order month as SVG lines", async () => {
    await a.page.getByRole("link", { name: "F2 転換", exact: true }).click();
    const chart = section("byMonth").locator("figure.analytics-chart");
    await expect.poll(() => chart.locator("path.recharts-line-curve").count()).toBe(5);
    const d = await chart.locator("path.recharts-line-curve").first().getAttribute("d");
    expect(d).toMatch(/^M[\d.]+,[\d.]+/);
    // The windows table: of the four buyers with a first order ≥ 30 days ago (C2–C5), the three with a
    // second order two days after the first (C3, C4, C5; C2's came 40 days later) make a 75 % rate.
    const windows = (await apiReport("f2")).tables.windows.rows;
    expect(windows[0]).toMatchObject({ days: 30, eligible: 4, repeated: 3, rate: 0.75 });
    await section("windows").locator("summary").click();
    expect(await section("windows").locator('td[data-column="rate"]').first().textContent()).toBe("75%");
    await a.shot("analytics-f2");
  });

  it("shows the cohort table with the first cohort's cells", async () => {
    await a.page.getByRole("link", { name: "コホート", exact: true }).click();
    const retention = section("retention").getByRole("table");
    await expect.poll(() => retention.locator("tbody tr").count()).toBe(13);
    const rows = (await apiReport("cohorts")).tables.retention.rows;
    const first = rows.find((r) => Number(r.customers) > 0);
    expect(first).toBeDefined();
    const row = retention.locator(`tr[data-row="${first?.cohort}"]`);
    expect(await row.locator('td[data-column="customers"]').textContent()).toBe(String(first?.customers));
    // Everyone orders in their first month: M0 is 100 %.
    expect(first?.m0).toBe(1);
    expect(await row.locator('td[data-column="m0"]').textContent()).toBe("100%");
    const [year, month] = String(first?.cohort).split("-").map(Number);
    expect(await row.locator("th").textContent()).toBe(`${year}年${month}月`);
    await a.shot("analytics-cohorts");
  });

  it("refuses a parameter out of range beside its field, and applies one in range", async () => {
    await a.page.goto(`${a.base}/analytics/cohorts?months=500`);
    const field = a.page.getByLabel("対象の月数");
    await expect.poll(() => field.getAttribute("aria-invalid")).toBe("true");
    const describedBy = await field.getAttribute("aria-describedby");
    expect(await a.page.locator(`#${describedBy}`).textContent()).toMatch(/120/);

    await field.fill("3");
    await field.press("Enter");
    await expect.poll(() => a.page.url()).toMatch(/months=3$/);
    await expect.poll(() => section("retention").locator("tbody tr").count()).toBe(4);
    const link = section("retention").getByRole("link", { name: /^CSV をダウンロード/ });
    expect(await link.getAttribute("href")).toBe("/v1/reports/cohorts?months=3&format=csv&table=retention");
  });

  it("shows LTV by first-order month as lines, in yen", async () => {
    await a.page.getByRole("link", { name: "LTV", exact: true }).click();
    const chart = section("byCohort").locator("figure.analytics-chart");
    await expect.poll(() => chart.locator("path.recharts-line-curve").count()).toBe(2);
    const rows = (await apiReport("ltv")).tables.byCohort.rows;
    await section("byCohort").locator("summary").click();
    const cells = section("byCohort").locator('td[data-column="ltv_to_date"]');
    expect(await cells.count()).toBe(rows.length);
    expect(await cells.first().textContent()).toBe(
      `￥${Number(rows[0].ltv_to_date).toLocaleString("ja-JP")}`,
    );
    await a.shot("analytics-ltv");
  });

  it("shows products as bar charts", async () => {
    await a.page.getByRole("link", { name: "商品", exact: true }).click();
    const chart = section("products").locator("figure.analytics-chart");
    await expect.poll(() => chart.locator(".recharts-bar-rectangle").count()).toBe(2);
    const products = (await apiReport("products")).tables.products.rows;
    expect(products.map((p) => p.sku).sort()).toEqual(["CUP-1", "TEA-1"]);
    await expect
      .poll(() => section("weekdays").locator(".recharts-bar-rectangle").count())
      .toBeGreaterThan(0);
    await a.shot("analytics-products");
  });

  it("shows the performance comparison with its period form", async () => {
    await a.page.getByRole("link", { name: "配信成果", exact: true }).click();
    await expect.poll(() => a.page.getByLabel("開始日").isVisible()).toBe(true);
    await a.page.getByLabel("開始日").fill("2026-01-01");
    await a.page.getByRole("button", { name: "表示する" }).click();
    await expect.poll(() => a.page.url()).toMatch(/from=2026-01-01$/);
    // The scenarios side by side, as the API counts them: sends, opens and the open rate.
    const scenarios = (await apiReport("performance", "?from=2026-01-01")).tables.scenarios.rows;
    expect(scenarios.map((r) => [r.scenario, r.sent, r.opened, r.clicked])).toEqual([
      ["Welcome mail", 4, 3, 2],
      ["Win-back mail", 2, 1, 0],
    ]);
    const comparison = section("scenarios");
    await expect.poll(() => comparison.locator(".recharts-bar-rectangle").count()).toBeGreaterThan(0);
    await comparison.locator("summary").click();
    const welcome = comparison.locator("tbody tr").filter({ hasText: "Welcome mail" });
    expect(await welcome.locator('td[data-column="sent"]').textContent()).toBe("4");
    expect(await welcome.locator('td[data-column="open_rate"]').textContent()).toBe("75%");
    // Counts and rates each get a chart, with both scenarios on them.
    const charts = comparison.locator("figure.analytics-chart");
    expect(await charts.count()).toBe(2);
    expect(await charts.nth(0).textContent()).toContain("Win-back mail");
    expect(await charts.nth(1).textContent()).toContain("開封率");
    await a.shot("analytics-performance");
  });

  it("fits a 375 px screen without sideways scroll", async () => {
    await a.page.setViewportSize({ width: 375, height: 800 });
    for (const name of ["rfm", "f2", "cohorts", "ltv", "products", "performance"]) {
      await a.page.goto(`${a.base}/analytics/${name}`);
      await expect.poll(() => a.page.locator("section.analytics-section").count()).toBeGreaterThan(0);
      expect(await sidewaysOverflow(a.page), name).toBeLessThanOrEqual(0);
    }
    await a.page.goto(`${a.base}/analytics/rfm`);
    await expect.poll(() => a.page.locator("td.analytics-heatmap-cell").count()).toBe(25);
    expect(await sidewaysOverflow(a.page)).toBeLessThanOrEqual(0);
    await a.shot("analytics-mobile");
  });
});
