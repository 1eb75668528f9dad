// A customer with thousands of storefront events: the export comes out a page of rows at a time (never
// the whole history as objects at once), with every event exactly once, in order; erasure removes all
// of them in its one transaction.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customerByRef, customerExport } from "../../src/privacy/index.js";
import { createTestApp, type TestApp } from "../support/app.js";

const EVENTS = 2_500;

describe("exporting a long history", () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp("2026-06-01T00:00:00.000Z");
    const created = await t.app.inject({
      method: "POST",
      url: "/v1/customers",
      headers: t.secret,
      payload: { externalId: "M-LONG", email: "long.history@example.jp" },
    });
    expect(created.statusCode, created.body).toBe(200);
    for (let from = 0; from < EVENTS; from += 1000) {
      const events = Array.from({ length: Math.min(1000, EVENTS - from) }, (_, i) => ({
        type: "page_view",
        customerId: "M-LONG",
        properties: { n: from + i },
        occurredAt: new Date(Date.parse("2026-05-01T00:00:00.000Z") + (from + i) * 60_000).toISOString(),
      }));
      const res = await t.app.inject({
        method: "POST",
        url: "/v1/events",
        headers: t.public,
        payload: { events },
      });
      expect(res.statusCode, res.body).toBe(200);
    }
  });
  afterAll(() => t.close());

  it("streams the events in pages, each once and in order", async () => {
    const customer = await customerByRef(t.ctx.db, t.shop.shop.id, "M-LONG");
    const chunks: string[] = [];
    for await (const chunk of customerExport(t.ctx.db, t.clock, t.shop.shop.id, customer)) chunks.push(chunk);
    const whole = chunks.join("");
    // The events arrive as three pages (1,000 + 1,000 + 500 rows), no chunk holding them all.
    const eventChunks = chunks.filter((c) => c.includes('"type":"page_view"'));
    expect(eventChunks).toHaveLength(3);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(whole.length / 2);

    const doc = JSON.parse(whole);
    const events = doc.tables.events.rows as Array<{ id: number; properties: { n: number } }>;
    expect(events).toHaveLength(EVENTS);
    expect(events.map((e) => e.properties.n)).toEqual(Array.from({ length: EVENTS }, (_, i) => i));
    expect(events.every((e, i) => i === 0 || e.id > events[i - 1].id)).toBe(true);

    const res = await t.app.inject({ method: "GET", url: "/v1/customers/M-LONG/export", headers: t.secret });
    expect(res.statusCode).toBe(200);
    expect(res.json().tables.events.rows).toHaveLength(EVENTS);
  });

  it("erases all of them", async () => {
    const res = await t.app.inject({ method: "DELETE", url: "/v1/customers/M-LONG", headers: t.secret });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().erased.tables.events).toBe(EVENTS);
    const left = await t.ctx.db
      .selectFrom("events")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("shop_id", "=", t.shop.shop.id)
      .executeTakeFirstOrThrow();
    expect(Number(left.n)).toBe(0);
  });
});
