// The snippet in a real (headless) Chromium: a storefront page on one origin loads /sdk.js from the
// Kizuna server on another, so CORS, sendBeacon and storage are the browser's own.
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestApp } from "../support/app.js";
import { createEventsTestApp, customerIdOf, storedEvents } from "./support.js";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
const title = hasChromium
  ? "the snippet in a real browser"
  : `the snippet in a real browser (SKIPPED: ${CHROMIUM} not found; apt-get install chromium)`;

describe.skipIf(!hasChromium)(title, () => {
  let t: TestApp;
  let shopServer: Server;
  let browser: Browser;
  let page: Page;
  let storefront: string;

  beforeAll(async () => {
    t = await createEventsTestApp(new Date().toISOString());
    const api = await t.app.listen({ host: "127.0.0.1", port: 0 });
    // The shop's page, on another port: another origin.
    shopServer = createServer((_request, response) => {
      response.setHeader("content-type", "text/html; charset=utf-8");
      response.end(`<!doctype html><html><head><title>Green tea</title>
        <script src="${api}/sdk.js"></script></head><body><h1>Green tea</h1></body></html>`);
    });
    await new Promise<void>((resolve) => shopServer.listen(0, "127.0.0.1", resolve));
    storefront = `http://127.0.0.1:${(shopServer.address() as AddressInfo).port}/products/tea`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = await browser.newPage();
    await page.goto(storefront);
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => shopServer?.close(resolve));
    await t?.close();
  });

  const eventsOf = async (visitorId: string) =>
    (await storedEvents(t)).filter((r) => r.visitor_id === visitorId);

  async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const value = await probe();
      if (done(value) || Date.now() > deadline) return value;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it("tracks events across origins and reads the answers (CORS)", async () => {
    const queueAfterFlush = await page.evaluate(async (key) => {
      const kizuna = (window as unknown as { kizuna: Record<string, (...args: unknown[]) => unknown> })
        .kizuna;
      kizuna.init(key);
      kizuna.track("product_view", { sku: "SKU-1" });
      kizuna.cartAdd("SKU-1", 2);
      await kizuna.flush();
      return localStorage.getItem("kizuna_queue");
    }, t.shop.publicKey);
    // Emptied only when the answer could be read, i.e. the response carried the CORS header.
    expect(queueAfterFlush).toBeNull();

    const visitorId = await page.evaluate(() => localStorage.getItem("kizuna_vid"));
    expect(visitorId).toMatch(/^[0-9a-f]{32}$/);
    expect(await page.evaluate(() => document.cookie)).toContain(`kizuna_vid=${visitorId}`);
    const rows = await eventsOf(visitorId!);
    expect(rows.map((r) => [r.type, r.sku])).toEqual([
      ["product_view", "SKU-1"],
      ["cart_add", "SKU-1"],
    ]);
  });

  it("identifies the visitor through a preflighted request", async () => {
    const reply = await page.evaluate(() =>
      (window as unknown as { kizuna: { identify(id: string): Promise<unknown> } }).kizuna.identify(
        "M-BROWSER",
      ),
    );
    expect(reply).toMatchObject({ eventsLinked: 2 });
    const visitorId = await page.evaluate(() => localStorage.getItem("kizuna_vid"));
    const customerId = await customerIdOf(t, "M-BROWSER");
    expect((await eventsOf(visitorId!)).every((r) => r.customer_id === customerId)).toBe(true);
  });

  it("sends what is queued with sendBeacon when the shopper leaves the page", async () => {
    const visitorId = await page.evaluate(() => {
      const w = window as unknown as { kizuna: { track(type: string, props: object): void } };
      w.kizuna.track("search", { query: "matcha" });
      return localStorage.getItem("kizuna_vid");
    });
    await page.goto("about:blank");
    const rows = await until(
      () => eventsOf(visitorId!),
      (r) => r.some((e) => e.type === "search"),
    );
    const search = rows.find((r) => r.type === "search");
    expect(search).toBeDefined();
    expect(search!.customer_id).toBe(await customerIdOf(t, "M-BROWSER"));
    expect(JSON.parse(search!.properties)).toEqual({ query: "matcha" });
  });
});
