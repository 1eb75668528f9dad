// The Scenarios page in a real browser: a marketer (in Japanese, the default) finds cart abandonment in
// the library gallery, switches it on with one click, sees it running, pauses and resumes it, and opens
// its flow with the counts of a real run, goes back to an earlier version, tunes a wait and a coupon; an
// analyst reads the same page without any switch; at 375 px nothing scrolls sideways. The API is asked
// each time whether it agrees with what the page shows.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drainJobs } from "../../src/worker/index.js";
import {
  type AdminBrowser,
  browserTitle,
  hasChromium,
  sidewaysOverflow,
  startAdminBrowser,
} from "./support.js";

const CART = "cart-abandonment";
const MINUTE = 60_000;

describe.skipIf(!hasChromium)(browserTitle("the Scenarios page in a real browser"), () => {
  let a: AdminBrowser;

  beforeAll(async () => {
    a = await startAdminBrowser();
  });
  afterAll(async () => a?.close());

  async function apiScenario(key: string) {
    const res = await a.t.app.inject({ method: "GET", url: "/v1/scenarios", headers: a.t.secret });
    expect(res.statusCode).toBe(200);
    const list = res.json() as {
      scenarios: Array<{ key: string; status: string; libraryKey: string | null }>;
    };
    return list.scenarios.find((s) => s.key === key);
  }

  const card = () => a.page.locator(`li.scenario-card[data-key="${CART}"]`);
  const row = () => a.page.locator(`tr[data-key="${CART}"]`);

  it("shows a marketer the library gallery in Japanese", async () => {
    await a.signIn("marketer", { language: "ja" });
    await a.page.getByRole("navigation").getByRole("link", { name: "シナリオ" }).click();
    await expect
      .poll(() => a.page.getByRole("heading", { name: "すぐに使えるシナリオ" }).isVisible())
      .toBe(true);
    const gallery = a.page.getByRole("list", { name: "すぐに使えるシナリオ" });
    // Every library scenario has a card: the gallery is the API's library, not a copy.
    const library = (
      await a.t.app.inject({ method: "GET", url: "/v1/scenario-library", headers: a.t.secret })
    ).json() as { scenarios: Array<{ key: string }> };
    expect(library.scenarios.length).toBeGreaterThan(5);
    // The heading shows before the library has loaded: wait for the cards, not just the page.
    await expect.poll(() => gallery.locator("li.scenario-card").count()).toBe(library.scenarios.length);
    expect(await card().getByRole("heading").textContent()).toContain("カゴ落ち");
    expect(await card().textContent()).toContain("期待できる効果");
    await expect.poll(() => a.page.getByText("まだシナリオはありません").isVisible()).toBe(true);
    expect(await apiScenario(CART)).toBeUndefined();
    await a.shot("scenarios-gallery");
  });

  it("switches cart abandonment on with one click, and the API agrees it is active", async () => {
    await card()
      .getByRole("button", { name: /^オンにする/ })
      .click();
    await expect.poll(() => card().getByTestId(`library-state-${CART}`).textContent()).toContain("配信中");
    expect(await card().getByRole("button").count()).toBe(0);
    await expect.poll(() => row().locator("[data-status]").getAttribute("data-status")).toBe("active");
    expect(await row().textContent()).toContain("カゴ落ちリマインド");
    expect(await apiScenario(CART)).toMatchObject({ status: "active", libraryKey: CART });
    await a.shot("scenarios-enabled");
  });

  it("pauses and resumes it", async () => {
    await row()
      .getByRole("button", { name: /^一時停止/ })
      .click();
    await expect.poll(() => row().locator("[data-status]").getAttribute("data-status")).toBe("paused");
    expect((await apiScenario(CART))?.status).toBe("paused");
    // A paused library scenario is not shown as running on its card.
    expect(await card().getByTestId(`library-state-${CART}`).textContent()).toContain("一時停止中");

    await row().getByRole("button", { name: /^再開/ }).click();
    await expect.poll(() => row().locator("[data-status]").getAttribute("data-status")).toBe("active");
    expect((await apiScenario(CART))?.status).toBe("active");
  });

  it("opens its flow, with the counts of a real run", async () => {
    // A member adds to the cart and an hour passes: the 1-hour wait is done and the first reminder is due.
    const customer = await a.t.app.inject({
      method: "POST",
      url: "/v1/customers",
      headers: a.t.secret,
      payload: { externalId: "aoi", email: "aoi@example.jp" },
    });
    expect(customer.statusCode, customer.body).toBe(200);
    const consent = await a.t.app.inject({
      method: "POST",
      url: "/v1/customers/aoi/consents",
      headers: a.t.secret,
      payload: { consents: { email: true } },
    });
    expect(consent.statusCode, consent.body).toBe(200);
    const events = await a.t.app.inject({
      method: "POST",
      url: "/v1/events",
      headers: a.t.public,
      payload: { events: [{ type: "cart_add", customerId: "aoi", sku: "MATCHA-100" }] },
    });
    expect(events.statusCode, events.body).toBe(200);
    for (const step of [MINUTE, 61 * MINUTE, MINUTE]) {
      a.t.clock.advance(step);
      await drainJobs(a.t.ctx.db, a.t.clock);
    }
    const detail = (
      await a.t.app.inject({ method: "GET", url: `/v1/scenarios/${CART}`, headers: a.t.secret })
    ).json() as { steps: Array<{ stepId: string; entered: number; sent: number }> };
    const waitStats = detail.steps.find((s) => s.stepId === "wait-1h");
    const reminderStats = detail.steps.find((s) => s.stepId === "reminder-1h");
    expect(waitStats?.entered).toBe(1);

    await row().getByRole("link").click();
    await expect.poll(() => a.page.getByRole("heading", { level: 1 }).textContent()).toContain("カゴ落ち");
    const flow = a.page.getByRole("list", { name: "フロー" });
    // Trigger first, then the steps in the order a run meets them, then the exit goals.
    const headings = await flow.locator(":scope > li > h3").allTextContents();
    expect(headings[0]).toBe("開始のきっかけ");
    expect(headings.slice(1, 4)).toEqual(["待つ wait-1h", "メッセージを送る reminder-1h", "待つ wait-24h"]);
    expect(headings.at(-1)).toBe("途中で終了する条件");
    expect(await flow.locator(':scope > li[data-step="coupon"]').textContent()).toContain("10% 引き");
    const count = (step: string, name: string) =>
      flow.locator(`li[data-step="${step}"] [data-count="${name}"]`).textContent();
    expect(await count("wait-1h", "entered")).toBe("1");
    expect(await count("reminder-1h", "sent")).toBe(String(reminderStats?.sent));
    expect(await count("wait-24h", "entered")).toBe("0");
    expect(await a.page.getByText("版: v1").isVisible()).toBe(true);
    await a.shot("scenarios-flow");
  });

  it("keeps every version, with who entered on each, and goes back to an earlier one", async () => {
    const before = (
      await a.t.app.inject({ method: "GET", url: `/v1/scenarios/${CART}`, headers: a.t.secret })
    ).json() as { name: string; definition: Record<string, unknown> };
    const edited = await a.t.app.inject({
      method: "PUT",
      url: `/v1/scenarios/${CART}`,
      headers: a.t.secret,
      payload: { definition: { ...before.definition, name: "カゴ落ち（試験版）" } },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    await a.page.reload();
    const version = (n: number) => a.page.getByTestId(`version-${n}`);
    await expect.poll(() => version(2).textContent()).toContain("現在の版");
    expect(await version(2).textContent()).toContain("カゴ落ち（試験版）");
    // aoi entered on version 1; nobody yet on version 2.
    expect(await version(1).locator("td").nth(3).textContent()).toBe("1");
    expect(await version(2).locator("td").nth(3).textContent()).toBe("0");

    a.page.once("dialog", (dialog) => void dialog.accept());
    await version(1).getByRole("button", { name: "この版に戻す" }).click();
    await expect.poll(() => version(3).textContent()).toContain("現在の版");
    await expect.poll(() => a.page.getByRole("heading", { level: 1 }).textContent()).toBe(before.name);
    const after = (
      await a.t.app.inject({ method: "GET", url: `/v1/scenarios/${CART}`, headers: a.t.secret })
    ).json();
    expect(after).toMatchObject({ version: 3, name: before.name, definition: before.definition });
    await a.shot("scenarios-versions");
  });

  it("tunes a wait and the coupon, refusing an empty wait beside it, and saves a new version", async () => {
    await a.page.getByRole("link", { name: "調整する" }).click();
    const waitCard = a.page.locator('li[data-step="wait-1h"]');
    const hours = waitCard.getByLabel("時間", { exact: true });
    await expect.poll(() => hours.inputValue()).toBe("1");
    await hours.fill("");
    await a.page.getByRole("button", { name: "新しい版として保存" }).click();
    await expect
      .poll(() => waitCard.getByRole("alert").textContent())
      .toContain("give days, hours or minutes");
    expect((await apiScenario(CART))?.status).toBe("active");
    const unchanged = (
      await a.t.app.inject({ method: "GET", url: `/v1/scenarios/${CART}`, headers: a.t.secret })
    ).json();
    expect(unchanged.version).toBe(3);

    await hours.fill("2");
    await a.page
      .locator('li[data-step="coupon"]')
      .getByLabel(/割引（/)
      .fill("15");
    await a.shot("scenarios-editor");
    await a.page.getByRole("button", { name: "新しい版として保存" }).click();
    await expect.poll(() => a.page.getByRole("status").textContent()).toBe("新しい版を保存しました: v4");
    const saved = (
      await a.t.app.inject({ method: "GET", url: `/v1/scenarios/${CART}`, headers: a.t.secret })
    ).json() as { version: number; definition: { steps: Array<Record<string, unknown>> } };
    expect(saved.version).toBe(4);
    const step = (id: string) => saved.definition.steps.find((s) => s.id === id);
    expect(step("wait-1h")?.duration).toEqual({ hours: 2 });
    expect(step("coupon")?.action).toMatchObject({ type: "issue_coupon", kind: "percent", value: 15 });
    expect(await a.page.locator('li[data-step="coupon"]').textContent()).toContain("15% 引き");
  }, 90_000);

  it("fits a 375 px phone without sideways scrolling, on the list and the flow", async () => {
    await a.page.setViewportSize({ width: 375, height: 800 });
    expect(await sidewaysOverflow(a.page)).toBeLessThanOrEqual(0);
    await a.shot("scenarios-flow-375");
    await a.page.getByRole("link", { name: /シナリオ一覧へ/ }).click();
    await expect.poll(() => card().isVisible()).toBe(true);
    expect(await sidewaysOverflow(a.page)).toBeLessThanOrEqual(0);
    await a.shot("scenarios-gallery-375");
    await a.page.setViewportSize({ width: 1280, height: 800 });
  });

  it("lets an analyst read, in English, without any switch", async () => {
    await a.signIn("analyst");
    await a.page.getByRole("navigation").getByRole("link", { name: "Scenarios" }).click();
    await expect.poll(() => card().isVisible()).toBe(true);
    await expect.poll(() => a.page.locator("li.scenario-card").count()).toBeGreaterThan(5);
    expect(await card().getByTestId(`library-state-${CART}`).textContent()).toContain("Running");
    expect(await a.page.getByRole("button", { name: /^Switch on/ }).count()).toBe(0);
    expect(await a.page.locator("li.scenario-card button").count()).toBe(0);
    expect(await row().getByRole("button").count()).toBe(0);
    expect(await a.page.getByText("Your role reads only").isVisible()).toBe(true);
    await row().getByRole("link").click();
    await expect.poll(() => a.page.getByRole("list", { name: "Flow" }).isVisible()).toBe(true);
    expect(await a.page.getByRole("button", { name: /Pause|Resume/ }).count()).toBe(0);
    await a.shot("scenarios-flow-analyst");
  });
});
