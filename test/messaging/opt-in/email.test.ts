// The confirmation mail over real SMTP: a shop with double opt-in, a sign-up through the API, and the
// delivery worker sends the mail to a real SMTP server although the customer's email consent is still
// off (it is a transactional mail). It names the shop and its address; its link, followed and
// confirmed, grants the consent. The link needs {{ confirmUrl }} in the renderer (see the opt-in
// module's report): that story runs once the vocabulary lists it.
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { saveChannelSettings } from "../../../src/messaging/channels/settings.js";
import { DeliveryWorker } from "../../../src/messaging/delivery/worker.js";
import { setConsentsWithOptIn } from "../../../src/messaging/opt-in/index.js";
import { TEMPLATE_VARIABLES } from "../../../src/messaging/render/vocabulary.js";
import { saveShopProfile } from "../../../src/shops/profile.js";
import { type SmtpSink, startSmtpSink } from "../../support/smtp.js";
import {
  closeOptInApp,
  consentsOf,
  newCustomer,
  newShop,
  type OptInApp,
  type OptInShop,
  optInApp,
} from "./support.js";

afterAll(closeOptInApp);

const PUBLIC_URL = "https://crm.kizuna-sabo.jp";
const ADDRESS = "〒150-0001 東京都渋谷区神宮前1-2-3";

describe("the confirmation mail over SMTP", () => {
  let t: OptInApp;
  let shop: OptInShop;
  let sink: SmtpSink;
  let delivery: DeliveryWorker;

  beforeEach(async () => {
    t = await optInApp("2026-06-01T01:00:00.000Z");
    shop = await newShop(t, true);
    sink = await startSmtpSink();
    await saveShopProfile(t.ctx.db, shop.shopId, {
      url: "https://kizuna-sabo.jp",
      address: ADDRESS,
      email: "info@kizuna-sabo.jp",
    });
    await saveChannelSettings(t.ctx.db, t.clock, t.ctx.secret, shop.shopId, "email", {
      provider: "smtp",
      settings: {
        host: "127.0.0.1",
        port: sink.port,
        fromAddress: "news@kizuna-sabo.jp",
        fromName: "きずな茶房",
      },
      secrets: {},
    });
    delivery = new DeliveryWorker({
      db: t.ctx.db,
      clock: t.clock,
      secret: t.ctx.secret,
      publicUrl: PUBLIC_URL,
    });
  });
  afterEach(async () => {
    await delivery.close();
    await sink.close();
  });

  async function signUpAndDeliver(member: string) {
    const customerId = await newCustomer(t, shop, member);
    await setConsentsWithOptIn(t.ctx.db, t.clock, t.ctx.secret, {
      shopId: shop.shopId,
      customerId,
      consents: { email: true },
      source: "api",
    });
    expect(await delivery.drain()).toBe(1);
    await sink.waitFor(1);
    return { customerId, mail: await sink.received[0].parse() };
  }

  it("reaches the customer whose consent is still off, naming the shop and its address", async () => {
    const { customerId, mail } = await signUpAndDeliver("hanako");
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value[0].address : null).toBe("hanako@example.jp");
    expect(mail.subject).toBe("【きずな茶房 & Co.】メールアドレスの確認をお願いします");
    const html = String(mail.html);
    expect(html).toContain("きずな茶房 &amp; Co.");
    expect(html).toContain(ADDRESS);
    expect(String(mail.text)).toContain(ADDRESS);
    const message = await t.ctx.db
      .selectFrom("messages")
      .select("status")
      .where("shop_id", "=", shop.shopId)
      .executeTakeFirstOrThrow();
    expect(message.status).toBe("sent");
    expect((await consentsOf(t, shop.shopId, customerId)).map((c) => c.channel)).toEqual([]);
  });

  it.skipIf(!TEMPLATE_VARIABLES.has("confirmUrl"))(
    "carries an untracked link that confirms the address",
    async () => {
      const { customerId, mail } = await signUpAndDeliver("hanako");
      const html = String(mail.html);
      const links = [...html.matchAll(/href="(https:\/\/crm\.kizuna-sabo\.jp\/c\/[^"]+)"/g)].map((m) => m[1]);
      expect(links.length).toBeGreaterThan(0);
      // Not wrapped in a click redirect: the link is a credential, and its click is not a sale.
      expect(html).not.toContain("/t/c/");
      expect(String(mail.text)).toContain(links[0]);

      const path = links[0].replace(PUBLIC_URL, "");
      expect((await t.app.inject({ method: "GET", url: path })).statusCode).toBe(200);
      expect(await consentsOf(t, shop.shopId, customerId)).toEqual([]);
      const confirmed = await t.app.inject({ method: "POST", url: path });
      expect(confirmed.statusCode).toBe(200);
      expect(await consentsOf(t, shop.shopId, customerId)).toEqual([
        { channel: "email", granted: 1, source: "double-opt-in" },
      ]);
    },
  );
});
