// The scenario engine end to end: customers, events and orders through the real API, a scenario
// switched on, the worker run with a moved clock; then exactly the expected messages are in the outbox.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ValidationError } from "../../src/core/errors.js";
import { saveChannelSettings } from "../../src/messaging/channels/settings.js";
import {
  advanceDueRuns,
  createScenario,
  type ScenarioDefinitionInput,
  updateScenario,
} from "../../src/scenarios/index.js";
import { createTestApp, type TestApp } from "../support/app.js";
import {
  advance,
  DAY,
  HOUR,
  MINUTE,
  messages,
  placeOrder,
  sendEvents,
  templatesFor,
  upsertCustomer,
} from "./support.js";

// 2026-06-01 10:00 JST.
const START = "2026-06-01T01:00:00.000Z";
const LINE_B = `U${"b".repeat(32)}`;

const cartScenario = (overrides: Partial<ScenarioDefinitionInput> = {}): ScenarioDefinitionInput => ({
  name: "Cart reminder",
  trigger: { type: "event", eventTypes: ["cart_add"] },
  reentry: { afterDays: 7 },
  start: "wait-1h",
  steps: [
    { id: "wait-1h", type: "wait", duration: { hours: 1 }, next: "remind-1" },
    { id: "remind-1", type: "send", template: "cart.first", channels: ["line", "email"], next: "wait-1d" },
    { id: "wait-1d", type: "wait", duration: { days: 1 }, next: "remind-2" },
    { id: "remind-2", type: "send", template: "cart.second", channels: ["line", "email"] },
  ],
  exitGoals: [{ type: "order_placed" }],
  // Caps and quiet hours are tested on their own below.
  guardrails: { frequencyCaps: [{ max: 100, perDays: 1 }], quietHours: { line: null, sms: null } },
  ...overrides,
});

