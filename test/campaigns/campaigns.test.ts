// Campaigns: the audience preview after consent and caps, an A/B test with an automatic winner sent to
// the rest, a holdout measured for lift, scheduling and cancelling, and drafts refused by field.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { drainJobs } from "../../src/worker/index.js";
import { HOUR, messages, placeOrder, templatesFor, upsertCustomer } from "../scenarios/support.js";
import { createTestApp, type TestApp } from "../support/app.js";

const START = "2026-06-01T01:00:00.000Z"; // 10:00 JST

const saleCampaign = {
  name: "Summer sale",
  channels: ["email"],
  variants: [
    { name: "A", template: "sale.a" },
    { name: "B", template: "sale.b" },
  ],
  abTest: { testPercent: 40, winnerAfterHours: 4, metric: "clicks" },
  holdoutPercent: 20,
};

describe("campaigns", () => {
  let t: TestApp;
  const api = (method: "GET" | "POST", url: string, payload?: unknown) =>
    t.app.inject({ method, url, headers: t.secret, ...(payload ? { payload } : {}) });

  beforeEach(async () => {
    t = await createTestApp(START);
    await templatesFor(t, ["sale.a", "sale.b"], ["email"]);
  });
  afterEach(async () => t.close());

  async function customers(n: number, consenting: (i: number) => boolean) {
    for (let i = 0; i < n; i++) {
      await upsertCustomer(
        t,
        { externalId: `M${i}`, email: `m${i}@example.jp` },
        consenting(i) ? { email: true } : {},
      );
    }
  }

  it("previews the audience after consent, suppression and frequency caps", async () => {
    await customers(30, (i) => i % 3 !== 0); // 20 consent
    // Two of them already had a promotional message today: the daily cap holds them back.
    await t.ctx.db
      .insertInto("messages")
      .values(
        ["M1", "M2"].map((id, i) => ({
          shop_id: t.shop.shop.id,
          customer_id: i + 2, // customers are created in order: M1 has id 2, M2 id 3
          channel: "email" as const,
          template_key: "sale.a",
          message_class: "promotional" as const,
          status: "queued" as const,
          status_reason: null,
          idempotency_key: `earlier:${id}`,
          payload: "{}",
          queued_at: START,
          updated_at: START,
        })),
      )
      .execute();
    const res = await api("POST", "/v1/campaigns/preview", saleCampaign);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ matching: 30, reachable: 20, sendable: 18, holdout: 6 });
  });

  it("tests two variants, sends the winner to the rest and measures lift over the holdout", async () => {
    await customers(100, () => true);
    const created = await api("POST", "/v1/campaigns", saleCampaign);
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id;
    const scheduled = await api("POST", `/v1/campaigns/${id}/schedule`, {});
    expect(scheduled.json().status).toBe("scheduled");
    await drainJobs(t.ctx.db, t.clock);

    const first = await messages(t);
    const byTemplate = (list: typeof first, template: string) =>
      list.filter((m) => m.template === template).length;
    // 40 % tested (20 each), 20 % held out, 40 % waiting for the winner: about, by a hash of the run.
    expect(byTemplate(first, "sale.a")).toBeGreaterThan(8);
    expect(byTemplate(first, "sale.b")).toBeGreaterThan(8);
    expect(first.length).toBeLessThan(60);

    // B is clicked more.
    const bMessages = await t.ctx.db
      .selectFrom("messages")
      .select("id")
      .where("template_key", "=", "sale.b")
      .execute();
    await t.ctx.db
      .updateTable("messages")
      .set({ clicked_at: new Date(Date.parse(START) + HOUR).toISOString() })
      .where(
        "id",
        "in",
        bMessages.slice(0, 5).map((m) => m.id),
      )
      .execute();
    // Someone who got B buys within the window.
    const buyer = first.find((m) => m.template === "sale.b")!.customer;
    t.clock.advance(2 * HOUR);
    await placeOrder(t, {
      externalId: "O-1",
      customerId: buyer,
      orderedAt: t.clock.now().toISOString(),
      items: [{ sku: "SKU-1", quantity: 1, unitPrice: 5000 }],
    });
    t.clock.advance(2 * HOUR + 60_000);
    await drainJobs(t.ctx.db, t.clock);

    const after = await messages(t);
    const winners = after.slice(first.length);
    expect(winners.length).toBeGreaterThan(20);
    expect(winners.every((m) => m.template === "sale.b" && m.step === "send-winner")).toBe(true);
    // Nobody got two messages, and the holdout got none.
    expect(new Set(after.map((m) => m.customer)).size).toBe(after.length);

    const report = (await api("GET", `/v1/campaigns/${id}`)).json();
    expect(report.report.winner).toBe("B");
    expect(report.report.entered).toBe(100);
    const holdout = report.report.arms.find((a: { arm: string }) => a.arm === "holdout");
    expect(holdout).toMatchObject({ sent: 0, converted: 0 });
    expect(holdout.runs).toBeGreaterThan(5);
    const b = report.report.arms.find((a: { arm: string }) => a.arm === "B");
    expect(b).toMatchObject({ converted: 1, revenue: 5000 });
    expect(report.report.lift.incrementalRevenue).toBe(5000);
  });

  it("never starts a cancelled campaign, and stops one under way", async () => {
    await customers(20, () => true);
    const later = (await api("POST", "/v1/campaigns", saleCampaign)).json();
    await api("POST", `/v1/campaigns/${later.id}/schedule`, { at: "2026-06-02T01:00:00.000Z" });
    const cancelled = await api("POST", `/v1/campaigns/${later.id}/cancel`, {});
    expect(cancelled.json().status).toBe("cancelled");
    t.clock.advance(2 * 24 * HOUR);
    await drainJobs(t.ctx.db, t.clock);
    expect(await messages(t)).toEqual([]);

    const now = (await api("POST", "/v1/campaigns", saleCampaign)).json();
    await api("POST", `/v1/campaigns/${now.id}/schedule`, {});
    await drainJobs(t.ctx.db, t.clock);
    const tested = (await messages(t)).length;
    await api("POST", `/v1/campaigns/${now.id}/cancel`, {});
    t.clock.advance(5 * HOUR);
    await drainJobs(t.ctx.db, t.clock);
    expect((await messages(t)).length).toBe(tested); // no winner sent
    const again = await api("POST", `/v1/campaigns/${now.id}/schedule`, {});
    expect(again.statusCode).toBe(409);
  });

  it("refuses a draft naming the field: a missing template, variants without a test", async () => {
    const missing = await api("POST", "/v1/campaigns", {
      ...saleCampaign,
      variants: [
        { name: "A", template: "sale.a" },
        { name: "C", template: "nope" },
      ],
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.issues).toEqual([
      { field: "variants.C.template", message: 'no template "nope" for email' },
    ]);
    const noTest = await api("POST", "/v1/campaigns", { ...saleCampaign, abTest: undefined });
    expect(noTest.json().error.issues[0].field).toBe("abTest");
    expect(await t.ctx.db.selectFrom("campaigns").selectAll().execute()).toEqual([]);
  });
});
