import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CreatedShop, createShop } from "../../src/shops/index.js";
import { bearer, type TestApp } from "../support/app.js";
import { countRows } from "../support/db.js";
import { createEventsTestApp, customerIdOf, postEvents, storedEvents } from "./support.js";

describe("who may send events", () => {
  let t: TestApp;
  let other: CreatedShop;
  beforeAll(async () => {
    t = await createEventsTestApp();
    other = await createShop(t.ctx.db, t.clock, { name: "Other Shop" });
  });
  afterAll(async () => t?.close());

  it("takes the public key and the secret key as bearer tokens", async () => {
    const pub = await postEvents(t, { type: "page_view", visitorId: "v1" }, t.public);
    expect(pub.statusCode, pub.body).toBe(200);
    const secret = await postEvents(t, { type: "page_view", visitorId: "v1" }, t.secret);
    expect(secret.statusCode, secret.body).toBe(200);
  });

  it("does not let the public key read customers", async () => {
    await postEvents(t, { type: "login", customerId: "M1" });
    const read = await t.app.inject({ method: "GET", url: "/v1/customers/M1", headers: t.public });
    expect(read.statusCode).toBe(403);
  });

  it("refuses a missing or wrong key with 401 and stores nothing", async () => {
    const before = await countRows(t.ctx.db, "events");
    const missing = await postEvents(t, { type: "page_view", visitorId: "v1" }, {});
    expect(missing.statusCode).toBe(401);
    const wrong = await postEvents(t, { type: "page_view", visitorId: "v1" }, bearer("kz_pk_not-a-key"));
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe("unauthorized");
    const wrongQuery = await postEvents(t, { type: "page_view", visitorId: "v1" }, {}, "?key=kz_pk_nope");
    expect(wrongQuery.statusCode).toBe(401);
    expect(await countRows(t.ctx.db, "events")).toBe(before);
  });

  it("takes the public key as ?key= with a text/plain body, as navigator.sendBeacon sends it", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: `/v1/events?key=${encodeURIComponent(t.shop.publicKey)}`,
      headers: { "content-type": "text/plain;charset=UTF-8" },
      payload: JSON.stringify({
        events: [{ type: "page_view", visitorId: "v-beacon", eventId: "beacon-1" }],
      }),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ accepted: 1, duplicates: 0 });
    expect((await storedEvents(t)).some((r) => r.visitor_id === "v-beacon")).toBe(true);

    const notJson = await t.app.inject({
      method: "POST",
      url: `/v1/events?key=${encodeURIComponent(t.shop.publicKey)}`,
      headers: { "content-type": "text/plain" },
      payload: "page_view v-beacon",
    });
    expect(notJson.statusCode).toBe(400);
  });

  it("never takes the secret key in the URL", async () => {
    const res = await postEvents(t, { type: "page_view", visitorId: "v1" }, {}, `?key=${t.shop.secretKey}`);
    expect(res.statusCode).toBe(401);
    expect(res.json().error.message).toMatch(/public key only/);
  });

  it("keeps each shop's events, visitors and customers to itself", async () => {
    // Shop A knows member SHARED and links visitor v-shared to them.
    await postEvents(t, { type: "login", customerId: "SHARED", visitorId: "v-shared" });
    const link = await t.app.inject({
      method: "POST",
      url: "/v1/identify",
      headers: t.public,
      payload: { visitorId: "v-shared", externalId: "SHARED" },
    });
    expect(link.statusCode, link.body).toBe(200);
    const aCustomer = await customerIdOf(t, "SHARED");
    const aEvents = await countRows(t.ctx.db, "events");

    // Shop B uses the same member id, visitor id and event id: it gets its own rows, and A's are untouched.
    const b = await postEvents(
      t,
      {
        events: [
          { type: "page_view", visitorId: "v-shared", eventId: "beacon-1" },
          { type: "login", customerId: "SHARED", eventId: "b-2" },
        ],
      },
      bearer(other.publicKey),
    );
    expect(b.statusCode, b.body).toBe(200);
    expect(b.json()).toEqual({ accepted: 2, duplicates: 0 });

    const bCustomer = await customerIdOf(t, "SHARED", other.shop.id);
    expect(bCustomer).toEqual(expect.any(Number));
    expect(bCustomer).not.toBe(aCustomer);
    const bRows = await storedEvents(t, other.shop.id);
    // v-shared is linked to a customer in shop A only: in shop B it is still anonymous.
    expect(bRows.map((r) => [r.type, r.customer_id])).toEqual(
      expect.arrayContaining([
        ["page_view", null],
        ["login", bCustomer],
      ]),
    );
    expect(bRows).toHaveLength(2);
    expect(await countRows(t.ctx.db, "events")).toBe(aEvents + 2);
    expect((await storedEvents(t)).every((r) => r.shop_id === t.shop.shop.id)).toBe(true);

    // B's key reads nothing of A's through the identify route either: it links within B.
    const bIdentify = await t.app.inject({
      method: "POST",
      url: "/v1/identify",
      headers: bearer(other.publicKey),
      payload: { visitorId: "v-shared", externalId: "SHARED" },
    });
    expect(bIdentify.json().customerId).toBe(bCustomer);
    expect(bIdentify.json().eventsLinked).toBe(1);
    const aRows = (await storedEvents(t)).filter((r) => r.visitor_id === "v-shared");
    expect(aRows.every((r) => r.customer_id === aCustomer)).toBe(true);
  });
});