describe("scenario engine", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(START);
    await templatesFor(t, ["cart.first", "cart.second"]);
  });
  afterEach(async () => t.close());

  it("sends each reminder once on the preferred reachable channel and stops at the exit goal", async () => {
    await upsertCustomer(t, { externalId: "A", email: "a@example.jp" }, { email: true });
    await upsertCustomer(
      t,
      { externalId: "B", email: "b@example.jp", lineUserId: LINE_B },
      { email: true, line: true },
    );
    await upsertCustomer(t, { externalId: "C", email: "c@example.jp" }); // no consent
    await upsertCustomer(t, { externalId: "D", email: "d@example.jp" }, { email: true }); // never adds to cart
    await createScenario(t.ctx.db, t.clock, t.shop.shop.id, {
      key: "cart",
      definition: cartScenario(),
      activate: true,
    });

    t.clock.advance(MINUTE);
    await sendEvents(
      t,
      ["A", "B", "C"].map((id) => ({ type: "cart_add", customerId: id, sku: "SKU-1", eventId: `e-${id}` })),
    );
    await advance(t, 10_000); // settled: everyone entered, waiting an hour
    expect(await messages(t)).toEqual([]);
    const runs = await t.ctx.db.selectFrom("scenario_runs").select(["customer_id", "status"]).execute();
    expect(runs).toHaveLength(3);

    await advance(t, HOUR);
    const first = await messages(t);
    expect(first.map((m) => [m.customer, m.channel, m.template, m.status, m.reason])).toEqual([
      ["A", "email", "cart.first", "queued", null],
      ["B", "line", "cart.first", "queued", null],
      ["C", "line", "cart.first", "suppressed", "unreachable"],
    ]);

    // A buys: the run ends with a conversion credited to the first reminder, and A gets no second one.
    await placeOrder(t, {
      externalId: "O-A",
      customerId: "A",
      orderedAt: new Date(t.clock.now().getTime() + 10 * MINUTE).toISOString(),
      items: [{ sku: "SKU-1", quantity: 1, unitPrice: 3980 }],
    });
    await advance(t, 2 * DAY);
    const all = await messages(t);
    expect(all.slice(3).map((m) => [m.customer, m.template, m.status])).toEqual([
      ["B", "cart.second", "queued"],
      ["C", "cart.second", "suppressed"],
    ]);
    const conversions = await t.ctx.db.selectFrom("conversions").selectAll().execute();
    expect(conversions).toHaveLength(1);
    expect(conversions[0]).toMatchObject({ revenue: 3980, step_id: "remind-1" });
    const ended = await t.ctx.db
      .selectFrom("scenario_runs")
      .innerJoin("customers", "customers.id", "scenario_runs.customer_id")
      .select(["customers.external_id", "scenario_runs.status", "scenario_runs.end_reason"])
      .orderBy("customers.external_id")
      .execute();
    expect(ended).toEqual([
      { external_id: "A", status: "exited", end_reason: "goal:order_placed" },
      { external_id: "B", status: "completed", end_reason: "completed" },
      { external_id: "C", status: "completed", end_reason: "completed" },
    ]);

    // Every step happened once: the log has consecutive sequence numbers per run, none repeated.
    const log = await t.ctx.db
      .selectFrom("scenario_run_steps")
      .select(["run_id", "seq", "step_id"])
      .orderBy("run_id")
      .orderBy("seq")
      .execute();
    const byRun = new Map<number, number[]>();
    for (const l of log) byRun.set(l.run_id, [...(byRun.get(l.run_id) ?? []), l.seq]);
    for (const seqs of byRun.values()) expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(byRun.size).toBe(3);
  });

  it("sends on a channel the shop has set up before one it has not, and waits on the first when none is", async () => {
    const setUp = (channel: "email" | "line", settings: Record<string, unknown>) =>
      saveChannelSettings(t.ctx.db, t.clock, t.ctx.secret, t.shop.shop.id, channel, {
        provider: channel === "email" ? "smtp" : "line",
        settings,
        secrets: channel === "line" ? { channelAccessToken: "token", channelSecret: "secret" } : {},
      });
    await upsertCustomer(
      t,
      { externalId: "B", email: "b@example.jp", lineUserId: LINE_B },
      { email: true, line: true },
    );
    await upsertCustomer(t, { externalId: "L", lineUserId: `U${"c".repeat(32)}` }, { line: true });
    await createScenario(t.ctx.db, t.clock, t.shop.shop.id, {
      key: "cart",
      definition: cartScenario(),
      activate: true,
    });
    // Only email is set up: B, reachable on both, gets the reminder by email rather than waiting for
    // LINE; L can only be reached on LINE, so theirs waits there until the shop sets LINE up.
    await setUp("email", {
      host: "127.0.0.1",
      port: 2525,
      fromAddress: "news@shop.example.jp",
      fromName: "Shop",
    });
    t.clock.advance(MINUTE);
    await sendEvents(
      t,
      ["B", "L"].map((id) => ({ type: "cart_add", customerId: id, sku: "SKU-1", eventId: `e-${id}` })),
    );
    await advance(t, 10_000);
    await advance(t, HOUR);
    expect((await messages(t)).map((m) => [m.customer, m.channel, m.status])).toEqual([
      ["B", "email", "queued"],
      ["L", "line", "queued"],
    ]);

    // Once LINE is set up, the step's own order holds again: B's second reminder goes by LINE.
    await setUp("line", {});
    await advance(t, DAY);
    expect((await messages(t)).slice(2).map((m) => [m.customer, m.channel, m.template])).toEqual([
      ["B", "line", "cart.second"],
      ["L", "line", "cart.second"],
    ]);
  });

  it("does not enter the same customer again within the re-entry window, nor for events before switching on", async () => {
    await upsertCustomer(t, { externalId: "A", email: "a@example.jp" }, { email: true });
    await sendEvents(t, [{ type: "cart_add", customerId: "A", sku: "SKU-0", eventId: "before" }]);
    t.clock.advance(MINUTE);
    await createScenario(t.ctx.db, t.clock, t.shop.shop.id, {
      key: "cart",
      definition: cartScenario(),
      activate: true,
    });
    await advance(t, 10_000);
    expect(await t.ctx.db.selectFrom("scenario_runs").selectAll().execute()).toHaveLength(0);

    await sendEvents(t, [{ type: "cart_add", customerId: "A", sku: "SKU-1", eventId: "e1" }]);
    await advance(t, 10_000);
    await sendEvents(t, [{ type: "cart_add", customerId: "A", sku: "SKU-2", eventId: "e2" }]);
    await advance(t, 3 * DAY); // the first run ends; e2 came while it was going
    await sendEvents(t, [{ type: "cart_add", customerId: "A", sku: "SKU-3", eventId: "e3" }]);
    await advance(t, 10_000); // within 7 days of the first entry
    expect(await t.ctx.db.selectFrom("scenario_runs").selectAll().execute()).toHaveLength(1);
    await advance(t, 5 * DAY);
    await sendEvents(t, [{ type: "cart_add", customerId: "A", sku: "SKU-4", eventId: "e4" }]);
    await advance(t, 10_000);
    expect(await t.ctx.db.selectFrom("scenario_runs").selectAll().execute()).toHaveLength(2);
  });

  it("applies the frequency cap across scenarios and records what it held back", async () => {
    await upsertCustomer(t, { externalId: "A", email: "a@example.jp" }, { email: true });
    const capped = { frequencyCaps: [{ max: 1, perDays: 1 }], quietHours: {} };
    await createScenario(t.ctx.db, t.clock, t.shop.shop.id, {
      key: "cart",
      definition: cartScenario({ guardrails: capped }),
      activate: true,
    });
    await createScenario(t.ctx.db, t.clock, t.shop.shop.id, {
      key: "browse",
      definition: {
        ...cartScenario({ guardrails: capped }),
        name: "Browse",
        trigger: { type: "event", eventTypes: ["product_view"] },
      },
      activate: true,
    });
    await sendEvents(t, [
      { type: "cart_add", customerId: "A", sku: "SKU-1" },
      { type: "product_view", customerId: "A", sku: "SKU-2" },
    ]);
    await advance(t, 10_000);
    await advance(t, HOUR);
    const sent = await messages(t);
    expect(sent.map((m) => [m.status, m.reason])).toEqual([
      ["queued", null],
      ["suppressed", "frequency_cap:1/1d:all channels"],
    ]);
  });

  it("holds LINE messages during quiet hours and sends them when the window opens", async () => {
    await upsertCustomer(t, { externalId: "B", lineUserId: LINE_B }, { line: true });
    await createScenario(t.ctx.db, t.clock, t.shop.shop.id, {
      key: "cart",
      definition: cartScenario({ guardrails: { quietHours: { line: { from: "21:00", to: "08:00" } } } }),
      activate: true,
    });
    // 21:30 JST.
    t.clock.set("2026-06-01T12:30:00.000Z");
    await sendEvents(t, [{ type: "cart_add", customerId: "B", sku: "SKU-1" }]);
    await advance(t, 10_000);
    await advance(t, HOUR); // 22:30 JST: quiet
    expect(await messages(t)).toEqual([]);
    await advance(t, 9 * HOUR); // 07:30 JST: still quiet
    expect(await messages(t)).toEqual([]);
    await advance(t, 30 * MINUTE); // 08:00:10 JST: the window has opened
    const sent = await messages(t);
    expect(sent).toHaveLength(1);
    expect(sent[0].queued_at).toBe("2026-06-01T23:00:10.000Z");
  });

  it("moves on as soon as the awaited event comes, and takes the timeout branch when it does not", async () => {
    await upsertCustomer(t, { externalId: "A", email: "a@example.jp" }, { email: true });
    await upsertCustomer(t, { externalId: "B", email: "b@example.jp" }, { email: true });
    await createScenario(t.ctx.db, t.clock, t.shop.shop.id, {
      key: "checkout",
      activate: true,
      definition: cartScenario({
        start: "await-checkout",
        steps: [
          {
            id: "await-checkout",
            type: "wait_for_event",
            eventTypes: ["checkout_start"],
            timeout: { days: 1 },
            next: "remind-1",
            timeoutNext: "remind-2",
          },
          { id: "remind-1", type: "send", template: "cart.first", channels: ["email"] },
          { id: "remind-2", type: "send", template: "cart.second", channels: ["email"] },
        ],
        exitGoals: [],
      }),
    });
    await sendEvents(t, [
      { type: "cart_add", customerId: "A", sku: "SKU-1" },
      { type: "cart_add", customerId: "B", sku: "SKU-1" },
    ]);
    await advance(t, 10_000);
    await advance(t, 2 * HOUR);
    await sendEvents(t, [{ type: "checkout_start", customerId: "A" }]);
    await advance(t, 10_000); // A is woken by the event: no waiting for the day to pass
    expect((await messages(t)).map((m) => [m.customer, m.template])).toEqual([["A", "cart.first"]]);
    await advance(t, DAY);
    expect((await messages(t)).map((m) => [m.customer, m.template])).toEqual([
      ["A", "cart.first"],
      ["B", "cart.second"],
    ]);
  });

  it("respects the suppression list, and sends transactional messages without marketing consent or caps", async () => {
    await upsertCustomer(t, { externalId: "A", email: "bounced@example.jp" }, { email: true });
    await upsertCustomer(t, { externalId: "B", email: "b@example.jp" }); // no marketing consent
    await t.ctx.db
      .insertInto("suppressions")
      .values({
        shop_id: t.shop.shop.id,
        channel: "email",
        address: "bounced@example.jp",
        reason: "hard_bounce",
        created_at: t.clock.now().toISOString(),
      })
      .execute();
    const notice = (template: string) => ({
      id: "notice",
      type: "send" as const,
      template,
      channels: ["email" as const],
      messageClass: "transactional" as const,
    });
    await createScenario(t.ctx.db, t.clock, t.shop.shop.id, {
      key: "service",
      activate: true,
      definition: cartScenario({
        start: "notice",
        steps: [
          { ...notice("cart.first"), next: "notice-2" },
          { ...notice("cart.second"), id: "notice-2" },
        ],
        guardrails: { frequencyCaps: [{ max: 1, perDays: 1 }] },
        exitGoals: [],
      }),
    });
    await sendEvents(t, [
      { type: "cart_add", customerId: "A", sku: "SKU-1" },
      { type: "cart_add", customerId: "B", sku: "SKU-1" },
    ]);
    await advance(t, 10_000);
    const sent = (await messages(t)).map((m) => [m.customer, m.template, m.status, m.reason]);
    expect(sent.sort((x, y) => String(x).localeCompare(String(y)))).toEqual([
      ["A", "cart.first", "suppressed", "unreachable"],
      ["A", "cart.second", "suppressed", "unreachable"],
      ["B", "cart.first", "queued", null],
      ["B", "cart.second", "queued", null],
    ]);
  });

  it("sends at each customer's usual hour, learnt from their orders", async () => {
    await upsertCustomer(t, { externalId: "A", email: "a@example.jp" }, { email: true });
    // A buys in the evening, around 21:00 JST.
    for (const [i, day] of ["2026-05-01", "2026-05-08", "2026-05-15"].entries()) {
      await placeOrder(t, {
        externalId: `O-${i}`,
        customerId: "A",
        orderedAt: `${day}T21:10:00+09:00`,
        items: [{ sku: "SKU-1", quantity: 1, unitPrice: 1000 }],
      });
    }
    await createScenario(t.ctx.db, t.clock, t.shop.shop.id, {
      key: "best",
      activate: true,
      definition: cartScenario({
        start: "remind-1",
        steps: [
          {
            id: "remind-1",
            type: "send",
            template: "cart.first",
            channels: ["email"],
            sendTime: { type: "best_hour" },
          },
        ],
        exitGoals: [],
      }),
    });
    await sendEvents(t, [{ type: "cart_add", customerId: "A", sku: "SKU-1" }]); // 10:00 JST
    await advance(t, 10_000);
    expect(await messages(t)).toEqual([]);
    await advance(t, 12 * HOUR); // 22:00 JST
    const sent = await messages(t);
    expect(sent).toHaveLength(1);
    // Held until 21:00 JST, sent by the first worker round after it.
    expect(sent[0].queued_at).toBe("2026-06-01T13:00:10.000Z");
  });

  it("lets runs under way finish on the version they entered while new entrants take the edit", async () => {
    await upsertCustomer(t, { externalId: "A", email: "a@example.jp" }, { email: true });
    await upsertCustomer(t, { externalId: "B", email: "b@example.jp" }, { email: true });
    await templatesFor(t, ["cart.edited"]);
    await createScenario(t.ctx.db, t.clock, t.shop.shop.id, {
      key: "cart",
      definition: cartScenario(),
      activate: true,
    });
    await sendEvents(t, [{ type: "cart_add", customerId: "A", sku: "SKU-1" }]);
    await advance(t, 10_000);

    const edited = cartScenario();
    edited.steps = edited.steps.map((s) => (s.type === "send" ? { ...s, template: "cart.edited" } : s));
    const v2 = await updateScenario(t.ctx.db, t.clock, t.shop.shop.id, "cart", edited);
    expect(v2.version).toBe(2);
    await sendEvents(t, [{ type: "cart_add", customerId: "B", sku: "SKU-1" }]);
    await advance(t, 10_000);
    await advance(t, 2 * HOUR);
    const sent = await messages(t);
    expect(sent.map((m) => [m.customer, m.template])).toEqual([
      ["A", "cart.first"],
      ["B", "cart.edited"],
    ]);
  });

  it("never repeats a step when two workers claim at once", async () => {
    for (let i = 0; i < 40; i++) {
      await upsertCustomer(t, { externalId: `M${i}`, email: `m${i}@example.jp` }, { email: true });
    }
    await createScenario(t.ctx.db, t.clock, t.shop.shop.id, {
      key: "cart",
      definition: cartScenario(),
      activate: true,
    });
    await sendEvents(
      t,
      Array.from({ length: 40 }, (_, i) => ({ type: "cart_add", customerId: `M${i}`, sku: "SKU-1" })),
    );
    await advance(t, 10_000);
    t.clock.advance(HOUR);
    await Promise.all([
      advanceDueRuns(t.ctx.db, t.clock, 15),
      advanceDueRuns(t.ctx.db, t.clock, 15),
      advanceDueRuns(t.ctx.db, t.clock, 15),
    ]);
    await advance(t, 0);
    const sent = await messages(t);
    expect(sent).toHaveLength(40);
    expect(new Set(sent.map((m) => m.customer)).size).toBe(40);
  });
});

