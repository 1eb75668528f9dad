// The library scenarios that follow what members do on the storefront: cart and browse abandonment,
// and back-in-stock news. Each scenario is its own story below, on its own shop.
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  closeFileDatabase,
  conversions,
  couponHolders,
  couponsOf,
  entrants,
  heldBack,
  jst,
  lineUser,
  MONDAY_10AM,
  openShop,
  payloadOf,
  placeOrder,
  putProduct,
  queued,
  runEnds,
  sendEvents,
  setClock,
  setStock,
  switchOn,
  type TestApp,
  upsertCustomer,
  workerAt,
} from "./support.js";

afterAll(closeFileDatabase);

// Cart abandonment, as a shop gets it from the library: reminders 1 hour, 24 hours and 72 hours (with a
// coupon) after a cart add, on the first channel each member can be reached on, until they buy.
const CART_1H = "cart-abandonment.reminder-1h";
const CART_24H = "cart-abandonment.reminder-24h";
const CART_72H = "cart-abandonment.reminder-72h";

describe("library: cart abandonment", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await openShop(MONDAY_10AM);
    await switchOn(t, "cart-abandonment");
  });
  afterEach(async () => t.close());

  it("reminds after 1 hour, a day later and at 72 hours (with a coupon) on each member's channel, and stops when they buy", async () => {
    // Given members reachable in different ways…
    await upsertCustomer(
      t,
      { externalId: "aoi", email: "aoi@example.jp", lineUserId: lineUser(1) },
      { email: true, line: true },
    );
    await upsertCustomer(
      t,
      { externalId: "ken", email: "ken@example.jp", lineUserId: lineUser(2) },
      { email: true }, // on LINE, but never agreed to marketing there
    );
    await upsertCustomer(
      t,
      { externalId: "sora", email: "sora@example.jp", phone: "090-1111-2222" },
      { sms: true }, // an address for email, but consent for SMS only
    );
    await upsertCustomer(t, { externalId: "yui", email: "yui@example.jp" }, { email: true });

    // …when each of them, and an anonymous visitor, adds matcha to the cart at 10:01.
    setClock(t, "2026-06-01 10:01");
    await sendEvents(t, [
      ...["aoi", "ken", "sora", "yui"].map((id) => ({ type: "cart_add", customerId: id, sku: "MATCHA-100" })),
      { type: "cart_add", visitorId: "v-guest", sku: "MATCHA-100" },
    ]);
    await workerAt(t, "2026-06-01 10:01:10");
    expect(await entrants(t)).toEqual(["aoi", "ken", "sora", "yui"]); // the guest has no member to write to
    expect(await queued(t)).toEqual([]);

    // Then an hour later the first reminder goes out, LINE first, else email; SMS is not on this step.
    await workerAt(t, "2026-06-01 11:01:10");
    const firstAt = jst("2026-06-01 11:01:10");
    expect(await queued(t)).toEqual([
      ["aoi", "line", CART_1H, firstAt],
      ["ken", "email", CART_1H, firstAt],
      ["yui", "email", CART_1H, firstAt],
    ]);
    expect(await payloadOf(t, "aoi", CART_1H)).toMatchObject({
      event: { type: "cart_add", sku: "MATCHA-100" },
    });

    // Yui buys half an hour after her reminder.
    setClock(t, "2026-06-01 11:31");
    await placeOrder(t, {
      externalId: "KZ-1001",
      customerId: "yui",
      orderedAt: jst("2026-06-01 11:31"),
      items: [{ sku: "MATCHA-100", quantity: 2, unitPrice: 2490 }],
    });

    // The 24-hour reminder comes a day after the first (25 hours after the cart), so the shop's default
    // cap of one promotional message a day lets it through; Yui has bought and gets nothing more.
    await workerAt(t, "2026-06-02 11:01:10");
    const secondAt = jst("2026-06-02 11:01:10");
    expect((await queued(t)).slice(3)).toEqual([
      ["aoi", "line", CART_24H, secondAt],
      ["ken", "email", CART_24H, secondAt],
    ]);
    expect(await heldBack(t)).toEqual([
      ["sora", CART_1H, "unreachable"],
      ["sora", CART_24H, "unreachable"],
    ]);
    expect(await conversions(t)).toEqual([
      { member: "yui", order: "KZ-1001", revenue: 4980, step: "reminder-1h" },
    ]);

    // 72 hours after the cart add a 10% coupon is issued and the last reminder goes out, SMS included.
    await workerAt(t, "2026-06-04 10:01:10");
    await workerAt(t, "2026-06-08 10:00");
    const lastAt = jst("2026-06-04 10:01:10");
    expect((await queued(t)).slice(5)).toEqual([
      ["aoi", "line", CART_72H, lastAt],
      ["ken", "email", CART_72H, lastAt],
      ["sora", "sms", CART_72H, lastAt],
    ]);
    for (const member of ["aoi", "ken", "sora"]) {
      const coupons = await couponsOf(t, member);
      expect(coupons).toHaveLength(1);
      expect(coupons[0]).toMatchObject({
        kind: "percent",
        value: 10,
        expires_at: jst("2026-06-11 10:01:10"),
      });
      expect(coupons[0].code).toMatch(/^CART-[A-Z2-9]{8}$/);
      expect(await payloadOf(t, member, CART_72H)).toMatchObject({
        coupon: { code: coupons[0].code, value: 10 },
      });
    }
    // Yui bought: no coupon, nothing after her purchase.
    expect(await couponHolders(t)).toEqual(["aoi", "ken", "sora"]);
    expect(await runEnds(t)).toEqual([
      ["aoi", "completed"],
      ["ken", "completed"],
      ["sora", "completed"],
      ["yui", "goal:order_placed"],
    ]);
  });

  it("sends nothing to a member who checks out seconds after adding to the cart", async () => {
    // Given a member who uses "buy now": the cart add and the order are seconds apart, both before
    // the worker's next round.
    await upsertCustomer(t, { externalId: "aoi", email: "aoi@example.jp" }, { email: true });
    setClock(t, "2026-06-01 10:01");
    await sendEvents(t, [{ type: "cart_add", customerId: "aoi", sku: "MATCHA-100" }]);
    setClock(t, "2026-06-01 10:01:04");
    await placeOrder(t, {
      externalId: "KZ-2001",
      customerId: "aoi",
      orderedAt: jst("2026-06-01 10:01:04"),
      items: [{ sku: "MATCHA-100", quantity: 1, unitPrice: 2490 }],
    });

    // When the worker picks the cart add up and the reminders fall due…
    await workerAt(t, "2026-06-01 10:01:10");
    await workerAt(t, "2026-06-01 11:01:10");
    await workerAt(t, "2026-06-04 10:01:10");

    // …then she is not reminded of a cart she has already bought.
    expect(await queued(t)).toEqual([]);
  });
});

