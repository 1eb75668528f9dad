// Rate and size limits on the endpoints anyone can call: storefront ingestion (the public key is in every
// page's source), tracking links, the recipient pages and provider webhooks. Over the rate: 429 with
// Retry-After, in the error shape, nothing written; over the size: 413, nothing written. The
// authenticated API and a server using the secret key are not throttled.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/core/config.js";
import { DEFAULT_RATE_LIMITS } from "../../src/http/limits/index.js";
import { createShop } from "../../src/shops/index.js";
import { bearer, type TestApp } from "../support/app.js";
import { countRows } from "../support/db.js";
import { createHostileTestApp } from "./hostile-support.js";

const START = "2026-06-01T00:00:00.000Z";

const event = (i: number) => ({ type: "page_view", visitorId: `v${i}`, eventId: `e-${Math.random()}` });

function expectRateLimited(res: { statusCode: number; headers: Record<string, unknown> }) {
  expect(res.statusCode).toBe(429);
  const retryAfter = Number(res.headers["retry-after"]);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(60);
}

function expectRateLimitedJson(res: {
  statusCode: number;
  headers: Record<string, unknown>;
  json(): unknown;
}) {
  expectRateLimited(res);
  expect(res.json()).toEqual({
    error: {
      code: "rate_limited",
      message: expect.stringMatching(/^too many requests; retry in /),
      issues: [],
    },
  });
}

describe("rate limits on the public endpoints (small limits set through the app's options)", () => {
  let t: TestApp;
  const limits = { storefront: 3, tracking: 2, pages: 2, webhooks: 2 };

  beforeAll(async () => {
    t = await createHostileTestApp(START, { rateLimits: limits });
  });
  afterAll(async () => t?.close());

  it("storefront: counts per shop and client address across events and identify; 429 writes nothing", async () => {
    const from = (remoteAddress: string, headers = t.public) => ({ remoteAddress, headers });
    const post = (url: string, payload: object, o = from("203.0.113.7")) =>
      t.app.inject({ method: "POST", url, payload, ...o });
    for (let i = 0; i < limits.storefront; i++) {
      const res = await post("/v1/events", event(i));
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers["x-ratelimit-limit"]).toBe(String(limits.storefront));
    }
    const eventsBefore = await countRows(t.ctx.db, "events");
    const customersBefore = await countRows(t.ctx.db, "customers");
    expectRateLimitedJson(await post("/v1/events", event(99)));
    // identify and push subscriptions share the storefront's count.
    expectRateLimitedJson(await post("/v1/identify", { visitorId: "v1", externalId: "M-1" }));
    expect(await countRows(t.ctx.db, "events")).toBe(eventsBefore);
    expect(await countRows(t.ctx.db, "customers")).toBe(customersBefore);

    // Another address, another shop from the same address, and the shop's own server are not held back.
    expect((await post("/v1/events", event(1), from("203.0.113.8"))).statusCode).toBe(200);
    const other = await createShop(t.ctx.db, t.clock, { name: "Other Shop" });
    expect(
      (await post("/v1/events", event(1), from("203.0.113.7", bearer(other.publicKey)))).statusCode,
    ).toBe(200);
    for (let i = 0; i < limits.storefront + 2; i++) {
      const res = await post("/v1/events", event(i), from("203.0.113.7", t.secret));
      expect(res.statusCode, res.body).toBe(200);
    }
  });

  it("tracking: the open pixel, click links and short links share one count per address", async () => {
    const get = (url: string) => t.app.inject({ method: "GET", url, remoteAddress: "198.51.100.1" });
    expect((await get("/t/o/not-a-token.gif")).statusCode).toBe(200);
    expect((await get("/t/c/not-a-token")).statusCode).toBe(400);
    const limited = await get("/s/abcdefgh");
    expectRateLimitedJson(limited);
    expect(limited.headers.location).toBeUndefined();
    expectRateLimitedJson(await get("/t/o/not-a-token.gif"));
    expect(
      (await t.app.inject({ method: "GET", url: "/t/o/x.gif", remoteAddress: "198.51.100.2" })).statusCode,
    ).toBe(200);
  });

  it("pages: a script hammering the unsubscribe page is refused with a 429 page, changing nothing", async () => {
    const hammer = (method: "GET" | "POST", url: string) =>
      t.app.inject({
        method,
        url,
        remoteAddress: "192.0.2.10",
        ...(method === "POST"
          ? {
              headers: { "content-type": "application/x-www-form-urlencoded" },
              payload: "List-Unsubscribe=One-Click",
            }
          : {}),
      });
    const logBefore = await countRows(t.ctx.db, "consent_log");
    expect((await hammer("GET", "/u/forged.token")).statusCode).toBe(400);
    expect((await hammer("POST", "/p/forged.token")).statusCode).toBe(400);
    for (const [method, url] of [
      ["POST", "/u/forged.token"],
      ["GET", "/c/forged.token"],
    ] as const) {
      const res = await hammer(method, url);
      expectRateLimited(res);
      // The recipient pages answer people with a page, not JSON; the status and Retry-After say the same.
      expect(res.headers["content-type"]).toMatch(/^text\/html/);
      expect(res.headers["cache-control"]).toBe("no-store");
    }
    expect(await countRows(t.ctx.db, "consent_log")).toBe(logBefore);
  });

  it("webhooks: per address, whichever provider's path, signed or not", async () => {
    const post = (url: string) =>
      t.app.inject({
        method: "POST",
        url,
        remoteAddress: "192.0.2.77",
        headers: { "content-type": "application/json" },
        payload: "{}",
      });
    expect((await post(`/hooks/line/${t.shop.shop.id}`)).statusCode).toBe(401);
    expect((await post(`/webhooks/shopify/${t.shop.shop.id}`)).statusCode).toBe(401);
    expectRateLimitedJson(await post(`/hooks/email/bounces/${t.shop.shop.id}`));
    expect(await countRows(t.ctx.db, "webhook_receipts")).toBe(0);
  });

  it("leaves the authenticated API alone", async () => {
    for (let i = 0; i < 10; i++) {
      const res = await t.app.inject({ method: "GET", url: "/v1/customers?q=M", headers: t.secret });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers["x-ratelimit-limit"]).toBeUndefined();
    }
  });
});

