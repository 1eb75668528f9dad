// The Twilio adapter against a local Twilio that speaks the documented REST API: what arrives at
// Messages.json, and what each documented answer means for the message (sent, tried later, failed,
// suppressed).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { twilioSmsProvider } from "../../../src/messaging/channels/sms/twilio.js";
import type { ChannelAdapter, OutgoingMessage } from "../../../src/messaging/channels/types.js";
import {
  ACCOUNT_SID,
  API_KEY_SECRET,
  API_KEY_SID,
  AUTH_TOKEN,
  closedPortUrl,
  type FakeTwilio,
  SERVICE_SID,
  startFakeTwilio,
  twilioError,
} from "./fake-servers.js";

const FROM = "+15005550006";
const TO = "+819012345678";

function sms(text: string, address = TO): OutgoingMessage {
  return {
    id: 42,
    shopId: 1,
    customerId: 7,
    channel: "sms",
    messageClass: "promotional",
    address,
    headerMessageId: "<m42.s1@kizuna.example.jp>",
    content: { kind: "text", text },
  };
}

function adapter(
  settings: Record<string, unknown>,
  secrets: unknown = { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN },
) {
  return twilioSmsProvider.create(
    twilioSmsProvider.settingsSchema.parse(settings),
    twilioSmsProvider.secretsSchema.parse(secrets),
  );
}

