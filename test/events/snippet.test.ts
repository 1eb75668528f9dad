import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestApp } from "../support/app.js";
import { CookieJar, MemoryStorage, openPage } from "./snippet-harness.js";
import { createEventsTestApp, customerIdOf, storedEvents } from "./support.js";

describe("the storefront snippet", () => {
  let t: TestApp;
  let snippet: string;
  beforeAll(async () => {
    t = await createEventsTestApp();
    snippet = (await t.app.inject({ method: "GET", url: "/sdk.js" })).body;
  });
  afterAll(async () => t?.close());

  const eventsOf = async (visitorId: string) =>
    (await storedEvents(t)).filter((r) => r.visitor_id === visitorId);

  describe("GET /sdk.js", () => {
    it("is small JavaScript, cacheable, and gzipped for clients that take it", async () => {
      const res = await t.app.inject({ method: "GET", url: "/sdk.js" });
      expect(res.statusCode).toBe(200);
      expect(res.headers["content-type"]).toMatch(/^application\/javascript/);
      expect(res.headers["cache-control"]).toMatch(/max-age=\d+/);
      expect(res.body.length).toBeLessThan(8 * 1024);
      expect(res.body).toContain("kizuna");

      const gzipped = await t.app.inject({
        method: "GET",
        url: "/sdk.js",
        headers: { "accept-encoding": "gzip" },
      });
      expect(gzipped.headers["content-encoding"]).toBe("gzip");
      expect(gzipped.rawPayload.length).toBeLessThan(4 * 1024);
      expect(gunzipSync(gzipped.rawPayload).toString()).toBe(res.body);

      const again = await t.app.inject({
        method: "GET",
        url: "/sdk.js",
        headers: { "if-none-match": String(res.headers.etag) },
      });
      expect(again.statusCode).toBe(304);
    });
  });

  describe("CORS for storefront origins", () => {
    it("answers preflights for events and identify", async () => {
      for (const url of ["/v1/events", "/v1/identify"]) {
        const res = await t.app.inject({
          method: "OPTIONS",
          url,
          headers: {
            origin: "https://shop.example",
            "access-control-request-method": "POST",
            "access-control-request-headers": "authorization,content-type",
          },
        });
        expect(res.statusCode).toBe(204);
        expect(res.headers["access-control-allow-origin"]).toBe("*");
        expect(String(res.headers["access-control-allow-headers"]).toLowerCase()).toContain("authorization");
      }
    });

    it("lets the page read answers, errors included", async () => {
      const origin = { origin: "https://shop.example" };
      const ok = await t.app.inject({
        method: "POST",
        url: "/v1/identify",
        headers: { ...origin, ...t.public },
        payload: { visitorId: "v-cors", externalId: "M-CORS" },
      });
      expect(ok.statusCode).toBe(200);
      expect(ok.headers["access-control-allow-origin"]).toBe("*");
      const denied = await t.app.inject({ method: "POST", url: "/v1/events", headers: origin, payload: {} });
      expect(denied.statusCode).toBe(401);
      expect(denied.headers["access-control-allow-origin"]).toBe("*");
      const elsewhere = await t.app.inject({
        method: "GET",
        url: "/v1/customers/M-CORS",
        headers: { ...origin, ...t.secret },
      });
      expect(elsewhere.headers["access-control-allow-origin"]).toBeUndefined();
    });
  });

  it("batches tracked events every 2 seconds, as simple requests with ?key=", async () => {
    const page = openPage(t, snippet);
    page.kizuna.init(t.shop.publicKey);
    page.kizuna.track("product_view", { sku: "SKU-1", position: 3 });
    page.kizuna.cartAdd("SKU-1", 2);
    page.kizuna.page();
    expect(page.requests).toHaveLength(0);
    expect(page.queue()).toHaveLength(3);

    await page.timers.advance(2000, page.settle);
    expect(page.requests).toHaveLength(1);
    const [request] = page.requests;
    expect(request.url).toBe(`https://crm.example/v1/events?key=${encodeURIComponent(t.shop.publicKey)}`);
    expect(request.headers).toEqual({ "content-type": "text/plain" });
    expect(page.queue()).toEqual([]);

    const rows = await eventsOf(page.kizuna.visitorId());
    expect(rows.map((r) => [r.type, r.sku])).toEqual([
      ["product_view", "SKU-1"],
      ["cart_add", "SKU-1"],
      ["page_view", null],
    ]);
    expect(JSON.parse(rows[1].properties)).toEqual({ quantity: 2 });
    expect(JSON.parse(rows[2].properties)).toMatchObject({ url: "https://shop.example/products/tea" });
    expect(rows.every((r) => r.event_key !== null)).toBe(true);
  });

  it("sends at once when 20 events are queued", async () => {
    const page = openPage(t, snippet);
    page.kizuna.init(t.shop.publicKey, { endpoint: "https://api.example/" });
    for (let i = 0; i < 20; i++) page.kizuna.track("search", { query: `tea ${i}` });
    await page.settle();
    expect(page.requests.map((r) => r.url.split("?")[0])).toEqual(["https://api.example/v1/events"]);
    expect(await eventsOf(page.kizuna.visitorId())).toHaveLength(20);
  });

  it("refuses events the server would reject, instead of losing a batch to them", async () => {
    const page = openPage(t, snippet);
    page.kizuna.init(t.shop.publicKey);
    expect(page.kizuna.track("product_view")).toBeUndefined();
    expect(page.kizuna.track("restock")).toBeUndefined();
    expect(page.queue()).toEqual([]);
  });

  it("keeps events through a failure and a reload, retrying with backoff, and stores them once", async () => {
    const storage = new MemoryStorage();
    let offline = true;
    const first = openPage(t, snippet, { storage, offline: () => offline });
    first.kizuna.init(t.shop.publicKey);
    first.kizuna.track("favourite", { sku: "SKU-9" });
    await first.timers.advance(2000, first.settle);
    expect(first.requests).toHaveLength(1);
    expect(first.queue()).toHaveLength(1);
    // Backoff: the next attempt waits longer than the 2 s flush interval would.
    await first.timers.advance(1900, first.settle);
    expect(first.requests).toHaveLength(1);
    await first.timers.advance(10_000, first.settle);
    expect(first.requests.length).toBeGreaterThanOrEqual(2);
    expect(first.queue()).toHaveLength(1);

    // The shopper comes back later: the new page finds the queue and the visitor id in storage.
    offline = false;
    const second = openPage(t, snippet, { storage });
    expect(second.kizuna.visitorId()).toBe(first.kizuna.visitorId());
    second.kizuna.init(t.shop.publicKey);
    await second.timers.advance(2000, second.settle);
    expect(second.queue()).toEqual([]);
    // The first page's pending retry finds the shared queue empty: nothing goes out twice.
    const attempts = first.requests.length;
    await first.timers.advance(60_000, first.settle);
    expect(first.requests).toHaveLength(attempts);
    const rows = await eventsOf(first.kizuna.visitorId());
    expect(rows.map((r) => [r.type, r.sku])).toEqual([["favourite", "SKU-9"]]);
  });

  it("sends what is left with sendBeacon when the page is hidden or left", async () => {
    const page = openPage(t, snippet);
    page.kizuna.init(t.shop.publicKey);
    page.kizuna.track("product_view", { sku: "SKU-2" });
    page.kizuna.cartRemove("SKU-2");
    page.fire("visibilitychange");
    expect(page.beacons).toHaveLength(1);
    expect(page.queue()).toEqual([]);
    page.fire("pagehide");
    expect(page.beacons).toHaveLength(1);

    // What the browser would POST: the string body as text/plain, the key in the URL.
    const [beacon] = page.beacons;
    const url = new URL(beacon.url);
    const res = await t.app.inject({
      method: "POST",
      url: `${url.pathname}${url.search}`,
      headers: { "content-type": "text/plain;charset=UTF-8" },
      payload: beacon.body,
    });
    expect(res.json()).toEqual({ accepted: 2, duplicates: 0 });
    expect((await eventsOf(page.kizuna.visitorId())).map((r) => r.type)).toEqual([
      "product_view",
      "cart_remove",
    ]);
  });

  it("identifies the visitor: earlier events become the member's, later ones name them", async () => {
    const page = openPage(t, snippet);
    page.kizuna.init(t.shop.publicKey);
    page.kizuna.track("product_view", { sku: "SKU-3" });
    await page.kizuna.flush();
    const reply = await page.kizuna.identify("M-SNIPPET");
    expect(reply).toMatchObject({ eventsLinked: 1 });
    const identify = page.requests.find((r) => r.url.endsWith("/v1/identify"))!;
    expect(identify.headers.authorization).toBe(`Bearer ${t.shop.publicKey}`);

    page.kizuna.track("cart_add", { sku: "SKU-3" });
    expect(page.queue()[0]).toMatchObject({ customerId: "M-SNIPPET" });
    await page.kizuna.flush();
    const customerId = await customerIdOf(t, "M-SNIPPET");
    const rows = await eventsOf(page.kizuna.visitorId());
    expect(rows.map((r) => [r.type, r.customer_id])).toEqual([
      ["product_view", customerId],
      ["cart_add", customerId],
    ]);

    // Logging out forgets the member and starts a new anonymous visitor.
    const before = page.kizuna.visitorId();
    page.kizuna.reset();
    expect(page.kizuna.visitorId()).not.toBe(before);
    page.kizuna.track("page_view");
    expect(page.queue()[0].customerId).toBeUndefined();
  });

  it("retries identify with the queue when it fails", async () => {
    let offline = true;
    const page = openPage(t, snippet, { offline: () => offline });
    page.kizuna.init(t.shop.publicKey);
    await expect(page.kizuna.identify("M-RETRY")).rejects.toThrow();
    offline = false;
    await page.timers.advance(10_000, page.settle);
    expect(await customerIdOf(t, "M-RETRY")).toEqual(expect.any(Number));
  });

  it("keeps the visitor id in a cookie when localStorage is blocked", async () => {
    const cookies = new CookieJar();
    const page = openPage(t, snippet, { storage: "blocked", cookies });
    const id = page.kizuna.visitorId();
    expect(cookies.cookies.get("kizuna_vid")).toBe(id);
    expect(openPage(t, snippet, { storage: "blocked", cookies }).kizuna.visitorId()).toBe(id);

    page.kizuna.init(t.shop.publicKey);
    page.kizuna.track("login");
    await page.timers.advance(2000, page.settle);
    expect((await eventsOf(id)).map((r) => r.type)).toEqual(["login"]);
  });

  it("replays calls queued before the script loaded", async () => {
    const page = openPage(
      t,
      `window.kizuna = [["init", ${JSON.stringify(t.shop.publicKey)}], ["track", "search", { query: "matcha" }]];\n${snippet}`,
    );
    await page.timers.advance(2000, page.settle);
    const rows = await eventsOf(page.kizuna.visitorId());
    expect(rows.map((r) => JSON.parse(r.properties))).toEqual([{ query: "matcha" }]);
  });
});
