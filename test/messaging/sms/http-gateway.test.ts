// The generic HTTP SMS gateway adapter against a local gateway that checks our signature and bearer
// token: the JSON it receives, and what its answers mean for the message.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { httpSmsProvider, signBody } from "../../../src/messaging/channels/sms/http.js";
import type { ChannelAdapter, OutgoingMessage } from "../../../src/messaging/channels/types.js";
import {
  closedPortUrl,
  type FakeGateway,
  GATEWAY_SECRET,
  GATEWAY_TOKEN,
  startFakeGateway,
} from "./fake-servers.js";

const TO = "+819012345678";
const SECRETS = { signingSecret: GATEWAY_SECRET, bearerToken: GATEWAY_TOKEN };

function sms(text: string, address = TO): OutgoingMessage {
  return {
    id: 42,
    shopId: 1,
    customerId: 7,
    channel: "sms",
    messageClass: "transactional",
    address,
    headerMessageId: "<m42.s1@kizuna.example.jp>",
    content: { kind: "text", text },
  };
}

function adapter(settings: Record<string, unknown>, secrets: unknown = SECRETS): ChannelAdapter {
  return httpSmsProvider.create(
    httpSmsProvider.settingsSchema.parse(settings),
    httpSmsProvider.secretsSchema.parse(secrets),
  );
}