// Browse abandonment from the library: a member who viewed a product and did not add it to the cart
// is shown it again the next day (email first, else LINE). Buying ends it.
const VIEWED_PRODUCT = "browse-abandonment.viewed-product";

describe("library: browse abandonment", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await openShop(MONDAY_10AM);
    await switchOn(t, "browse-abandonment");
  });
  afterEach(async () => t.close());

  it("shows the viewed product the next day to those who neither carted nor bought it", async () => {
    // Given five members…
    await upsertCustomer(t, { externalId: "aoi", email: "aoi@example.jp" }, { email: true });
    await upsertCustomer(
      t,
      { externalId: "ken", email: "ken@example.jp", lineUserId: lineUser(2) },
      { line: true }, // email on file, but consent for LINE only
    );
    await upsertCustomer(t, { externalId: "sora", email: "sora@example.jp" }, { email: true });
    await upsertCustomer(t, { externalId: "yui", email: "yui@example.jp" }, { email: true });
    await upsertCustomer(t, { externalId: "mei", email: "mei@example.jp" }); // no consent at all

    // …when they all look at the hōjicha at 10:01 (and so does an anonymous visitor)…
    setClock(t, "2026-06-01 10:01");
    await sendEvents(t, [
      ...["aoi", "ken", "sora", "yui", "mei"].map((id) => ({
        type: "product_view",
        customerId: id,
        sku: "HOJICHA-200",
      })),
      { type: "product_view", visitorId: "v-guest", sku: "HOJICHA-200" },
    ]);
    await workerAt(t, "2026-06-01 10:01:10");
    expect(await entrants(t)).toEqual(["aoi", "ken", "mei", "sora", "yui"]);

    // …Sora adds it to the cart twenty minutes later, and Yui buys it the next morning…
    setClock(t, "2026-06-01 10:21");
    await sendEvents(t, [{ type: "cart_add", customerId: "sora", sku: "HOJICHA-200" }]);
    setClock(t, "2026-06-02 08:30");
    await placeOrder(t, {
      externalId: "KZ-3001",
      customerId: "yui",
      orderedAt: jst("2026-06-02 08:30"),
      items: [{ sku: "HOJICHA-200", quantity: 1, unitPrice: 1280 }],
    });

    // …then a day after the view, only Aoi (by email) and Ken (by LINE) are shown it again.
    await workerAt(t, "2026-06-02 10:01:10");
    await workerAt(t, "2026-06-09 10:00");
    const at = jst("2026-06-02 10:01:10");
    expect(await queued(t)).toEqual([
      ["aoi", "email", VIEWED_PRODUCT, at],
      ["ken", "line", VIEWED_PRODUCT, at],
    ]);
    expect(await payloadOf(t, "aoi", VIEWED_PRODUCT)).toMatchObject({
      event: { type: "product_view", sku: "HOJICHA-200" },
    });
    expect(await conversions(t)).toEqual([
      { member: "yui", order: "KZ-3001", revenue: 1280, step: "wait-1d" },
    ]);
    expect(await runEnds(t)).toEqual([
      ["aoi", "completed"],
      ["ken", "completed"],
      ["mei", "completed"], // nobody to write to: recorded as unreachable, not queued
      ["sora", "completed"], // carted: the branch ends the run
      ["yui", "goal:order_placed"],
    ]);
  });

  it("sends nothing to a member who adds the product to the cart seconds after viewing it", async () => {
    // Given a member who views the matcha and adds it to the cart three seconds later, both before
    // the worker's next round…
    await upsertCustomer(t, { externalId: "aoi", email: "aoi@example.jp" }, { email: true });
    setClock(t, "2026-06-01 10:01");
    await sendEvents(t, [{ type: "product_view", customerId: "aoi", sku: "MATCHA-100" }]);
    setClock(t, "2026-06-01 10:01:03");
    await sendEvents(t, [{ type: "cart_add", customerId: "aoi", sku: "MATCHA-100" }]);

    // …when the day has passed…
    await workerAt(t, "2026-06-01 10:01:10");
    await workerAt(t, "2026-06-02 10:01:10");

    // …then she is not told about a product she did put in her cart.
    expect(await queued(t)).toEqual([]);
  });
});

