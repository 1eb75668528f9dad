// The Segments page in a real browser: given a shop of seven customers whose orders and prefectures are
// known, a marketer builds "repeaters in Tokyo" with the visual rule builder and watches the live count
// follow every change (each count checked against the seed and against the API's own preview of the
// same rule), sees a bad value refused beside its input, saves, and finds the segment in the list with
// its members; the ready-made segments install with one click; an analyst only reads; 375 px fits.
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refreshCustomerMetrics } from "../../src/analytics/metrics.js";
import {
  type AdminBrowser,
  browserTitle,
  hasChromium,
  sidewaysOverflow,
  startAdminBrowser,
} from "./support.js";

// externalId → [prefecture, number of orders]
const SEED: Record<string, [string | null, number]> = {
  c1: ["東京都", 2],
  c2: ["東京都", 1],
  c3: ["東京都", 0],
  c4: ["大阪府", 3],
  c5: ["大阪府", 0],
  c6: [null, 1],
  c7: [null, 2],
};
const matching = (test: (prefecture: string | null, orders: number) => boolean) =>
  Object.values(SEED).filter(([prefecture, orders]) => test(prefecture, orders)).length;

describe.skipIf(!hasChromium)(browserTitle("the Segments page in a real browser"), () => {
  let admin: AdminBrowser;
  let page: Page;
  const condition = (n: number): Locator => page.locator(".segments-condition").nth(n);
  const liveCount = () => page.getByTestId("live-count");

  /** What the API itself counts for a rule, to hold the page's number against. */
  const apiCount = async (rule: unknown): Promise<number> => {
    const res = await admin.t.app.inject({
      method: "POST",
      url: "/v1/segments/preview",
      headers: admin.t.secret,
      payload: { rule, sample: 0 },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().count;
  };
  const expectCount = async (expected: number, rule: unknown) => {
    expect(await apiCount(rule)).toBe(expected);
    await expect
      .poll(() => liveCount().innerText())
      .toBe(`${expected} ${expected === 1 ? "customer" : "customers"}`);
  };

  beforeAll(async () => {
    admin = await startAdminBrowser();
    page = admin.page;
    const { app } = admin.t;
    const headers = admin.t.secret;
    let orderNumber = 0;
    for (const [externalId, [prefecture, orders]] of Object.entries(SEED)) {
      const res = await app.inject({
        method: "POST",
        url: "/v1/customers",
        headers,
        payload: {
          externalId,
          email: `${externalId}@example.jp`,
          lastName: "顧客",
          firstName: externalId,
          ...(prefecture ? { prefecture } : {}),
        },
      });
      expect(res.statusCode, res.body).toBeLessThan(300);
      for (let i = 0; i < orders; i++) {
        orderNumber++;
        const order = await app.inject({
          method: "POST",
          url: "/v1/orders",
          headers,
          payload: {
            externalId: `o-${orderNumber}`,
            customerId: externalId,
            orderedAt: new Date(Date.now() - (10 + i * 20) * 86_400_000).toISOString(),
            items: [{ sku: "TEA", quantity: 1, unitPrice: 1200 }],
          },
        });
        expect(order.statusCode, order.body).toBe(200);
      }
    }
    // Order counts are read from the metrics the worker's analytics pass keeps.
    await refreshCustomerMetrics(admin.t.testDb.db, admin.t.shop.shop.id, { now: new Date() });
  });
  afterAll(() => admin?.close());

  it("builds a segment with a live count that follows every change", async () => {
    await admin.signIn("marketer");
    await page.getByRole("link", { name: "Segments" }).first().click();
    await page.getByRole("link", { name: "New segment" }).click();
    await page.getByLabel("Segment name").fill("東京のリピーター");
    await page.getByLabel(/^Key/).fill("tokyo-repeaters");
    await expect.poll(() => liveCount().innerText()).toBe("Add a condition to see how many customers match");

    // The first condition starts as "ordered at least once".
    await page.getByRole("button", { name: "Add a condition" }).click();
    await expectCount(
      matching((_, orders) => orders >= 1),
      { type: "all", conditions: [{ type: "orders", measure: "count", min: 1 }] },
    );
    await condition(0).getByLabel("At least").fill("2");
    const repeaters = { type: "orders", measure: "count", min: 2 };
    await expectCount(
      matching((_, orders) => orders >= 2),
      { type: "all", conditions: [repeaters] },
    );
    // The sample lists customers who match, linked to their profiles.
    await expect.poll(() => page.locator(".segments-preview tbody tr").count()).toBe(3);

    // A second condition: prefecture is Tokyo.
    await page.getByRole("button", { name: "Add a condition" }).click();
    await condition(1).getByLabel("Kind of condition").selectOption({ label: "Profile" });
    await condition(1).getByLabel("Field").selectOption({ label: "Prefecture" });
    await condition(1).getByLabel("Comparison").selectOption({ label: "equals" });
    await condition(1).getByLabel("Value").fill("東京都");
    const tokyo = { type: "profile", field: "prefecture", op: "eq", value: "東京都" };
    await expectCount(
      matching((prefecture, orders) => orders >= 2 && prefecture === "東京都"),
      { type: "all", conditions: [repeaters, tokyo] },
    );
    await admin.shot("segments-builder");

    // "any" instead of "all".
    await page.getByLabel("Match").first().selectOption("any");
    await expectCount(
      matching((prefecture, orders) => orders >= 2 || prefecture === "東京都"),
      { type: "any", conditions: [repeaters, tokyo] },
    );
    await page.getByLabel("Match").first().selectOption("all");

    // Excluding Tokyo: customers with no prefecture are not in Tokyo either.
    await condition(1).getByLabel("Exclude (NOT)").check();
    await expectCount(
      matching((prefecture, orders) => orders >= 2 && prefecture !== "東京都"),
      { type: "all", conditions: [repeaters, { type: "not", condition: tokyo }] },
    );
    await condition(1).getByLabel("Exclude (NOT)").uncheck();
    await expectCount(1, { type: "all", conditions: [repeaters, tokyo] });
  });

  it("shows a value the server refuses beside its input, and the count waits for a fix", async () => {
    const within = condition(0).getByLabel("In the last (days)");
    await within.fill("0");
    // The server's answer names rule.conditions[0].withinDays; the page ties it to this input.
    await expect.poll(() => within.getAttribute("aria-describedby")).toBeTruthy();
    const described = await within.getAttribute("aria-describedby");
    expect(await within.getAttribute("aria-invalid")).toBe("true");
    await expect
      .poll(() => page.locator(`[id="${described}"]`).innerText())
      .toMatch(/>=\s*1|at least 1|too small/i);
    await expect.poll(() => liveCount().innerText()).toBe("Check the conditions");
    await admin.shot("segments-error");
    await within.fill("");
    await expect.poll(() => liveCount().innerText()).toBe("1 customer");
  });

  it("saves the segment, which the list shows with its members", async () => {
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.getByRole("status").innerText()).toBe("Saved. Members: 1 customer");
    expect(new URL(page.url()).pathname).toBe("/segments/tokyo-repeaters");
    const stored = await admin.t.app.inject({
      method: "GET",
      url: "/v1/segments/tokyo-repeaters",
      headers: admin.t.secret,
    });
    expect(stored.json()).toMatchObject({
      name: "東京のリピーター",
      version: 1,
      members: 1,
      rule: {
        type: "all",
        conditions: [
          { type: "orders", measure: "count", min: 2 },
          { type: "profile", field: "prefecture", op: "eq", value: "東京都" },
        ],
      },
    });
    await admin.shot("segments-saved");

    await page.getByRole("link", { name: "All segments" }).click();
    await expect.poll(() => page.getByTestId("members-tokyo-repeaters").innerText()).toBe("1");
  });

  it("installs the ready-made segments with one click", async () => {
    await page.getByRole("button", { name: "Add the ready-made segments" }).click();
    await expect.poll(() => page.getByRole("status").innerText()).toMatch(/^\d+ segments added$/);
    const installed = Number((await page.getByRole("status").innerText()).split(" ")[0]);
    expect(installed).toBeGreaterThan(0);
    const res = await admin.t.app.inject({ method: "GET", url: "/v1/segments", headers: admin.t.secret });
    const active = res.json().segments.filter((s: { status: string }) => s.status === "active");
    expect(active).toHaveLength(installed + 1);
    await expect.poll(() => page.locator(".segments tbody tr").count()).toBe(installed + 1);
    await admin.shot("segments-list");
  });

  it("fits a 375 px wide screen", async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(`${admin.base}/segments/tokyo-repeaters`);
    await expect.poll(() => liveCount().innerText()).toBe("1 customer");
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await admin.shot("segments-mobile");
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it("lets an analyst read a segment but not change it", async () => {
    await admin.signIn("analyst");
    await page.goto(`${admin.base}/segments/tokyo-repeaters`);
    await expect.poll(() => page.getByTestId("saved-members").innerText()).toBe("1");
    expect(await page.getByRole("button", { name: "Save" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Add a condition" }).count()).toBe(0);
    expect(await condition(0).getByLabel("At least").isDisabled()).toBe(true);
    expect(await page.getByRole("link", { name: "New segment" }).count()).toBe(0);
  });
});