describe("rate limits with the defaults", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createHostileTestApp(START);
  });
  afterAll(async () => t?.close());

  it("let an office's busy storefront through and stop a script at the page limit", async () => {
    const office = { remoteAddress: "203.0.113.50", headers: t.public };
    // A burst of a hundred page views from one address, as an office at lunchtime sends.
    for (let i = 0; i < 100; i++) {
      const res = await t.app.inject({ method: "POST", url: "/v1/events", payload: event(i), ...office });
      expect(res.statusCode, res.body).toBe(200);
    }
    expect(
      Number(
        (await t.app.inject({ method: "POST", url: "/v1/events", payload: event(0), ...office })).headers[
          "x-ratelimit-remaining"
        ],
      ),
    ).toBe(DEFAULT_RATE_LIMITS.storefront - 101);

    const script = { method: "GET" as const, url: "/u/forged.token", remoteAddress: "192.0.2.200" };
    for (let i = 0; i < DEFAULT_RATE_LIMITS.pages; i++)
      expect((await t.app.inject(script)).statusCode).toBe(400);
    expectRateLimited(await t.app.inject(script));
    // Another visitor of the same page is not affected.
    expect((await t.app.inject({ ...script, remoteAddress: "192.0.2.201" })).statusCode).toBe(400);
  });

  it("count the connection's address: a forged X-Forwarded-For does not get a fresh count", async () => {
    const limited = await createHostileTestApp(START, { rateLimits: { tracking: 1 } });
    const proxied = await createHostileTestApp(START, {
      rateLimits: { tracking: 1 },
      trustProxy: ["10.0.0.1"],
    });
    try {
      const get = (app: TestApp, remoteAddress: string, forwarded: string) =>
        app.app.inject({
          method: "GET",
          url: "/t/o/x.gif",
          remoteAddress,
          headers: { "x-forwarded-for": forwarded },
        });
      expect((await get(limited, "198.51.100.9", "1.1.1.1")).statusCode).toBe(200);
      expectRateLimitedJson(await get(limited, "198.51.100.9", "2.2.2.2"));
      // Behind a trusted proxy, each client behind it has its own count; the proxy is not one client.
      expect((await get(proxied, "10.0.0.1", "1.1.1.1")).statusCode).toBe(200);
      expect((await get(proxied, "10.0.0.1", "2.2.2.2")).statusCode).toBe(200);
      expectRateLimitedJson(await get(proxied, "10.0.0.1", "2.2.2.2"));
      // A client that is not the proxy cannot choose its address.
      expect((await get(proxied, "198.51.100.9", "3.3.3.3")).statusCode).toBe(200);
      expectRateLimitedJson(await get(proxied, "198.51.100.9", "4.4.4.4"));
    } finally {
      await limited.close();
      await proxied.close();
    }
  });

  it("can be turned off (the ingest benchmark does)", async () => {
    const open = await createHostileTestApp(START, { rateLimits: false });
    try {
      for (let i = 0; i < 5; i++) {
        const res = await open.app.inject({ method: "GET", url: "/t/o/x.gif" });
        expect(res.statusCode).toBe(200);
        expect(res.headers["x-ratelimit-limit"]).toBeUndefined();
      }
    } finally {
      await open.close();
    }
  });
});