// Back in stock from the library: when a sold-out product's stock comes back, the members who viewed it
// (and did not buy it), favourited it or asked to be told in the last 60 days hear about it at once,
// on LINE, else email, else SMS.
const RESTOCKED = "back-in-stock.restocked";

describe("library: back in stock", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await openShop(MONDAY_10AM);
  });
  afterEach(async () => t.close());

  it("tells the interested members when a sold-out product is back, once per restock", async () => {
    // Given two sold-out teas and a well-stocked kettle…
    await putProduct(t, { sku: "MATCHA-100", name: "宇治抹茶 100g", price: 2480, stock: 0 });
    await putProduct(t, { sku: "HOJICHA-200", name: "ほうじ茶 200g", price: 1280, stock: 0 });
    await putProduct(t, { sku: "KETTLE-1", name: "鉄瓶", price: 12800, stock: 5 });
    // …members who showed interest in the matcha in different ways…
    await upsertCustomer(
      t,
      { externalId: "aoi", email: "aoi@example.jp", lineUserId: lineUser(1) },
      { email: true, line: true },
    );
    await upsertCustomer(t, { externalId: "ken", email: "ken@example.jp" }, { email: true });
    await upsertCustomer(t, { externalId: "sora", phone: "090-5555-6666" }, { sms: true });
    await upsertCustomer(t, { externalId: "mei", email: "mei@example.jp" }, { email: true });
    await upsertCustomer(t, { externalId: "yui", email: "yui@example.jp" }, { email: true });
    await upsertCustomer(t, { externalId: "kai", email: "kai@example.jp" }, { email: true });
    await sendEvents(t, [
      { type: "product_view", customerId: "aoi", sku: "MATCHA-100", occurredAt: jst("2026-05-20 21:10") },
      { type: "favourite", customerId: "ken", sku: "MATCHA-100", occurredAt: jst("2026-05-25 12:00") },
      { type: "restock_request", customerId: "sora", sku: "MATCHA-100", occurredAt: jst("2026-05-30 08:00") },
      // Mei viewed it and bought the last one; Yui's view is older than 60 days; Kai looked at the
      // hōjicha and the kettle; a visitor without a member id viewed the matcha.
      { type: "product_view", customerId: "mei", sku: "MATCHA-100", occurredAt: jst("2026-05-10 10:00") },
      { type: "product_view", customerId: "yui", sku: "MATCHA-100", occurredAt: jst("2026-03-20 10:00") },
      { type: "product_view", customerId: "kai", sku: "HOJICHA-200", occurredAt: jst("2026-05-28 10:00") },
      { type: "product_view", customerId: "kai", sku: "KETTLE-1", occurredAt: jst("2026-05-28 10:05") },
      { type: "product_view", visitorId: "v-guest", sku: "MATCHA-100", occurredAt: jst("2026-05-29 10:00") },
    ]);
    await placeOrder(t, {
      externalId: "KZ-7001",
      customerId: "mei",
      orderedAt: jst("2026-05-10 10:20"),
      items: [{ sku: "MATCHA-100", quantity: 1, unitPrice: 2480 }],
    });
    await switchOn(t, "back-in-stock");
    await workerAt(t, "2026-06-01 10:00:10");

    // When the matcha comes back at 10:05, and more kettles arrive (they never ran out)…
    setClock(t, "2026-06-01 10:05");
    expect(await setStock(t, "MATCHA-100", 12)).toMatchObject({ restocked: true });
    expect(await setStock(t, "KETTLE-1", 20)).toMatchObject({ restocked: false });
    await workerAt(t, "2026-06-01 10:05:10");

    // …then Aoi (LINE), Ken (email) and Sora (SMS) hear about the matcha straight away.
    const at = jst("2026-06-01 10:05:10");
    expect(await queued(t)).toEqual([
      ["aoi", "line", RESTOCKED, at],
      ["ken", "email", RESTOCKED, at],
      ["sora", "sms", RESTOCKED, at],
    ]);
    expect(await payloadOf(t, "sora", RESTOCKED)).toMatchObject({ product: { sku: "MATCHA-100" } });

    // When the hōjicha comes back the next day, Kai hears about it; nobody hears about the matcha again.
    setClock(t, "2026-06-02 11:00");
    expect(await setStock(t, "HOJICHA-200", 30)).toMatchObject({ restocked: true });
    await workerAt(t, "2026-06-02 11:00:10");
    expect((await queued(t)).slice(3)).toEqual([["kai", "email", RESTOCKED, jst("2026-06-02 11:00:10")]]);
    expect(await payloadOf(t, "kai", RESTOCKED)).toMatchObject({ product: { sku: "HOJICHA-200" } });
    expect(await entrants(t)).toEqual(["aoi", "kai", "ken", "sora"]);
  });
});