describe("scenario definitions", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(START);
    await templatesFor(t, ["cart.first", "cart.second"], ["email", "line"]);
  });
  afterEach(async () => t.close());

  async function refusal(definition: unknown): Promise<Array<{ field: string; message: string }>> {
    try {
      await createScenario(t.ctx.db, t.clock, t.shop.shop.id, { key: "bad", definition });
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      return (err as ValidationError).issues;
    }
    throw new Error("accepted");
  }

  it("refuses a cycle, a missing template, an unknown channel and a negative wait, naming the step", async () => {
    const cycle = cartScenario();
    cycle.steps[3] = { ...cycle.steps[3], next: "wait-1h" } as (typeof cycle.steps)[number];
    expect(await refusal(cycle)).toEqual([
      {
        field: "steps.remind-2",
        message: "makes a cycle: wait-1h → remind-1 → wait-1d → remind-2 → wait-1h",
      },
    ]);

    const missing = cartScenario();
    missing.steps[1] = {
      id: "remind-1",
      type: "send",
      template: "cart.first",
      channels: ["sms"],
      next: "wait-1d",
    };
    expect(await refusal(missing)).toEqual([
      { field: "steps.remind-1.template", message: 'no template "cart.first" for sms' },
    ]);

    const channel = cartScenario();
    channel.steps[1] = {
      id: "remind-1",
      type: "send",
      template: "cart.first",
      channels: ["fax" as "sms"],
      next: "wait-1d",
    };
    const channelIssues = await refusal(channel);
    expect(channelIssues[0].field).toBe("steps.remind-1.channels[0]");

    const negative = cartScenario();
    negative.steps[0] = { id: "wait-1h", type: "wait", duration: { days: -1 }, next: "remind-1" };
    expect(await refusal(negative)).toEqual([
      { field: "steps.wait-1h.duration.days", message: "must be 0 or more" },
    ]);

    const dangling = cartScenario();
    dangling.steps[0] = { id: "wait-1h", type: "wait", duration: { hours: 1 }, next: "nowhere" };
    expect((await refusal(dangling))[0]).toEqual({
      field: "steps.wait-1h",
      message: 'leads to "nowhere", which is not a step',
    });
    expect(await t.ctx.db.selectFrom("scenarios").selectAll().execute()).toEqual([]);
  });
});