describe("rate limit configuration", () => {
  it("is read once from the environment, each group on its own, 0 turning one off", () => {
    const config = loadConfig({
      RATE_LIMIT_PAGES: "60",
      RATE_LIMIT_STOREFRONT: "0",
      TRUST_PROXY: "10.0.0.1, 10.0.0.0/8",
    });
    expect(config.rateLimits).toEqual({ pages: 60, storefront: 0 });
    expect(config.trustProxy).toEqual(["10.0.0.1", "10.0.0.0/8"]);
    expect(loadConfig({}).rateLimits).toEqual({});
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: "true" }).trustProxy).toBe(true);
    expect(() => loadConfig({ RATE_LIMIT_WEBHOOKS: "-5" })).toThrow(/RATE_LIMIT_WEBHOOKS/);
    expect(() => loadConfig({ TRUST_PROXY: "every proxy" })).toThrow(/TRUST_PROXY/);
  });
});

describe("body size limits on the public endpoints", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createHostileTestApp(START);
  });
  afterAll(async () => t?.close());

  const kb = (n: number) => "x".repeat(n * 1024);

  it("refuses an oversized page post with 413, before reading the token, changing nothing", async () => {
    const before = await countRows(t.ctx.db, "consent_log");
    for (const [url, contentType, payload] of [
      ["/u/forged.token", "application/x-www-form-urlencoded", `List-Unsubscribe=One-Click&pad=${kb(17)}`],
      ["/p/forged.token", "application/json", JSON.stringify({ pad: kb(17) })],
      ["/c/forged.token", "application/x-www-form-urlencoded", `pad=${kb(17)}`],
    ]) {
      const res = await t.app.inject({
        method: "POST",
        url,
        headers: { "content-type": contentType },
        payload,
      });
      expect(res.statusCode, url).toBe(413);
    }
    expect(await countRows(t.ctx.db, "consent_log")).toBe(before);
  });

  it("refuses oversized webhook, identify and push bodies with 413 in the error shape", async () => {
    const cases: Array<[string, string, number]> = [
      [`/hooks/line/${t.shop.shop.id}`, "application/json", 1025],
      [`/hooks/email/bounces/${t.shop.shop.id}`, "application/json", 65],
      ["/v1/identify", "application/json", 65],
      ["/v1/push/subscriptions", "application/json", 17],
    ];
    for (const [url, contentType, size] of cases) {
      const res = await t.app.inject({
        method: "POST",
        url,
        headers: { ...t.public, "content-type": contentType },
        payload: JSON.stringify({ pad: kb(size) }),
      });
      expect(res.statusCode, url).toBe(413);
      expect(res.json(), url).toEqual({
        error: {
          code: "fst_err_ctp_body_too_large",
          message: expect.any(String),
          issues: [{ field: "body", message: expect.any(String) }],
        },
      });
    }
    expect(await countRows(t.ctx.db, "customers")).toBe(0);
  });

  it("still takes a large batch of events and a bounce that carries its original mail", async () => {
    const events = Array.from({ length: 500 }, (_, i) => ({
      ...event(i),
      properties: { note: "y".repeat(600) },
    }));
    const batch = await t.app.inject({
      method: "POST",
      url: "/v1/events",
      headers: t.public,
      payload: { events },
    });
    expect(batch.statusCode, batch.body).toBe(200);
    expect(JSON.stringify({ events }).length).toBeGreaterThan(300 * 1024);
    // The raw-mail hook keeps its own 10 MB: 2 MB reaches the signature check (401), not a 413.
    const mail = await t.app.inject({
      method: "POST",
      url: `/hooks/email/inbound/${t.shop.shop.id}`,
      headers: { "content-type": "message/rfc822" },
      payload: `Subject: bounce\r\n\r\n${kb(2048)}`,
    });
    expect(mail.statusCode).toBe(401);
  });
});
