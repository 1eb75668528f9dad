// Double opt-in through the API a storefront uses: a "yes" to email sent with the customer waits for
// the customer's confirmation in a shop that wants double opt-in, and counts at once in one that does not.
import { afterAll, describe, expect, it } from "vitest";
import { closeOptInApp, consentsOf, newShop, optInApp, outboxOf } from "./support.js";

afterAll(closeOptInApp);

describe("double opt-in on the customer API", () => {
  it("holds an email 'yes' until confirmed where the shop wants it, and not elsewhere", async () => {
    const t = await optInApp("2026-06-01T01:00:00.000Z");
    for (const doubleOptIn of [true, false]) {
      const shop = await newShop(t, doubleOptIn);
      const res = await t.app.inject({
        method: "POST",
        url: "/v1/customers",
        headers: shop.secret,
        payload: { externalId: "aoi", email: "aoi@example.jp", consents: { email: true, sms: true } },
      });
      expect(res.statusCode, res.body).toBe(200);
      const customerId = (res.json() as { customer: { id: number } }).customer.id;
      const consents = await consentsOf(t, shop.shopId, customerId);
      const outbox = await outboxOf(t, shop.shopId);
      if (doubleOptIn) {
        expect(consents).toEqual([{ channel: "sms", granted: 1, source: "api" }]);
        expect(outbox).toEqual([
          expect.objectContaining({ template_key: "opt-in.confirm", status: "queued" }),
        ]);
      } else {
        expect(consents).toEqual([
          { channel: "email", granted: 1, source: "api" },
          { channel: "sms", granted: 1, source: "api" },
        ]);
        expect(outbox).toEqual([]);
      }
    }
  });
});
