// Given a segment "became dormant" and a win-back scenario triggered on entering it, when the worker
// runs as days pass, a customer who stops buying enters the segment and then the scenario, once per
// stay; a campaign's audience can be a segment too.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { advance, DAY, messages, placeOrder, templatesFor, upsertCustomer } from "../scenarios/support.js";
import { createTestApp, type TestApp } from "../support/app.js";

const START = "2026-06-01T01:00:00.000Z";
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp(START);
  await templatesFor(t, ["winback"], ["email"]);
  for (const id of ["A", "B"]) {
    await upsertCustomer(t, { externalId: id, email: `${id.toLowerCase()}@example.jp` }, { email: true });
  }
  await placeOrder(t, {
    externalId: "A-1",
    customerId: "A",
    orderedAt: "2026-05-20T01:00:00.000Z",
    items: [{ sku: "X", quantity: 1, unitPrice: 1000 }],
  });
  await placeOrder(t, {
    externalId: "B-1",
    customerId: "B",
    orderedAt: "2026-05-31T01:00:00.000Z",
    items: [{ sku: "X", quantity: 1, unitPrice: 1000 }],
  });
  const saved = await t.app.inject({
    method: "PUT",
    url: "/v1/segments/lapsed",
    headers: t.secret,
    payload: {
      name: "No order for 30 days",
      rule: { type: "order_date", which: "last", olderThanDays: 30 },
    },
  });
  expect(saved.statusCode, saved.body).toBe(200);
  const created = await t.app.inject({
    method: "POST",
    url: "/v1/scenarios",
    headers: t.secret,
    payload: {
      key: "winback-on-lapsing",
      activate: true,
      definition: {
        name: "Win-back on lapsing",
        trigger: { type: "segment_entry", segment: "lapsed" },
        start: "mail",
        steps: [{ id: "mail", type: "send", template: "winback", channels: ["email"] }],
        guardrails: { frequencyCaps: [{ max: 100, perDays: 1 }] },
      },
    },
  });
  expect(created.statusCode, created.body).toBe(201);
});
afterAll(() => t.close());

describe("segment entry trigger", () => {
  it("enters customers into the scenario when they enter the segment", async () => {
    await advance(t, 60_000);
    expect(await messages(t)).toEqual([]);
    // 20 days on (June 21): A's last order is 32 days old; the segment refresh (every 15 minutes) lets
    // A in, and the next round's trigger pass starts A's run.
    await advance(t, 20 * DAY);
    await advance(t, 60_000);
    expect((await messages(t)).map((m) => [m.customer, m.template])).toEqual([["A", "winback"]]);
    // B lapses 11 days later; A stays in the segment and is not entered again.
    await advance(t, 11 * DAY);
    await advance(t, 60_000);
    expect((await messages(t)).map((m) => [m.customer, m.template])).toEqual([
      ["A", "winback"],
      ["B", "winback"],
    ]);
  });

  it("lets a campaign's audience be a segment", async () => {
    const preview = await t.app.inject({
      method: "POST",
      url: "/v1/campaigns/preview",
      headers: t.secret,
      payload: {
        name: "Lapsed sale",
        audience: { type: "segment", key: "lapsed" },
        channels: ["email"],
        variants: [{ name: "A", template: "winback" }],
      },
    });
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json()).toMatchObject({ matching: 2, reachable: 2 });
  });
});