describe("HTTP SMS gateway", () => {
  let gateway: FakeGateway;
  let sender: ChannelAdapter;
  const url = () => `${gateway.baseUrl}/v1/sms`;

  beforeAll(async () => {
    gateway = await startFakeGateway();
    sender = adapter({ url: url(), from: "KIZUNA" });
  });
  afterAll(async () => {
    await sender.close();
    await gateway.close();
  });
  beforeEach(() => {
    gateway.received.length = 0;
    gateway.replies.clear();
  });

  it("posts signed JSON with the number, sender, text and message ids, and keeps the gateway's id", async () => {
    const result = await sender.send(sms("【きずな茶房】認証コード 123456 ✉"));
    expect(result).toEqual({ status: "sent", providerId: "gw-1" });
    expect(gateway.received).toHaveLength(1);
    const [request] = gateway.received;
    expect(request).toMatchObject({ method: "POST", path: "/v1/sms" });
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.headers.authorization).toBe(`Bearer ${GATEWAY_TOKEN}`);
    expect(request.headers["x-kizuna-signature"]).toBe(signBody(GATEWAY_SECRET, request.raw));
    expect(JSON.parse(request.raw)).toEqual({
      to: TO,
      from: "KIZUNA",
      text: "【きずな茶房】認証コード 123456 ✉",
      messageId: "<m42.s1@kizuna.example.jp>",
      kizunaId: 42,
    });
  });

  it("is refused by a gateway holding another secret", async () => {
    const wrongSecret = adapter(
      { url: url(), from: "KIZUNA" },
      { ...SECRETS, signingSecret: "another-secret-0123456789" },
    );
    expect(await wrongSecret.send(sms("Hello"))).toEqual({ status: "failed", reason: "gateway 403" });
  });

  it("counts any 2xx as sent, with or without an id", async () => {
    gateway.replies.set(TO, { status: 200, body: { id: 98765 } });
    expect(await sender.send(sms("Hello"))).toEqual({ status: "sent", providerId: "98765" });
    gateway.replies.set(TO, { status: 204 });
    expect(await sender.send(sms("Hello"))).toEqual({ status: "sent" });
  });

  it("tries again later on 429 and 5xx, when Retry-After says", async () => {
    gateway.replies.set(TO, { status: 429, body: { error: "rate" }, headers: { "retry-after": "5" } });
    expect(await sender.send(sms("Hello"))).toEqual({
      status: "deferred",
      reason: "gateway 429",
      retryAfterMs: 5000,
    });
    gateway.replies.set(TO, { status: 502 });
    expect(await sender.send(sms("Hello"))).toEqual({ status: "deferred", reason: "gateway 502" });
  });

  it("fails other 4xx, and keeps messages when the token is rejected", async () => {
    gateway.replies.set(TO, { status: 400, body: { error: "bad_request" } });
    expect(await sender.send(sms("Hello"))).toEqual({ status: "failed", reason: "gateway 400" });
    const wrongToken = adapter({ url: url(), from: "KIZUNA" }, { ...SECRETS, bearerToken: "nope" });
    expect(await wrongToken.send(sms("Hello"))).toEqual({
      status: "deferred",
      reason: "gateway 401 (credentials rejected)",
    });
  });

  it("suppresses a number the gateway calls invalid, by status and field or by a field in a 200", async () => {
    const byStatus = adapter({
      url: url(),
      from: "KIZUNA",
      invalidNumber: { status: 422, field: "error.code", values: ["invalid_number"] },
    });
    gateway.replies.set(TO, { status: 422, body: { error: { code: "invalid_number" } } });
    expect(await byStatus.send(sms("Hello"))).toEqual({
      status: "failed",
      reason: "gateway 422: invalid number",
      suppress: true,
    });
    gateway.replies.set(TO, { status: 422, body: { error: { code: "text_too_long" } } });
    expect(await byStatus.send(sms("Hello"))).toEqual({ status: "failed", reason: "gateway 422" });

    // Many Japanese gateways answer 200 with a result code.
    const byField = adapter({
      url: url(),
      from: "KIZUNA",
      invalidNumber: { field: "code", values: ["101"] },
    });
    gateway.replies.set(TO, { status: 200, body: { result: "NG", code: 101 } });
    expect(await byField.send(sms("Hello"))).toMatchObject({ status: "failed", suppress: true });
    gateway.replies.set(TO, { status: 200, body: { id: "x1", result: "OK", code: 0 } });
    expect(await byField.send(sms("Hello"))).toEqual({ status: "sent", providerId: "x1" });
  });

  it("tries again later when the gateway cannot be reached or is too slow", async () => {
    const unreachable = adapter({ url: `${await closedPortUrl()}/v1/sms`, from: "KIZUNA" });
    expect(await unreachable.send(sms("Hello"))).toEqual({
      status: "deferred",
      reason: "gateway unreachable: ECONNREFUSED",
    });
    const slow = adapter({ url: url(), from: "KIZUNA", timeoutMs: 200 });
    gateway.replies.set(TO, { status: 200, body: { id: "late" }, delayMs: 1000 });
    expect(await slow.send(sms("Hello"))).toEqual({
      status: "deferred",
      reason: "gateway unreachable: TimeoutError",
    });
  });

  it("fails without a request what SMS cannot carry", async () => {
    expect(await sender.send(sms("Hello", "09012345678"))).toMatchObject({ status: "failed" });
    expect(await sender.send(sms(""))).toEqual({ status: "failed", reason: "empty sms text" });
    expect(gateway.received).toHaveLength(0);
  });

  it("checks it can reach the gateway with its credentials", async () => {
    // Without a verify URL, a HEAD to the send URL answered 405 still shows the gateway is there.
    await expect(sender.verify()).resolves.toBeUndefined();
    expect(gateway.received[0]).toMatchObject({ method: "HEAD", path: "/v1/sms" });
    expect(gateway.received[0].headers["x-kizuna-signature"]).toBe(signBody(GATEWAY_SECRET, ""));
    const wrongToken = adapter({ url: url(), from: "KIZUNA" }, { ...SECRETS, bearerToken: "nope" });
    await expect(wrongToken.verify()).rejects.toThrow("sms gateway check failed: HTTP 401");

    const withVerifyUrl = adapter({ url: url(), from: "KIZUNA", verifyUrl: `${gateway.baseUrl}/v1/balance` });
    gateway.verifyReply = { status: 200, body: { balance: 1000 } };
    await expect(withVerifyUrl.verify()).resolves.toBeUndefined();
    expect(gateway.received.at(-1)).toMatchObject({ method: "GET", path: "/v1/balance" });
    gateway.verifyReply = { status: 404 };
    await expect(withVerifyUrl.verify()).rejects.toThrow("HTTP 404");
  });

  it("validates its settings, with the pacing the worker reads", () => {
    const { settingsSchema } = httpSmsProvider;
    expect(settingsSchema.safeParse({ url: "http://sms.example.jp/send", from: "K" }).success).toBe(false);
    expect(settingsSchema.safeParse({ url: "https://sms.example.jp/send", from: "K" }).success).toBe(true);
    expect(settingsSchema.safeParse({ url: "ftp://sms.example.jp", from: "K" }).success).toBe(false);
    expect(
      settingsSchema.safeParse({ url: "https://sms.example.jp", from: "K", invalidNumber: { field: "code" } })
        .success,
    ).toBe(false);
    expect(httpSmsProvider.secretsSchema.safeParse({ signingSecret: "short" }).success).toBe(false);
    expect(sender).toMatchObject({ channel: "sms", concurrency: 4, ratePerSecond: 10 });
  });
});
