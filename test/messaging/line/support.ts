// LINE as the tests see it: a shop's LINE channel stored the way the settings writer stores it, outbox
// messages for the adapter, and webhook deliveries signed the way LINE signs them.
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { toJson } from "../../../src/db/index.js";
import { encryptSecret } from "../../../src/integrations/crypto.js";
import type { OutgoingMessage } from "../../../src/messaging/channels/types.js";
import type { TestApp } from "../../support/app.js";

export const CHANNEL_SECRET = "8c5d0e1f2a3b4c5d6e7f8091a2b3c4d5";
export const ACCESS_TOKEN = "test-channel-access-token";

export const lineUserId = () => `U${randomBytes(16).toString("hex")}`;

/**
 * Stores the shop's LINE channel: settings as shown, credentials sealed with the instance secret under
 * the purpose `shop:<id>:channel:line` — the convention the settings writer follows.
 */
export async function storeLineChannel(
  t: TestApp,
  settings: Record<string, unknown>,
  shopId = t.shop.shop.id,
) {
  const sealed = encryptSecret(
    JSON.stringify({ channelAccessToken: ACCESS_TOKEN, channelSecret: CHANNEL_SECRET }),
    t.ctx.secret,
    `shop:${shopId}:channel:line`,
  );
  await t.testDb.db
    .insertInto("channel_settings")
    .values({
      shop_id: shopId,
      channel: "line",
      provider: "line",
      settings: toJson(settings),
      sealed_secrets: sealed,
      paused_at: null,
      paused_reason: null,
      updated_at: t.clock.now().toISOString(),
    })
    .execute();
}

export function outgoing(
  id: number,
  address: string,
  messages: Array<Record<string, unknown>>,
): OutgoingMessage {
  return {
    id,
    shopId: 1,
    customerId: id,
    channel: "line",
    messageClass: "promotional",
    address,
    headerMessageId: `<m${id}.s1@kizuna.test>`,
    content: { kind: "line", messages },
  };
}

export const hello = [{ type: "text", text: "春の新作が入荷しました" }];

export interface EventOptions {
  userId: string;
  timestamp?: number;
  webhookEventId?: string;
  redelivery?: boolean;
  replyToken?: string;
}

function base(type: string, o: EventOptions) {
  return {
    type,
    mode: "active",
    timestamp: o.timestamp ?? Date.parse("2026-06-01T00:00:00.000Z"),
    source: { type: "user", userId: o.userId },
    webhookEventId: o.webhookEventId ?? `01J${randomUUID().replaceAll("-", "").slice(0, 23).toUpperCase()}`,
    deliveryContext: { isRedelivery: o.redelivery ?? false },
  };
}

export const followEvent = (o: EventOptions) => ({
  ...base("follow", o),
  replyToken: o.replyToken ?? randomUUID().replaceAll("-", ""),
  follow: { isUnblocked: true },
});

export const unfollowEvent = (o: EventOptions) => base("unfollow", o);

export const textEvent = (o: EventOptions & { text: string }) => ({
  ...base("message", o),
  replyToken: o.replyToken ?? randomUUID().replaceAll("-", ""),
  message: { id: "468789577898262530", type: "text", quoteToken: "q", text: o.text },
});

export interface DeliverOptions {
  shopId?: number;
  /** A signature to send as is; null sends none. */
  signature?: string | null;
  /** The exact body text (defaults to LINE's compact JSON). */
  body?: string;
}

export function lineSignature(body: string, secret = CHANNEL_SECRET): string {
  return createHmac("sha256", secret).update(body).digest("base64");
}

/** Posts a webhook to the test app the way LINE does: JSON body, X-Line-Signature over its bytes. */
export async function deliver(t: TestApp, events: unknown[], options: DeliverOptions = {}) {
  const body = options.body ?? JSON.stringify({ destination: "Ub0000000000000000000000000000000", events });
  const headers: Record<string, string> = {
    "content-type": "application/json; charset=utf-8",
    "user-agent": "LineBotWebhook/2.0",
  };
  const signature = options.signature === undefined ? lineSignature(body) : options.signature;
  if (signature !== null) headers["x-line-signature"] = signature;
  return t.app.inject({
    method: "POST",
    url: `/hooks/line/${options.shopId ?? t.shop.shop.id}`,
    headers,
    payload: body,
  });
}

export async function createCustomer(t: TestApp, externalId: string): Promise<number> {
  const res = await t.app.inject({
    method: "POST",
    url: "/v1/customers",
    headers: t.secret,
    payload: { externalId, email: `${externalId}@example.jp`, lastName: "山田", firstName: "花子" },
  });
  if (res.statusCode !== 200) throw new Error(res.body);
  return res.json().customer.id;
}

export async function customerRow(t: TestApp, id: number) {
  return t.testDb.db.selectFrom("customers").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

export async function lineConsent(t: TestApp, customerId: number) {
  return t.testDb.db
    .selectFrom("consents")
    .select(["granted", "source"])
    .where("customer_id", "=", customerId)
    .where("channel", "=", "line")
    .executeTakeFirst();
}

export async function suppressionsOf(t: TestApp, address: string) {
  return t.testDb.db
    .selectFrom("suppressions")
    .select(["channel", "reason"])
    .where("shop_id", "=", t.shop.shop.id)
    .where("address", "=", address)
    .execute();
}