describe("Twilio SMS", () => {
  let twilio: FakeTwilio;
  let sender: ChannelAdapter;

  beforeAll(async () => {
    twilio = await startFakeTwilio();
    sender = adapter({ from: FROM, apiBaseUrl: twilio.baseUrl });
  });
  afterAll(async () => {
    await sender.close();
    await twilio.close();
  });
  beforeEach(() => {
    twilio.messages.length = 0;
    twilio.replies.clear();
  });

  it("posts To, From and Body form-encoded to the account's Messages.json and returns the SID", async () => {
    const result = await sender.send(
      sms("【きずな茶房】ご注文を発送しました 🎉 https://k.example/s/abc1234XYZ"),
    );
    expect(result).toEqual({ status: "sent", providerId: expect.stringMatching(/^SM[0-9a-f]{32}$/) });
    expect(twilio.messages).toEqual([
      {
        accountSid: ACCOUNT_SID,
        auth: `${ACCOUNT_SID}:${AUTH_TOKEN}`,
        contentType: "application/x-www-form-urlencoded",
        fields: {
          To: TO,
          From: FROM,
          Body: "【きずな茶房】ご注文を発送しました 🎉 https://k.example/s/abc1234XYZ",
        },
      },
    ]);
  });

  it("sends through a Messaging Service when that is the sender", async () => {
    const viaService = adapter({ messagingServiceSid: SERVICE_SID, apiBaseUrl: twilio.baseUrl });
    expect(await viaService.send(sms("Hello"))).toMatchObject({ status: "sent" });
    expect(twilio.messages[0].fields).toEqual({ To: TO, MessagingServiceSid: SERVICE_SID, Body: "Hello" });
    await viaService.close();
  });

  it("authenticates with an API key while naming the account in the URL", async () => {
    const withKey = adapter(
      { from: FROM, apiBaseUrl: twilio.baseUrl },
      { accountSid: ACCOUNT_SID, apiKeySid: API_KEY_SID, apiKeySecret: API_KEY_SECRET },
    );
    expect(await withKey.send(sms("Hello"))).toMatchObject({ status: "sent" });
    expect(twilio.messages[0]).toMatchObject({
      accountSid: ACCOUNT_SID,
      auth: `${API_KEY_SID}:${API_KEY_SECRET}`,
    });
    await withKey.close();
  });

  describe("when Twilio refuses", () => {
    const cases = [
      {
        name: "an invalid number (21211) is failed and suppressed",
        reply: twilioError(400, 21211, `The 'To' number ${TO} is not a valid phone number.`),
        result: { status: "failed", suppress: true, reason: "twilio 400 21211: invalid 'To' phone number" },
      },
      {
        name: "a landline (21614) is failed and suppressed",
        reply: twilioError(400, 21614, `'To' number ${TO} is not a valid mobile number`),
        result: { status: "failed", suppress: true, reason: "twilio 400 21614: 'To' is not a mobile number" },
      },
      {
        name: "a recipient who replied STOP (21610) is failed and suppressed",
        reply: twilioError(400, 21610, "Attempt to send to unsubscribed recipient"),
        result: {
          status: "failed",
          suppress: true,
          reason: "twilio 400 21610: recipient has opted out (STOP)",
        },
      },
      {
        name: "another 4xx (21408, region not enabled) fails this message only",
        reply: twilioError(
          400,
          21408,
          `Permission to send an SMS has not been enabled for the region indicated by the 'To' number: ${TO}.`,
        ),
        result: { status: "failed", reason: "twilio 400 21408: sending to this region is not enabled" },
      },
      {
        name: "an unknown 4xx keeps Twilio's words, without the number",
        reply: twilioError(400, 21999, `Something about ${TO} went wrong`),
        result: { status: "failed", reason: "twilio 400 21999: Something about [number] went wrong" },
      },
      {
        name: "too many requests (429, 20429) is tried again when Retry-After says",
        reply: { ...twilioError(429, 20429, "Too Many Requests"), headers: { "retry-after": "30" } },
        result: { status: "deferred", reason: "twilio 429 20429: too many requests", retryAfterMs: 30_000 },
      },
      {
        name: "a 500 is tried again",
        reply: twilioError(500, 20500, "Internal Server Error"),
        result: { status: "deferred", reason: "twilio 500 20500: Internal Server Error" },
      },
      {
        name: "a 503 with Retry-After as a date waits until then",
        reply: {
          status: 503,
          body: "Service Unavailable",
          headers: { "retry-after": "Wed, 03 Jun 2026 10:02:00 GMT", date: "Wed, 03 Jun 2026 10:00:00 GMT" },
        },
        result: { status: "deferred", reason: "twilio 503", retryAfterMs: 120_000 },
      },
    ] as const;

    for (const c of cases) {
      it(c.name, async () => {
        twilio.replies.set(TO, c.reply);
        const result = await sender.send(sms("Hello"));
        expect(result).toEqual(c.result);
        expect(JSON.stringify(result)).not.toContain(TO.slice(1));
      });
    }

    it("keeps messages when the credentials are rejected, saying so", async () => {
      const wrongToken = adapter(
        { from: FROM, apiBaseUrl: twilio.baseUrl },
        { accountSid: ACCOUNT_SID, authToken: "0000000000000000wrong" },
      );
      expect(await wrongToken.send(sms("Hello"))).toEqual({
        status: "deferred",
        reason: "twilio 401 20003: authentication failed (credentials rejected)",
      });
      await wrongToken.close();
    });
  });

  it("tries again later when Twilio cannot be reached or does not answer in time", async () => {
    const unreachable = adapter({ from: FROM, apiBaseUrl: await closedPortUrl() });
    expect(await unreachable.send(sms("Hello"))).toEqual({
      status: "deferred",
      reason: "twilio unreachable: ECONNREFUSED",
    });
    await unreachable.close();

    const slow = adapter({ from: FROM, apiBaseUrl: twilio.baseUrl, timeoutMs: 200 });
    twilio.replies.set(TO, { status: 201, body: { sid: "SMlate" }, delayMs: 1000 });
    expect(await slow.send(sms("Hello"))).toMatchObject({
      status: "deferred",
      reason: expect.stringMatching(/^twilio unreachable: /),
    });
    await slow.close();
  });

  it("fails without calling Twilio what SMS cannot carry", async () => {
    expect(await sender.send(sms("Hello", "090-1234-5678"))).toEqual({
      status: "failed",
      reason: "address is not an E.164 phone number",
    });
    const email = { ...sms(""), content: { kind: "email" as const, subject: "s", html: "h", text: "t" } };
    expect(await sender.send(email)).toMatchObject({ status: "failed" });
    expect(twilio.messages).toHaveLength(0);
  });

  it("checks the credentials by fetching the account", async () => {
    await expect(sender.verify()).resolves.toBeUndefined();
    twilio.accountStatus = "suspended";
    await expect(sender.verify()).rejects.toThrow("twilio account is suspended");
    twilio.accountStatus = "active";
    const wrongToken = adapter(
      { from: FROM, apiBaseUrl: twilio.baseUrl },
      { accountSid: ACCOUNT_SID, authToken: "0000000000000000wrong" },
    );
    await expect(wrongToken.verify()).rejects.toThrow(/twilio account check failed: twilio 401 20003/);
    await wrongToken.close();
    expect(twilio.messages).toHaveLength(0);
  });

  it("validates its settings, with the pacing the worker reads", async () => {
    const { settingsSchema } = twilioSmsProvider;
    expect(settingsSchema.safeParse({}).success).toBe(false);
    expect(settingsSchema.safeParse({ from: "0312345678" }).success).toBe(false);
    expect(settingsSchema.safeParse({ from: "KizunaSabo" }).success).toBe(true);
    expect(settingsSchema.safeParse({ from: "Kizuna Sabo Shop" }).success).toBe(false); // over 11
    expect(settingsSchema.safeParse({ messagingServiceSid: "MG123" }).success).toBe(false);
    expect(settingsSchema.safeParse({ from: FROM, apiBaseUrl: "http://api.example.com" }).success).toBe(
      false,
    );
    expect(
      twilioSmsProvider.secretsSchema.safeParse({ accountSid: API_KEY_SID, authToken: AUTH_TOKEN }).success,
    ).toBe(false);
    expect(sender).toMatchObject({ channel: "sms", concurrency: 4, ratePerSecond: 10 });
    const paced = adapter({ from: FROM, ratePerSecond: 1, concurrency: 1 });
    expect(paced).toMatchObject({ concurrency: 1, ratePerSecond: 1 });
    await paced.close();
  });
});
