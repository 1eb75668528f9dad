// Given a coupon issued to a customer, an order using it marks it redeemed; cancelling or returning
// the order releases it for use again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app.js";

describe("orders: coupon redemption", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  const issue = (code: string) =>
    t.testDb.db
      .insertInto("coupons")
      .values({
        shop_id: t.shop.shop.id,
        code,
        kind: "amount",
        value: 500,
        currency: "JPY",
        min_order: 0,
        created_at: "2026-05-01T00:00:00.000Z",
      })
      .execute();
  const coupon = (code: string) =>
    t.testDb.db
      .selectFrom("coupons")
      .select(["redeemed_at", "redeemed_order_external_id"])
      .where("code", "=", code)
      .executeTakeFirstOrThrow();
  const send = (externalId: string, extra: Record<string, unknown>) =>
    t.app.inject({
      method: "POST",
      url: "/v1/orders",
      headers: t.secret,
      payload: {
        externalId,
        customerId: "M-1",
        orderedAt: "2026-05-20T10:00:00+09:00",
        discount: 500,
        items: [{ sku: "LOTION", quantity: 1, unitPrice: 1280 }],
        ...extra,
      },
    });
  const unredeemed = { redeemed_at: null, redeemed_order_external_id: null };

  it("marks the coupon redeemed by the order, and cancelling releases it", async () => {
    await issue("WELCOME");
    const res = await send("C-1", { couponCode: "WELCOME" });
    expect(res.statusCode, res.body).toBe(200);
    expect(await coupon("WELCOME")).toEqual({
      redeemed_at: "2026-05-20T01:00:00.000Z",
      redeemed_order_external_id: "C-1",
    });
    const got = await t.app.inject({ method: "GET", url: "/v1/orders/C-1", headers: t.secret });
    expect(got.json()).toMatchObject({ couponCode: "WELCOME", discount: 500, total: 780 });

    // Re-sending the order, or shipping it, keeps the redemption.
    await send("C-1", { couponCode: "WELCOME" });
    await send("C-1", { couponCode: "WELCOME", status: "shipped", shippedAt: "2026-05-21T10:00:00+09:00" });
    expect((await coupon("WELCOME")).redeemed_order_external_id).toBe("C-1");

    const cancelled = await send("C-1", { couponCode: "WELCOME", status: "cancelled" });
    expect(cancelled.json()).toMatchObject({ created: false, changed: true });
    expect(await coupon("WELCOME")).toEqual(unredeemed);
  });

  it("returning the order releases the coupon too", async () => {
    await issue("RETURN");
    await send("C-2", { couponCode: "RETURN" });
    expect((await coupon("RETURN")).redeemed_order_external_id).toBe("C-2");
    await send("C-2", { couponCode: "RETURN", status: "returned" });
    expect(await coupon("RETURN")).toEqual(unredeemed);
  });

  it("a coupon redeemed by one order is not taken over by another", async () => {
    await issue("ONCE");
    await send("C-3", { couponCode: "ONCE" });
    await send("C-4", { couponCode: "ONCE" });
    expect((await coupon("ONCE")).redeemed_order_external_id).toBe("C-3");
    // Cancelling the other order does not release a redemption it never had.
    await send("C-4", { couponCode: "ONCE", status: "cancelled" });
    expect((await coupon("ONCE")).redeemed_order_external_id).toBe("C-3");
  });

  it("an order that arrives already cancelled does not redeem", async () => {
    await issue("LATE");
    await send("C-5", { couponCode: "LATE", status: "cancelled" });
    expect(await coupon("LATE")).toEqual(unredeemed);
  });

  it("an order re-opened after cancelling redeems again", async () => {
    await issue("AGAIN");
    await send("C-6", { couponCode: "AGAIN", status: "cancelled" });
    await send("C-6", { couponCode: "AGAIN", status: "completed" });
    expect((await coupon("AGAIN")).redeemed_order_external_id).toBe("C-6");
  });

  it("a coupon swapped or removed on the order is released", async () => {
    await issue("FIRST");
    await issue("SECOND");
    await send("C-7", { couponCode: "FIRST" });
    await send("C-7", { couponCode: "SECOND" });
    expect(await coupon("FIRST")).toEqual(unredeemed);
    expect((await coupon("SECOND")).redeemed_order_external_id).toBe("C-7");
    await send("C-7", { couponCode: null });
    expect(await coupon("SECOND")).toEqual(unredeemed);
  });

  it("a coupon swapped together with the items is released", async () => {
    await issue("ITEMS-A");
    await issue("ITEMS-B");
    await send("C-8", { couponCode: "ITEMS-A" });
    await send("C-8", { couponCode: "ITEMS-B", items: [{ sku: "MILK", quantity: 1, unitPrice: 1680 }] });
    expect(await coupon("ITEMS-A")).toEqual(unredeemed);
    expect((await coupon("ITEMS-B")).redeemed_order_external_id).toBe("C-8");
  });

  it("accepts a code the shop never issued", async () => {
    const res = await send("C-9", { couponCode: "UNKNOWN" });
    expect(res.statusCode).toBe(200);
    const got = await t.app.inject({ method: "GET", url: "/v1/orders/C-9", headers: t.secret });
    expect(got.json().couponCode).toBe("UNKNOWN");
  });
});
