// The web-push adapter against a real push service on localhost: the request is signed with the shop's
// VAPID key, encrypted for the browser (decrypted here as the browser would), and the service's answers
// map to sent, deferred or failed.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/core/clock.js";
import { fromJson } from "../../../src/db/index.js";
import { decryptSecret } from "../../../src/integrations/crypto.js";
import {
  createWebPushAdapter,
  encodePushAddress,
  ensureVapidKeys,
  MAX_PUSH_PAYLOAD_BYTES,
  pushSecretsPurpose,
  type WebPushSettings,
  webPushProvider,
} from "../../../src/messaging/channels/push/index.js";
import type { ChannelAdapter, OutgoingMessage } from "../../../src/messaging/channels/types.js";
import { createEventsTestApp } from "../../events/support.js";
import type { TestApp } from "../../support/app.js";
import {
  decryptPush,
  type FakePushService,
  newSubscriber,
  type Subscriber,
  startPushService,
  verifyVapidAuthorization,
} from "./push-service.js";

const NOW = "2026-06-01T00:00:00.000Z";

describe("sending web push through a push service", () => {
  let t: TestApp;
  let service: FakePushService;
  let adapter: ChannelAdapter;
  let settings: WebPushSettings;
  let browser: Subscriber;
  let clock: ManualClock;

  // The settings and secrets as the worker will read them: from the push channel's row.
  async function storedProviderConfig() {
    const row = await t.ctx.db
      .selectFrom("channel_settings")
      .selectAll()
      .where("shop_id", "=", t.shop.shop.id)
      .where("channel", "=", "push")
      .executeTakeFirstOrThrow();
    const secrets = fromJson(
      decryptSecret(row.sealed_secrets!, t.ctx.secret, pushSecretsPurpose(t.shop.shop.id)),
    );
    return {
      provider: row.provider,
      settings: webPushProvider.settingsSchema.parse(fromJson(row.settings)),
      secrets: webPushProvider.secretsSchema.parse(secrets),
    };
  }

  function pushMessage(overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
    return {
      id: 42,
      shopId: t.shop.shop.id,
      customerId: 7,
      channel: "push",
      messageClass: "promotional",
      address: encodePushAddress({ endpoint: `${service.origin}/push/sub-1`, ...browser }),
      headerMessageId: "<42@kizuna>",
      content: {
        kind: "push",
        title: "緑茶が入荷しました",
        body: "お気に入りの玉露が再入荷。",
        url: "https://shop.example.jp/products/gyokuro?kz=42",
        icon: "https://shop.example.jp/icon.png",
      },
      ...overrides,
    };
  }

  beforeAll(async () => {
    t = await createEventsTestApp(NOW);
    service = await startPushService();
    clock = new ManualClock(NOW);
    await ensureVapidKeys(t.ctx.db, t.clock, t.ctx.secret, t.shop.shop.id, {
      subject: "mailto:ops@shop.example.jp",
    });
    const config = await storedProviderConfig();
    expect(config.provider).toBe("web-push");
    settings = config.settings;
    adapter = createWebPushAdapter(config.settings, config.secrets, { agent: service.agent, clock });
    browser = newSubscriber();
  });
  afterAll(async () => {
    await adapter?.close();
    await service?.close();
    await t?.close();
  });
  beforeEach(() => {
    service.requests.length = 0;
    service.answers.length = 0;
  });

  it("signs with the shop's VAPID key and encrypts the payload for the browser", async () => {
    service.answers.push({ status: 201, headers: { location: "/m/abc" } });
    const result = await adapter.send(pushMessage());
    expect(result).toEqual({ status: "sent", providerId: "/m/abc" });

    expect(service.requests).toHaveLength(1);
    const request = service.requests[0];
    expect(request.method).toBe("POST");
    expect(request.path).toBe("/push/sub-1");
    const vapid = verifyVapidAuthorization(request.headers.authorization as string);
    expect(vapid.publicKey).toBe(settings.vapidPublicKey);
    expect(vapid.claims.aud).toBe(service.origin);
    expect(vapid.claims.sub).toBe("mailto:ops@shop.example.jp");
    expect(vapid.claims.exp * 1000).toBeGreaterThan(Date.now());
    expect(request.headers["content-encoding"]).toBe("aes128gcm");
    expect(request.headers.ttl).toBe("86400");
    expect(request.headers.urgency).toBe("normal");

    expect(JSON.parse(decryptPush(request.body, browser))).toEqual({
      title: "緑茶が入荷しました",
      body: "お気に入りの玉露が再入荷。",
      url: "https://shop.example.jp/products/gyokuro?kz=42",
      icon: "https://shop.example.jp/icon.png",
    });
  });

  it("takes 200 as sent too, and uses the TTL the shop set", async () => {
    const shortLived = createWebPushAdapter(
      { ...settings, ttlSeconds: 3600 },
      (await storedProviderConfig()).secrets,
      { agent: service.agent },
    );
    service.answers.push({ status: 200 });
    expect(await shortLived.send(pushMessage())).toEqual({ status: "sent" });
    expect(service.requests[0].headers.ttl).toBe("3600");
  });

  it("fails and suppresses a subscription the service says is gone (410, 404)", async () => {
    service.answers.push({ status: 410, body: "push subscription has unsubscribed or expired." });
    const gone = await adapter.send(pushMessage());
    expect(gone).toMatchObject({ status: "failed", suppress: true });
    expect(gone.status === "failed" && gone.reason).toContain("410");

    service.answers.push({ status: 404 });
    expect(await adapter.send(pushMessage())).toMatchObject({ status: "failed", suppress: true });
  });

  it("defers on 429 and 5xx, honouring Retry-After in seconds or as a date", async () => {
    service.answers.push({ status: 429, headers: { "retry-after": "120" } });
    expect(await adapter.send(pushMessage())).toMatchObject({ status: "deferred", retryAfterMs: 120_000 });

    service.answers.push({
      status: 503,
      headers: { "retry-after": new Date(clock.now().getTime() + 30_000).toUTCString() },
    });
    expect(await adapter.send(pushMessage())).toMatchObject({ status: "deferred", retryAfterMs: 30_000 });

    service.answers.push({ status: 500, body: "internal error" });
    const failedServer = await adapter.send(pushMessage());
    expect(failedServer.status).toBe("deferred");
    expect(failedServer.status === "deferred" && failedServer.retryAfterMs).toBe(undefined);
  });

  it("fails without suppressing on 400, 403 and 413", async () => {
    for (const status of [400, 403, 413]) {
      service.answers.push({ status, body: "no" });
      const result = await adapter.send(pushMessage());
      expect(result, String(status)).toMatchObject({ status: "failed" });
      expect(result.status === "failed" && result.suppress, String(status)).toBeFalsy();
    }
  });

  it("defers when the push service cannot be reached", async () => {
    const closed = await startPushService();
    const endpoint = `${closed.origin}/push/sub-2`;
    await closed.close();
    const result = await adapter.send(pushMessage({ address: encodePushAddress({ endpoint, ...browser }) }));
    expect(result).toMatchObject({ status: "deferred" });
    expect(result.status === "deferred" && result.reason).toContain("unreachable");
  });

  it("refuses, without a request, what cannot be a push message", async () => {
    expect(await adapter.send(pushMessage({ address: `${service.origin}/push/raw-endpoint` }))).toMatchObject(
      {
        status: "failed",
        reason: "the address is not a push subscription",
      },
    );
    expect(await adapter.send(pushMessage({ content: { kind: "text", text: "SMS" } }))).toMatchObject({
      status: "failed",
    });
    const long = pushMessage();
    if (long.content.kind === "push") long.content.body = "あ".repeat(MAX_PUSH_PAYLOAD_BYTES);
    expect(await adapter.send(long)).toMatchObject({ status: "failed" });
    expect(service.requests).toHaveLength(0);
  });

  it("verifies the key pair without sending", async () => {
    await expect(adapter.verify()).resolves.toBeUndefined();
    const other = (await import("web-push")).default.generateVAPIDKeys();
    const mismatched = createWebPushAdapter(settings, { vapidPrivateKey: other.privateKey });
    await expect(mismatched.verify()).rejects.toThrow(/does not belong/);
    expect(service.requests).toHaveLength(0);
  });

  it("is made by the provider definition from stored settings, with defaults for what is unset", async () => {
    const { settings: parsed, secrets } = await storedProviderConfig();
    expect(parsed).toMatchObject({ ttlSeconds: 86_400, concurrency: 50, ratePerSecond: 200 });
    const made = webPushProvider.create(parsed, secrets);
    expect(made.channel).toBe("push");
    await expect(made.verify()).resolves.toBeUndefined();
    expect(() =>
      webPushProvider.settingsSchema.parse({ ...parsed, subject: "http://shop.example" }),
    ).toThrow();
  });
});
