import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestApp } from "../support/app.js";
import { countRows } from "../support/db.js";
import { createEventsTestApp, customerIdOf, postEvents, productViews, storedEvents } from "./support.js";

describe("storefront events ingestion", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createEventsTestApp();
    const product = await t.app.inject({
      method: "POST",
      url: "/v1/products",
      headers: t.secret,
      payload: { sku: "SKU-1", name: "Green tea", price: 1280 },
    });
    expect(product.statusCode, product.body).toBe(200);
  });
  afterAll(async () => t?.close());

  it("stores a batch of 1000 events from the storefront in one request", async () => {
    const before = await countRows(t.ctx.db, "events");
    const res = await postEvents(t, { events: productViews(1000, "batch-") });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ accepted: 1000, duplicates: 0 });
    expect(await countRows(t.ctx.db, "events")).toBe(before + 1000);

    const rows = await storedEvents(t);
    const known = rows.find((r) => r.event_key === "batch-1")!;
    const unknown = rows.find((r) => r.event_key === "batch-2")!;
    // SKU-1 is in the catalogue, SKU-2 is not: both keep their SKU text, only one has a product.
    expect(known).toMatchObject({ type: "product_view", sku: "SKU-1", visitor_id: "v1", customer_id: null });
    expect(known.product_id).toEqual(expect.any(Number));
    expect(unknown).toMatchObject({ sku: "SKU-2", product_id: null });
    expect(JSON.parse(known.properties)).toEqual({ position: 1 });
    expect(known.occurred_at).toBe(t.clock.now().toISOString());
    expect(await countRows(t.ctx.db, "visitors")).toBeGreaterThanOrEqual(50);
  });

  it("rejects the whole batch when one event is bad, naming the field, and stores nothing", async () => {
    const events = [
      ...productViews(3, "bad-"),
      { type: "teleport", visitorId: "v1" },
      { type: "cart_add", visitorId: "v1" },
      { type: "search", properties: { query: "tea" } },
    ];
    const before = {
      events: await countRows(t.ctx.db, "events"),
      visitors: await countRows(t.ctx.db, "visitors"),
      customers: await countRows(t.ctx.db, "customers"),
    };
    const res = await postEvents(t, { events: [{ type: "login", customerId: "NEW-MEMBER" }, ...events] });
    expect(res.statusCode).toBe(400);
    const fields = res.json().error.issues.map((i: { field: string }) => i.field);
    expect(fields).toEqual(["events[4].type", "events[5].sku", "events[6].customerId"]);
    expect({
      events: await countRows(t.ctx.db, "events"),
      visitors: await countRows(t.ctx.db, "visitors"),
      customers: await countRows(t.ctx.db, "customers"),
    }).toEqual(before);
  });

  it("rejects events too far in the future or past, and oversized properties", async () => {
    const now = t.clock.now().getTime();
    const at = (ms: number) => new Date(now + ms).toISOString();
    const res = await postEvents(t, {
      events: [
        { type: "page_view", visitorId: "v1", occurredAt: at(4 * 60_000) },
        { type: "page_view", visitorId: "v1", occurredAt: at(6 * 60_000) },
        { type: "page_view", visitorId: "v1", occurredAt: at(-91 * 86_400_000) },
        { type: "page_view", visitorId: "v1", properties: { blob: "あ".repeat(3000) } },
      ],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.issues.map((i: { field: string }) => i.field)).toEqual([
      "events[1].occurredAt",
      "events[2].occurredAt",
      "events[3].properties",
    ]);
  });

  it("corrects a sender's wrong clock by its sentAt", async () => {
    // The browser's clock is a day behind: it says it sent the batch a day ago, a minute after the event.
    const dayMs = 86_400_000;
    const browserNow = t.clock.now().getTime() - dayMs;
    const res = await postEvents(t, {
      sentAt: new Date(browserNow).toISOString(),
      events: [
        { type: "page_view", visitorId: "v-skew", occurredAt: new Date(browserNow - 60_000).toISOString() },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    const row = (await storedEvents(t)).find((r) => r.visitor_id === "v-skew")!;
    expect(row.occurred_at).toBe(new Date(t.clock.now().getTime() - 60_000).toISOString());
  });

  it("takes one bare event, validated the same way", async () => {
    const ok = await postEvents(t, { type: "cart_add", visitorId: "v-single", sku: "SKU-1", eventId: "one" });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({ accepted: 1, duplicates: 0 });
    const bad = await postEvents(t, { type: "cart_add", visitorId: "v-single" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.issues).toEqual([{ field: "sku", message: "required for cart_add events" }]);
    const unknownField = await postEvents(t, { type: "page_view", visitorId: "v", colour: "red" });
    expect(unknownField.statusCode).toBe(400);
  });

  it("does not store a retried batch twice (eventId)", async () => {
    const events = productViews(10, "retry-");
    const first = await postEvents(t, { events });
    expect(first.json()).toEqual({ accepted: 10, duplicates: 0 });
    const before = await countRows(t.ctx.db, "events");
    const again = await postEvents(t, { events: [...events, ...productViews(2, "fresh-")] });
    expect(again.json()).toEqual({ accepted: 2, duplicates: 10 });
    const sameTwice = await postEvents(t, { events: [events[0], events[0], ...productViews(1, "fresh2-")] });
    expect(sameTwice.json()).toEqual({ accepted: 1, duplicates: 2 });
    expect(await countRows(t.ctx.db, "events")).toBe(before + 3);
  });

  it("creates a bare profile for a member the shop has not sent yet", async () => {
    expect(await customerIdOf(t, "M-NEW")).toBeUndefined();
    const res = await postEvents(t, {
      events: [
        { type: "login", customerId: "M-NEW" },
        { type: "product_view", customerId: "M-NEW", sku: "SKU-1" },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    const id = await customerIdOf(t, "M-NEW");
    expect(id).toEqual(expect.any(Number));
    const rows = (await storedEvents(t)).filter((r) => r.customer_id === id);
    expect(rows.map((r) => r.type)).toEqual(["login", "product_view"]);
    const profile = await t.app.inject({ method: "GET", url: "/v1/customers/M-NEW", headers: t.secret });
    expect(profile.statusCode, profile.body).toBe(200);
  });

  it("gives a visitor's events to the customer once identified, and later ones too", async () => {
    const before = await postEvents(t, {
      events: [
        { type: "page_view", visitorId: "v-anon" },
        { type: "cart_add", visitorId: "v-anon", sku: "SKU-1" },
      ],
    });
    expect(before.statusCode).toBe(200);
    expect(
      (await storedEvents(t)).filter((r) => r.visitor_id === "v-anon").map((r) => r.customer_id),
    ).toEqual([null, null]);

    const identify = await t.app.inject({
      method: "POST",
      url: "/v1/identify",
      headers: t.public,
      payload: { visitorId: "v-anon", externalId: "M-ANON" },
    });
    expect(identify.statusCode, identify.body).toBe(200);
    expect(identify.json().eventsLinked).toBe(2);

    const after = await postEvents(t, { type: "checkout_start", visitorId: "v-anon" });
    expect(after.statusCode).toBe(200);
    const customerId = await customerIdOf(t, "M-ANON");
    const rows = (await storedEvents(t)).filter((r) => r.visitor_id === "v-anon");
    expect(rows.map((r) => [r.type, r.customer_id])).toEqual([
      ["page_view", customerId],
      ["cart_add", customerId],
      ["checkout_start", customerId],
    ]);
  });

  it("is documented in the OpenAPI document: a batch or one event", async () => {
    const doc = (await t.app.inject({ method: "GET", url: "/docs/json" })).json();
    const post = doc.paths["/v1/events"].post;
    const body = post.requestBody.content["application/json"].schema;
    expect(body.anyOf).toHaveLength(2);
    expect(post.responses["200"]).toBeDefined();
    expect(doc.paths["/v1/events"].options).toBeUndefined();
  });

  it("stores concurrent single-event requests, each answered with its own result", async () => {
    const before = await countRows(t.ctx.db, "events");
    const sends = Array.from({ length: 200 }, (_, i) =>
      postEvents(t, { type: "page_view", visitorId: `v-c${i % 7}`, eventId: `conc-${i % 150}` }),
    );
    const replies = await Promise.all(sends);
    expect(replies.every((r) => r.statusCode === 200)).toBe(true);
    const totals = replies
      .map((r) => r.json())
      .reduce((a, b) => ({ accepted: a.accepted + b.accepted, duplicates: a.duplicates + b.duplicates }));
    expect(totals).toEqual({ accepted: 150, duplicates: 50 });
    expect(await countRows(t.ctx.db, "events")).toBe(before + 150);
  });
});
