// Given two members, one who chose in the preference centre to hear from the shop at most weekly and
// one who did not, when two scenarios each want to send them a promotional email three days apart,
// then the second one reaches only the member without a choice; the other's is recorded as suppressed
// for her own choice, and a campaign's audience preview does not count her either. A week later she
// hears from the shop again. Transactional mail is not limited by the choice.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { savePreferences } from "../../../src/messaging/preferences/index.js";
import {
  advance,
  DAY,
  MINUTE,
  messages,
  sendEvents,
  templatesFor,
  upsertCustomer,
} from "../../scenarios/support.js";
import { createTestApp, type TestApp } from "../../support/app.js";

const flow = (name: string, eventType: string, template: string, messageClass = "promotional") => ({
  name,
  trigger: { type: "event", eventTypes: [eventType] },
  reentry: "always",
  start: "mail",
  steps: [{ id: "mail", type: "send", template, channels: ["email"], messageClass }],
});

describe("the customer's chosen frequency", () => {
  let t: TestApp;
  let weekly: number;
  beforeEach(async () => {
    t = await createTestApp();
    await templatesFor(t, ["fav", "cart"], ["email"]);
    weekly = await upsertCustomer(t, { externalId: "weekly", email: "w@example.jp" }, { email: true });
    await upsertCustomer(t, { externalId: "every", email: "e@example.jp" }, { email: true });
    await savePreferences(t.ctx.db, t.clock, t.shop.shop.id, weekly, { categories: [], frequency: "weekly" });
    for (const [key, definition] of [
      ["fav", flow("Favourite", "favourite", "fav")],
      ["cart", flow("Cart", "cart_add", "cart")],
    ] as const) {
      const res = await t.app.inject({
        method: "POST",
        url: "/v1/scenarios",
        headers: t.secret,
        payload: { key, definition, activate: true },
      });
      expect(res.statusCode, res.body).toBe(201);
    }
  });
  afterEach(async () => t.close());

  const both = async (type: string) => {
    await sendEvents(
      t,
      ["weekly", "every"].map((customerId) => ({
        type,
        customerId,
        sku: "TEA",
        occurredAt: t.clock.now().toISOString(),
      })),
    );
    await advance(t, MINUTE);
  };
  const sent = async (template: string) =>
    (await messages(t))
      .filter((m) => m.template === template)
      .map((m) => [m.customer, m.status === "suppressed" ? `suppressed:${m.reason}` : "queued"]);
  const preview = async () =>
    (
      await t.app.inject({
        method: "POST",
        url: "/v1/campaigns/preview",
        headers: t.secret,
        payload: { name: "Sale", channels: ["email"], variants: [{ name: "A", template: "fav" }] },
      })
    ).json();

  it("holds a promotional message within the week for the member who chose weekly, not for the other", async () => {
    await both("favourite");
    expect(await sent("fav")).toEqual([
      ["weekly", "queued"],
      ["every", "queued"],
    ]);
    await advance(t, 3 * DAY);
    await both("cart_add");
    expect((await sent("cart")).sort()).toEqual([
      ["every", "queued"],
      ["weekly", "suppressed:customer_frequency:weekly"],
    ]);
    // A day later the shop's caps (1 a day, 3 a week) let both in; her own choice holds her back.
    await advance(t, DAY);
    expect(await preview()).toMatchObject({ matching: 2, reachable: 2, sendable: 1 });

    // A week after her first mail she may hear from the shop again.
    await advance(t, 3 * DAY + MINUTE);
    expect((await preview()).sendable).toBe(2);
  });

  it("does not hold transactional mail", async () => {
    const res = await t.app.inject({
      method: "PUT",
      url: "/v1/scenarios/cart",
      headers: t.secret,
      payload: { definition: flow("Cart", "cart_add", "cart", "transactional") },
    });
    expect(res.statusCode, res.body).toBe(200);
    await both("favourite");
    await advance(t, DAY);
    await both("cart_add");
    expect((await sent("cart")).sort()).toEqual([
      ["every", "queued"],
      ["weekly", "queued"],
    ]);
  });
});
