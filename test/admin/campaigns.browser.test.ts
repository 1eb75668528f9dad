// The Campaigns page in a real browser: given a shop with a VIP segment of eight customers (one without
// consent, one suppressed, one already messaged today so the daily cap holds them back) and two email
// templates, a marketer writes an A/B campaign, has a test share that leaves no room for the holdout
// refused beside its field, sees the audience to confirm (8 matching → 6 reachable → 5 sendable, 2 held
// out: what POST /v1/campaigns/preview says), schedules it for 10:00 tomorrow shop time, finds it listed
// as scheduled at that time, opens it and cancels it. A campaign already sent shows its results per arm.
// An analyst sees no create or cancel. Nothing scrolls sideways at 375 px.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drainJobs } from "../../src/worker/index.js";
import { HOUR, templatesFor, upsertCustomer } from "../scenarios/support.js";
import {
  type AdminBrowser,
  browserTitle,
  hasChromium,
  sidewaysOverflow,
  startAdminBrowser,
} from "./support.js";

const ZONE = "Asia/Tokyo"; // the test shop's zone

/** The campaign the marketer enters through the form, as the API receives it. */
const summerSale = {
  name: "Summer sale",
  audience: { type: "segment", key: "vip" },
  channels: ["email"],
  messageClass: "promotional",
  variants: [
    { name: "A", template: "summer.a" },
    { name: "B", template: "summer.b" },
  ],
  abTest: { testPercent: 40, winnerAfterHours: 4, metric: "clicks" },
  holdoutPercent: 25,
  conversionWindowHours: 72,
};

