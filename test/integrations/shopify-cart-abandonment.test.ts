// Given a Shopify store connected without the storefront snippet and the ready-made cart abandonment
// switched on, when a customer starts a checkout and leaves it, then the reminder goes out an hour later
// showing the checkout's lines, with the checkout's recovery link as the way back; an update to the
// checkout changes what it shows, a cart add after it is added to it, and a completed checkout or an
// order ends the run and empties the cart.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LIBRARY_TEMPLATES } from "../../src/scenarios/library/content/index.js";
import {
  entrants,
  jst,
  MONDAY_10AM,
  putProduct,
  queued,
  runEnds,
  setClock,
  switchOn,
  workerAt,
} from "../scenarios/library/support.js";
import { sendEvents } from "../scenarios/support.js";
import { createTestApp, type TestApp } from "../support/app.js";
import { connectStore, deliver, fixture, type Json } from "./shopify-support.js";

const REMINDER = "cart-abandonment.reminder-1h";
const MEMBER = "7012345678901"; // the fixture's Shopify customer id, Kizuna's member id for her
const RECOVER =
  "https://kizuna-cosme.myshopify.com/70000000001/checkouts/c0ffee5a5e1f4b8e9d7c6b5a4f3e2d1c/recover?key=8f1e2d3c4b5a";

/** The fixture's checkout (one 薬用化粧水 400ml at ¥6,980), started at a Tokyo wall-clock time. */
function checkout(local: string, overrides: Json = {}): Json {
  const base = fixture("checkouts-create");
  const at = `${local.replace(" ", "T")}:00+09:00`;
  return { ...base, created_at: at, updated_at: at, ...overrides };
}

/** What a reader sees of some HTML: the text, tags and runs of white space as one space. */
const text = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");

/** The reminder's HTML as the worker would render it for the member now (the template preview). */
async function reminderHtml(t: TestApp): Promise<string> {
  const template = LIBRARY_TEMPLATES.find(
    (x) => `${x.scenario}.${x.step}` === REMINDER && x.channel === "email" && x.locale === "ja",
  )!;
  const res = await t.app.inject({
    method: "POST",
    url: "/v1/templates/preview",
    headers: t.secret,
    payload: {
      channel: "email",
      locale: "ja",
      messageClass: "promotional",
      subject: template.subject,
      body: template.body,
      customer: MEMBER,
    },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().html as string;
}

describe("cart abandonment from Shopify checkouts", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(MONDAY_10AM);
    await connectStore(t);
    await putProduct(t, {
      sku: "KZ-LOTION-400",
      name: "薬用化粧水 400ml",
      price: 6980,
      currency: "JPY",
      url: "https://kizuna-cosme.jp/products/medicated-lotion",
      imageUrl: "https://cdn.kizuna-cosme.jp/lotion-400.jpg",
    });
    await switchOn(t, "cart-abandonment");
  });
  afterEach(async () => t.close());

  it("reminds an hour after a checkout is left, with its lines and its recovery link", async () => {
    setClock(t, "2026-06-01 10:01");
    expect((await deliver(t, "checkouts/create", checkout("2026-06-01 10:01"))).json().outcome).toBe(
      "processed",
    );
    await workerAt(t, "2026-06-01 10:01:10");
    expect(await entrants(t)).toEqual([MEMBER]);

    await workerAt(t, "2026-06-01 11:01:10");
    expect(await queued(t)).toEqual([[MEMBER, "email", REMINDER, jst("2026-06-01 11:01:10")]]);
    const html = await reminderHtml(t);
    expect(html).toContain("薬用化粧水 - 400ml"); // the checkout's line, as Shopify named it
    expect(text(html)).toContain("薬用化粧水 - 400ml 数量：1 ￥6,980");
    expect(html).toContain("https://cdn.kizuna-cosme.jp/lotion-400.jpg"); // the shop's product of that SKU
    expect(html).toContain(`href="${RECOVER}"`); // back to the checkout, not to a /cart page
    expect(html).not.toContain("kizuna-cosme.jp/cart");
  });

  it("shows the checkout as it was last updated, plus what was added after it", async () => {
    setClock(t, "2026-06-01 10:01");
    const started = checkout("2026-06-01 10:01");
    await deliver(t, "checkouts/create", started);
    setClock(t, "2026-06-01 10:05");
    const line = started.line_items[0];
    await deliver(t, "checkouts/update", {
      ...started,
      updated_at: "2026-06-01T10:05:00+09:00",
      line_items: [{ ...line, quantity: 2, line_price: "13960" }],
    });
    setClock(t, "2026-06-01 10:06");
    await sendEvents(t, [
      { type: "cart_add", customerId: MEMBER, sku: "KZ-MILK-150", properties: { price: 3300 } },
    ]);
    await workerAt(t, "2026-06-01 10:06:10");
    expect(await entrants(t)).toEqual([MEMBER]); // one run for the checkout and the cart add

    const html = await reminderHtml(t);
    expect(text(html)).toContain("薬用化粧水 - 400ml 数量：2 ￥6,980");
    expect(text(html)).toContain("KZ-MILK-150 数量：1 ￥3,300"); // no product of that SKU: named by it
  });

  it("empties the cart and ends the run when the checkout completes and the order arrives", async () => {
    setClock(t, "2026-06-01 10:01");
    const started = checkout("2026-06-01 10:01");
    await deliver(t, "checkouts/create", started);
    await workerAt(t, "2026-06-01 10:01:10");
    expect(await entrants(t)).toEqual([MEMBER]);

    setClock(t, "2026-06-01 10:20");
    await deliver(t, "checkouts/update", {
      ...started,
      updated_at: "2026-06-01T10:20:00+09:00",
      completed_at: "2026-06-01T10:20:00+09:00",
    });
    expect(await reminderHtml(t)).not.toContain("薬用化粧水 - 400ml");

    await deliver(t, "orders/create", {
      ...fixture("orders-create"),
      email: started.email,
      customer: started.customer,
      created_at: "2026-06-01T10:20:30+09:00",
      processed_at: "2026-06-01T10:20:30+09:00",
    });
    await workerAt(t, "2026-06-01 11:01:10");
    expect(await queued(t)).toEqual([]);
    expect(await runEnds(t)).toEqual([[MEMBER, "goal:order_placed"]]);
  });
});
