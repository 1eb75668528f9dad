// The Dashboard (the admin's home page) in a real browser, on a shop whose scenario and campaign
// messages earned orders this month and last month, whose email bounces at 4 %, and whose buyers fall
// into RFM groups: the owner reads the CRM revenue of both months in yen, each active scenario's share,
// the bounce warning, and the group counts, each beside a drawn chart; then on a phone, then in
// Japanese; an analyst reads the same page. The API is asked whether it agrees with what the page shows.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DASHBOARD_EXPECTED,
  DASHBOARD_SCENARIOS,
  seedDashboardShop,
} from "../analytics/dashboard-fixture.js";
import {
  type AdminBrowser,
  browserTitle,
  hasChromium,
  sidewaysOverflow,
  startAdminBrowser,
} from "./support.js";

describe.skipIf(!hasChromium)(browserTitle("the Dashboard in a real browser"), () => {
  let a: AdminBrowser;

  beforeAll(async () => {
    a = await startAdminBrowser();
    await seedDashboardShop(a.t, a.t.clock.now());
  });
  afterAll(async () => a?.close());

  const text = async (testId: string) => (await a.page.getByTestId(testId).textContent()) ?? "";
  const row = (table: string, attribute: string, value: string) =>
    a.page.getByTestId(table).locator(`tr[${attribute}="${value}"]`);

  it("shows the owner this month's and last month's CRM revenue in yen", async () => {
    await a.signIn("owner");
    await expect
      .poll(() => a.page.getByRole("heading", { name: "Dashboard", level: 1 }).isVisible())
      .toBe(true);
    expect(await text("role")).toBe("Owner");
    expect(await a.page.locator(".dashboard-who").textContent()).toContain("Test Shop");
    await expect.poll(() => text("revenue-this-month")).toBe("¥41,200");
    expect(await text("revenue-last-month")).toBe("¥14,500");
    // 41,200 against 14,500: +184.14 %.
    expect(await text("revenue-change")).toContain("+184.14%");
    const { thisMonth, lastMonth } = DASHBOARD_EXPECTED;
    const current = row("revenue-table", "data-month", (await api()).thisMonth.month);
    expect(await current.locator("td").allTextContents()).toEqual([
      "¥21,200",
      "¥20,000",
      "¥41,200",
      String(thisMonth.attributed.orders),
      // 41,200 of all sales 50,477.
      "81.62%",
    ]);
    const previous = row("revenue-table", "data-month", (await api()).lastMonth.month);
    expect(await previous.locator("td").nth(2).textContent()).toBe("¥14,500");
    expect(lastMonth.attributed.revenue).toBe(14_500);
  });

  it("lists the active scenarios with what each earned, the paused one left out", async () => {
    const names = await a.page.getByTestId("scenarios-table").locator("tbody th").allTextContents();
    expect(names).toEqual([DASHBOARD_SCENARIOS.cart, DASHBOARD_SCENARIOS.winback]);
    expect(await row("scenarios-table", "data-key", "cart").locator("td").allTextContents()).toEqual([
      "48",
      "2",
      "¥18,200",
      "¥8,000",
    ]);
    expect(await row("scenarios-table", "data-key", "winback").locator("td").allTextContents()).toEqual([
      "1",
      "1",
      "¥3,000",
      "¥4,000",
    ]);
    expect(await a.page.getByRole("link", { name: DASHBOARD_SCENARIOS.cart }).getAttribute("href")).toBe(
      "/scenarios/cart",
    );
  });

  it("warns of the bounce rate over its level, and of nothing else", async () => {
    const warning = a.page.getByTestId("warning-bounce");
    expect(await warning.isVisible()).toBe(true);
    expect(await warning.textContent()).toContain("The bounce rate is 4%, above the warning level of 2%");
    expect(await a.page.getByTestId("warning-complaint").count()).toBe(0);
    expect(await a.page.getByTestId("warning-unsubscribe").count()).toBe(0);
    expect(await a.page.getByTestId("email-paused").count()).toBe(0);
    expect(await row("deliverability-table", "data-kind", "bounce").locator("td").allTextContents()).toEqual([
      "4%",
      "2",
      "2%",
      "5%",
    ]);
    expect(await a.page.locator(".dashboard-deliverability .dashboard-note").textContent()).toContain(
      "50 emails sent in the last 30 days",
    );
  });

  it("counts the buyers per RFM group as the RFM report does", async () => {
    const report = await a.t.app.inject({ method: "GET", url: "/v1/reports/rfm", headers: a.t.secret });
    const groups = report.json().tables.groups.rows as Array<{ group: string; customers: number }>;
    expect(groups.reduce((sum, g) => sum + g.customers, 0)).toBe(DASHBOARD_EXPECTED.buyers);
    for (const g of groups) {
      expect(await row("rfm-table", "data-group", g.group).locator("td").first().textContent(), g.group).toBe(
        String(g.customers),
      );
    }
    expect(await a.page.locator(".dashboard-rfm .dashboard-note").textContent()).toContain("The 8 customers");
  });

  it("draws every chart as an SVG with its title, with a bar per figure", async () => {
    for (const chart of ["revenue-chart", "scenarios-chart", "deliverability-chart", "rfm-chart"]) {
      const svg = a.page.getByTestId(chart).locator(".recharts-wrapper > svg");
      await expect.poll(() => svg.count(), { message: chart }).toBe(1);
      // The SVG is titled after its card, for screen readers.
      const heading = await a.page
        .locator("section.dashboard-card", { has: a.page.getByTestId(chart) })
        .locator("h2")
        .textContent();
      expect(await svg.locator("title").textContent(), chart).toBe(heading);
      await expect
        .poll(() => a.page.getByTestId(chart).locator(".recharts-bar-rectangle").count(), { message: chart })
        .toBeGreaterThan(0);
      const box = await svg.boundingBox();
      expect(box?.width ?? 0, chart).toBeGreaterThan(200);
    }
    // Revenue: scenarios and campaigns stacked for each of two months (a zero campaign bar last month).
    expect(await a.page.getByTestId("revenue-chart").locator(".recharts-bar-rectangle path").count()).toBe(3);
    await a.shot("dashboard");
  });

  it("fits a 375 px phone without sideways scrolling", async () => {
    await a.page.setViewportSize({ width: 375, height: 740 });
    await a.page.reload();
    await expect.poll(() => text("revenue-this-month")).toBe("¥41,200");
    await expect
      .poll(() => a.page.getByTestId("rfm-chart").locator(".recharts-wrapper > svg").count())
      .toBe(1);
    expect(await sidewaysOverflow(a.page)).toBeLessThanOrEqual(0);
    const box = await a.page.getByTestId("revenue-chart").locator(".recharts-wrapper > svg").boundingBox();
    expect(box?.width ?? 0).toBeLessThanOrEqual(375);
    await a.shot("dashboard-mobile");
    await a.page.setViewportSize({ width: 1280, height: 800 });
  });

  it("reads in Japanese", async () => {
    await a.page.getByLabel("Language").selectOption("ja");
    await expect
      .poll(() => a.page.getByRole("heading", { name: "ダッシュボード", level: 1 }).isVisible())
      .toBe(true);
    expect(await text("role")).toBe("オーナー");
    // ja-JP writes the yen sign full width.
    expect(await text("revenue-this-month")).toBe("￥41,200");
    expect(await a.page.getByTestId("warning-bounce").textContent()).toContain(
      "バウンス率が 4% で、注意の目安 2% を超えています",
    );
    expect(await a.page.getByRole("heading", { name: "RFM グループ別の顧客" }).isVisible()).toBe(true);
    await a.shot("dashboard-ja");
  });

  it("says when a rate is over the shop's own pause limit", async () => {
    await a.t.ctx.db
      .updateTable("shops")
      .set({ settings: JSON.stringify({ deliverability: { maxBounceRate: 0.03 } }) })
      .where("id", "=", a.t.shop.shop.id)
      .execute();
    await a.page.getByRole("button", { name: "更新" }).click();
    await expect
      .poll(() => a.page.getByTestId("warning-bounce").textContent())
      .toContain("バウンス率が 4% で、自動停止の基準 3% を超えています");
    // 50 emails are under the 200 the pause waits for.
    expect(await a.page.getByTestId("warning-bounce").textContent()).toContain("200 通未満");
    expect(await a.page.getByTestId("warning-bounce").getAttribute("class")).toContain("dashboard-danger");
    await a.shot("dashboard-over-pause-limit");
  });

  it("shows an analyst the same figures", async () => {
    await a.signIn("analyst");
    await expect.poll(() => text("role")).toBe("Analyst");
    await expect.poll(() => text("revenue-this-month")).toBe("¥41,200");
    expect(await a.page.getByTestId("warning-bounce").isVisible()).toBe(true);
  });

  async function api() {
    const res = await a.t.app.inject({ method: "GET", url: "/v1/reports/dashboard", headers: a.t.secret });
    expect(res.statusCode).toBe(200);
    return res.json() as { thisMonth: { month: string }; lastMonth: { month: string } };
  }
});