describe.skipIf(!hasChromium)(browserTitle("the Campaigns page in a real browser"), () => {
  let a: AdminBrowser;
  let page: Page;
  /** Tomorrow in the shop's zone, "YYYY-MM-DD". */
  let tomorrow: string;

  const api = async (method: "GET" | "POST", url: string, payload?: unknown) => {
    const res = await a.t.app.inject({
      method,
      url,
      headers: a.t.secret,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json();
  };

  beforeAll(async () => {
    a = await startAdminBrowser();
    page = a.page;
    // Shorter than the test's own timeout, so a failure names the step that waited.
    page.setDefaultTimeout(10_000);
    const t = a.t;
    await templatesFor(t, ["summer.a", "summer.b"], ["email"]);
    const ids: Record<string, number> = {};
    for (let i = 1; i <= 8; i++) {
      // V7 never consented; the others did.
      ids[`V${i}`] = await upsertCustomer(
        t,
        { externalId: `V${i}`, email: `v${i}@example.jp`, attributes: { vip: true } },
        i === 7 ? {} : { email: true },
      );
    }
    await upsertCustomer(t, { externalId: "N1", email: "n1@example.jp" }, { email: true });
    const now = t.clock.now();
    // V8's address bounced: it is on the suppression list.
    await t.ctx.db
      .insertInto("suppressions")
      .values({
        shop_id: t.shop.shop.id,
        channel: "email",
        address: "v8@example.jp",
        reason: "hard_bounce",
        created_at: now.toISOString(),
      })
      .execute();
    // V2 had a promotional email an hour ago: the daily cap of one holds them back.
    await t.ctx.db
      .insertInto("messages")
      .values({
        shop_id: t.shop.shop.id,
        customer_id: ids.V2,
        channel: "email",
        template_key: "summer.a",
        message_class: "promotional",
        status: "queued",
        status_reason: null,
        idempotency_key: "earlier:V2",
        payload: "{}",
        queued_at: new Date(now.getTime() - HOUR).toISOString(),
        updated_at: now.toISOString(),
      })
      .execute();
    const segment = await api("POST", "/v1/segments/preview", {
      rule: { type: "attribute", name: "vip", op: "eq", value: true },
    });
    expect(segment.count).toBe(8);
    const saved = await t.app.inject({
      method: "PUT",
      url: "/v1/segments/vip",
      headers: t.secret,
      payload: { name: "VIP", rule: { type: "attribute", name: "vip", op: "eq", value: true } },
    });
    expect(saved.json().members, saved.body).toBe(8);
    tomorrow = new Intl.DateTimeFormat("en-CA", { timeZone: ZONE }).format(new Date(Date.now() + 24 * HOUR));
  });
  afterAll(async () => a?.close());

  const listRow = (name: string) => page.locator(".campaigns-table tbody tr", { hasText: name });

  it("lists no campaigns yet and offers a marketer a new one", async () => {
    await a.signIn("marketer");
    await page.getByRole("link", { name: "Campaigns" }).first().click();
    await expect.poll(() => page.getByText("No campaigns yet.").isVisible()).toBe(true);
    await page.getByRole("link", { name: "New campaign" }).click();
    await page.getByLabel("Campaign name").waitFor();
  });

  it("refuses a test share that leaves no room for the holdout, beside the test share", async () => {
    await page.getByLabel("Campaign name").fill(summerSale.name);
    expect(await page.getByLabel("Segment").locator("option", { hasText: "VIP (8 members)" }).count()).toBe(
      1,
    );
    await page.getByLabel("Segment").selectOption("vip");
    await page.getByLabel("Channel", { exact: true }).selectOption("email");
    await page.getByLabel("Template", { exact: true }).selectOption("summer.a");
    await page.getByRole("button", { name: "Add an A/B test variant" }).click();
    await page.getByLabel("Variant B: Template").selectOption("summer.b");
    await page.getByLabel("Share tested first (%)").fill("60");
    await page.getByLabel("Holdout: share not sent, for comparison (%)").fill("50");
    await a.shot("campaigns-new");

    await page.getByRole("button", { name: "Review the audience" }).click();
    const issues = page.locator("#campaign-issues-testPercent");
    await expect.poll(() => issues.innerText().catch(() => "")).toMatch(/test and holdout exceed 100%/);
    expect(await page.getByLabel("Share tested first (%)").getAttribute("aria-describedby")).toBe(
      "campaign-issues-testPercent",
    );
    // Still on the form; nothing was created.
    expect((await api("GET", "/v1/campaigns")).campaigns).toEqual([]);
    await a.shot("campaigns-new-error");
  });

  it("sends a template missing for a channel back to the form, beside the variants' templates", async () => {
    await page.getByLabel("Share tested first (%)").fill("40");
    await page.getByLabel("Holdout: share not sent, for comparison (%)").fill("25");
    // The shop has no SMS templates: the server's template check refuses the campaign on create.
    await page.getByLabel("Customers it cannot reach get it on").selectOption("sms");
    await page.getByRole("button", { name: "Review the audience" }).click();
    await page.getByRole("button", { name: "Create and send now" }).click();
    const issueA = page.locator("#campaign-issues-variant-0-template");
    await expect.poll(() => issueA.innerText().catch(() => "")).toBe('no template "summer.a" for sms');
    expect(await page.locator("#campaign-issues-variant-1-template").innerText()).toBe(
      'no template "summer.b" for sms',
    );
    expect(await page.getByLabel("Variant A: Template").getAttribute("aria-describedby")).toBe(
      "campaign-issues-variant-0-template",
    );
    expect((await api("GET", "/v1/campaigns")).campaigns).toEqual([]);
    await page.getByLabel("Customers it cannot reach get it on").selectOption("");
  });

  it("confirms the audience after consent, suppression and frequency caps, as the API counts it", async () => {
    await page.getByLabel("Share tested first (%)").fill("40");
    await page.getByLabel("Holdout: share not sent, for comparison (%)").fill("25");
    await page.getByLabel("Schedule for a date and time").check();
    await page.getByLabel(`Send at (${ZONE})`).fill(`${tomorrow}T10:00`);
    await page.getByRole("button", { name: "Review the audience" }).click();
    await page.getByRole("heading", { name: "Confirm the audience" }).waitFor();

    const expected = await api("POST", "/v1/campaigns/preview", summerSale);
    // Counted by hand from the customers above: V7 has no consent, V8 is suppressed, V2 is capped.
    expect(expected).toEqual({ matching: 8, reachable: 6, sendable: 5, holdout: 2 });
    const shown = async (id: string) => Number(await page.getByTestId(`audience-${id}`).innerText());
    expect(await shown("matching")).toBe(expected.matching);
    expect(await shown("reachable")).toBe(expected.reachable);
    expect(await shown("sendable")).toBe(expected.sendable);
    expect(await shown("holdout")).toBe(expected.holdout);
    expect(await page.getByText("No consent, no address or suppressed: 2").count()).toBe(1);
    expect(await page.getByText("Held back by frequency caps: 1").count()).toBe(1);
    expect(await page.getByTestId("confirm-when").innerText()).toMatch(/10:00/);
    expect((await api("GET", "/v1/campaigns")).campaigns).toEqual([]);
    await a.shot("campaigns-confirm");
  });

  it("creates and schedules it for 10:00 tomorrow shop time, listed as scheduled at that time", async () => {
    await page.getByRole("button", { name: "Create and schedule" }).click();
    await listRow(summerSale.name).waitFor();
    const { campaigns } = await api("GET", "/v1/campaigns");
    expect(campaigns).toHaveLength(1);
    const [created] = campaigns;
    expect(created.status).toBe("scheduled");
    expect(created.scheduledAt).toBe(new Date(`${tomorrow}T10:00:00+09:00`).toISOString());
    expect(created.definition).toEqual(summerSale);

    const row = listRow(summerSale.name);
    expect(await row.locator("[data-status]").getAttribute("data-status")).toBe("scheduled");
    expect(await row.locator("[data-status]").innerText()).toBe("Scheduled");
    const inShopZone = new Intl.DateTimeFormat("en-GB", {
      timeZone: ZONE,
      dateStyle: "medium",
      timeStyle: "short",
    }).format(new Date(created.scheduledAt));
    expect(await row.getByTestId("scheduled-at").innerText()).toBe(inShopZone);
    expect(inShopZone).toMatch(/10:00/);
    expect(await page.getByRole("status").innerText()).toContain(inShopZone);
    await a.shot("campaigns-list");
  });

  it("opens the campaign and cancels it after asking", async () => {
    await listRow(summerSale.name).getByRole("link", { name: summerSale.name }).click();
    await page.getByRole("heading", { name: summerSale.name }).waitFor();
    expect(await page.locator(".campaigns-head [data-status]").innerText()).toBe("Scheduled");
    expect(await page.getByTestId("detail-scheduled-at").innerText()).toMatch(/10:00/);
    expect(await page.getByText("Segment: VIP").count()).toBe(1);
    await page.getByRole("button", { name: "Cancel the campaign" }).click();
    // Asked first: keeping it changes nothing.
    await page.getByRole("button", { name: "Keep it" }).click();
    const { campaigns } = await api("GET", "/v1/campaigns");
    expect(campaigns[0].status).toBe("scheduled");

    await page.getByRole("button", { name: "Cancel the campaign" }).click();
    await page.getByRole("alertdialog").waitFor();
    await a.shot("campaigns-cancel-ask");
    await page.getByRole("button", { name: "Yes, cancel it" }).click();
    await expect.poll(() => page.locator(".campaigns-head [data-status]").innerText()).toBe("Cancelled");
    expect((await api("GET", `/v1/campaigns/${campaigns[0].id}`)).status).toBe("cancelled");
    expect(await page.getByRole("button", { name: "Cancel the campaign" }).count()).toBe(0);
  });

  it("shows a sent campaign's results per arm as the API reports them", async () => {
    const created = await api("POST", "/v1/campaigns", { ...summerSale, name: "Autumn sale" });
    await api("POST", `/v1/campaigns/${created.id}/schedule`, {});
    await drainJobs(a.t.ctx.db, a.t.clock);
    const { report } = await api("GET", `/v1/campaigns/${created.id}`);
    expect(report.entered).toBe(8);

    await page.getByRole("link", { name: "All campaigns" }).click();
    await listRow("Autumn sale").getByRole("link", { name: "Autumn sale" }).click();
    await page.getByRole("heading", { name: "Autumn sale" }).waitFor();
    await page.getByText("8 customers entered").waitFor();
    const rows = page.locator("table[aria-label='Results'] tbody tr");
    expect(await rows.count()).toBe(report.arms.length);
    for (const arm of report.arms as Array<{ arm: string; runs: number; sent: number }>) {
      const cells = await page.locator(`tr[data-arm="${arm.arm}"] td`).allInnerTexts();
      expect(cells.slice(1, 3)).toEqual([String(arm.runs), String(arm.sent)]);
    }
    expect(await page.getByTestId("winner").innerText()).toBe("Not chosen yet");
    // The winner is still to be sent: cancelling would stop it.
    expect(await page.getByRole("button", { name: "Cancel the campaign" }).count()).toBe(1);
    await a.shot("campaigns-detail");

    // The list sums the arms.
    await page.getByRole("link", { name: "All campaigns" }).click();
    const sent = report.arms.reduce((s: number, arm: { sent: number }) => s + arm.sent, 0);
    await expect
      .poll(() => listRow("Autumn sale").locator("td.campaigns-num").first().innerText())
      .toBe(String(sent));
  });

  it("fits a 375 px screen without scrolling sideways", async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    await listRow("Autumn sale").waitFor();
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await a.shot("campaigns-mobile");
    await page.getByRole("link", { name: "New campaign" }).click();
    await page.getByLabel("Campaign name").waitFor();
    await page.getByRole("button", { name: "Add an A/B test variant" }).click();
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await a.shot("campaigns-new-mobile");
    await page.getByRole("link", { name: "All campaigns" }).click();
    await listRow("Autumn sale").getByRole("link", { name: "Autumn sale" }).click();
    await page.getByText("8 customers entered").waitFor();
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await a.shot("campaigns-detail-mobile");
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it("lets an analyst read campaigns without creating or cancelling, in Japanese", async () => {
    await a.signIn("analyst", { language: "ja" });
    await page.getByRole("link", { name: "キャンペーン" }).first().click();
    await listRow("Autumn sale").waitFor();
    expect(await page.getByRole("link", { name: "新しいキャンペーン" }).count()).toBe(0);
    expect(await page.getByText("閲覧のみの権限です。", { exact: false }).count()).toBe(1);
    expect(await listRow("Summer sale").locator("[data-status]").innerText()).toBe("中止");
    await listRow("Autumn sale").getByRole("link", { name: "Autumn sale" }).click();
    await page.getByText("対象者 8 人").waitFor();
    expect(await page.getByRole("button", { name: "キャンペーンを中止" }).count()).toBe(0);
    await page.goto(`${a.base}/campaigns/new`);
    await page.getByText("閲覧のみの権限です。", { exact: false }).waitFor();
    expect(await page.getByLabel("キャンペーン名").count()).toBe(0);
    await a.shot("campaigns-analyst-ja");
  });
});
