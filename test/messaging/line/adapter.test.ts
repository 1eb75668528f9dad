// Given a shop's LINE channel pointed at a local Messaging API, when the worker sends through the
// adapter, then requests have LINE's documented shape, a retry after a crash or a timeout is not sent
// twice (retry key → 409 → sent), and LINE's errors become sent / deferred / failed (+ suppress).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LineAdapter, lineMessages, lineProvider } from "../../../src/messaging/channels/line/index.js";
import { sendsGroups } from "../../../src/messaging/channels/types.js";
import { FakeLineApi } from "./fake-line-api.js";
import { hello, lineUserId, outgoing } from "./support.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("LINE adapter", () => {
  let api: FakeLineApi;
  let adapter: LineAdapter;
  let nextId = 1;
  const message = (address = lineUserId(), messages: Array<Record<string, unknown>> = hello) =>
    outgoing(nextId++, address, messages);

  function adapterWith(settings: Record<string, unknown> = {}, token = api.token): LineAdapter {
    const parsed = lineProvider.settingsSchema.parse({ apiBaseUrl: api.url, ...settings });
    const secrets = lineProvider.secretsSchema.parse({ channelAccessToken: token, channelSecret: "s" });
    return lineProvider.create(parsed, secrets) as LineAdapter;
  }

  beforeAll(async () => {
    api = await FakeLineApi.start();
    adapter = adapterWith();
  });
  afterAll(async () => {
    await adapter.close();
    await api.close();
  });

  it("is a group-sending LINE provider with sane defaults", () => {
    const settings = lineProvider.settingsSchema.parse({});
    expect(settings).toMatchObject({ ratePerSecond: 100, concurrency: 8 });
    expect(lineProvider).toMatchObject({ channel: "line", provider: "line" });
    expect(sendsGroups(adapter)).toBe(true);
    expect(adapter.maxGroup).toBe(500);
  });

  describe("push", () => {
    it("sends with the token, the messages and a retry key derived from the message", async () => {
      const m = message();
      const result = await adapter.send(m);
      expect(result.status).toBe("sent");
      const [request] = api.sent("push").slice(-1);
      expect(request.status).toBe(200);
      expect(request.authorization).toBe(`Bearer ${api.token}`);
      expect(request.body).toEqual({ to: m.address, messages: hello });
      expect(request.retryKey).toMatch(UUID);
      expect(result).toEqual({ status: "sent", providerId: expect.stringMatching(/^[0-9a-f]{32}$/) });
    });

    it("is not sent twice when sent again after a crash: LINE's 409 counts as sent, with the original id", async () => {
      const m = message();
      const first = await adapter.send(m);
      const again = await adapter.send({ ...m });
      expect(again).toEqual(first);
      const requests = api.sent("push").filter((r) => (r.body as { to: string }).to === m.address);
      expect(requests.map((r) => r.status)).toEqual([200, 409]);
      expect(requests[0].retryKey).toBe(requests[1].retryKey);
    });

    it("gives each message its own retry key", async () => {
      const address = lineUserId();
      await adapter.send(message(address));
      await adapter.send(message(address));
      const keys = api
        .sent("push")
        .filter((r) => (r.body as { to: string }).to === address)
        .map((r) => r.retryKey);
      expect(keys).toHaveLength(2);
      expect(keys[0]).not.toBe(keys[1]);
      expect(api.accepted("push").filter((r) => (r.body as { to: string }).to === address)).toHaveLength(2);
    });

    it("sends the text and the product carousel made by lineMessages", async () => {
      const messages = lineMessages(
        "あなたへのおすすめ",
        [
          {
            name: "化粧水",
            price: "¥3,980",
            url: "https://shop.example/p/1",
            imageUrl: "https://cdn.example/1.jpg",
          },
        ],
        "おすすめ商品",
      );
      expect(await adapter.send(message(lineUserId(), messages))).toMatchObject({ status: "sent" });
      expect(api.sent("push").at(-1)?.status).toBe(200);
    });

    it("treats a timeout as deferred, and the retry with the same key as sent", async () => {
      const slow = adapterWith({ timeoutMs: 100 });
      const m = message();
      api.answerNext({ path: "/v2/bot/message/push", delayMs: 400 });
      const first = await slow.send(m);
      expect(first).toMatchObject({
        status: "deferred",
        reason: expect.stringContaining("no answer from LINE"),
      });
      await new Promise((r) => setTimeout(r, 500));
      // LINE took the first request after all: the retry is recognised and not delivered again.
      expect(await slow.send(m)).toMatchObject({ status: "sent" });
      expect(
        api
          .sent("push")
          .slice(-2)
          .map((r) => r.status),
      ).toEqual([200, 409]);
    });

    it("defers on 5xx, and the retry is sent (a refused request was not accepted)", async () => {
      const m = message();
      api.answerNext({
        path: "/v2/bot/message/push",
        status: 500,
        body: { message: "Internal server error" },
      });
      expect(await adapter.send(m)).toEqual({
        status: "deferred",
        reason: "LINE 500: Internal server error",
      });
      expect(await adapter.send(m)).toMatchObject({ status: "sent" });
      expect(api.sent("push").slice(-1)[0].status).toBe(200);
    });

    it("defers on the rate limit", async () => {
      api.answerNext({ path: "/v2/bot/message/push", status: 429, body: { message: "Too Many Requests" } });
      expect(await adapter.send(message())).toEqual({
        status: "deferred",
        reason: "LINE 429: Too Many Requests",
      });
      api.answerNext({
        path: "/v2/bot/message/push",
        status: 429,
        body: { message: "Too Many Requests" },
        headers: { "retry-after": "2" },
      });
      expect(await adapter.send(message())).toMatchObject({ status: "deferred", retryAfterMs: 2000 });
    });

    it("defers for an hour, saying why, when the monthly quota is used up", async () => {
      api.answerNext({
        path: "/v2/bot/message/push",
        status: 429,
        body: { message: "You have reached your monthly limit." },
      });
      const result = await adapter.send(message());
      expect(result).toMatchObject({ status: "deferred", retryAfterMs: 3_600_000 });
      expect(result.status === "deferred" && result.reason).toMatch(/monthly limit.*quota is used up/);
    });

    it("fails and suppresses a malformed user id", async () => {
      expect(await adapter.send(message("not-a-line-user"))).toMatchObject({
        status: "failed",
        suppress: true,
        reason: expect.stringContaining("to: The property, 'to', in the request body is invalid"),
      });
    });

    it("fails and suppresses a user id LINE does not know", async () => {
      const stranger = lineUserId();
      api.unknownUsers.add(stranger);
      expect(await adapter.send(message(stranger))).toMatchObject({
        status: "failed",
        suppress: true,
        reason: expect.stringContaining("Failed to send messages"),
      });
    });

    it("fails without suppressing when the message itself is refused", async () => {
      const result = await adapter.send(message(lineUserId(), [{ type: "text", text: "" }]));
      expect(result).toEqual({
        status: "failed",
        reason: "LINE 400: The request body has 1 error(s); messages[0].text: May not be empty",
      });
    });

    it("fails without suppressing on bad credentials", async () => {
      const revoked = adapterWith({}, "revoked-token");
      const result = await revoked.send(message());
      expect(result).toMatchObject({
        status: "failed",
        reason: expect.stringMatching(/^LINE 401: Authentication failed/),
      });
      expect(result).not.toHaveProperty("suppress");
      api.answerNext({
        path: "/v2/bot/message/push",
        status: 403,
        body: { message: "Access to this API is not available for your account" },
      });
      expect(await adapter.send(message())).toMatchObject({
        status: "failed",
        reason: expect.stringContaining("403"),
      });
    });

    it("defers when LINE cannot be reached", async () => {
      const down = await FakeLineApi.start();
      const url = down.url;
      await down.close();
      const unreachable = lineProvider.create(
        lineProvider.settingsSchema.parse({ apiBaseUrl: url }),
        lineProvider.secretsSchema.parse({ channelAccessToken: "t", channelSecret: "s" }),
      );
      expect(await unreachable.send(message())).toMatchObject({
        status: "deferred",
        reason: expect.stringMatching(/^LINE unreachable: fetch failed/),
      });
    });

    it("refuses content that is not LINE messages, or more than 5 of them, without calling LINE", async () => {
      const before = api.requests.length;
      const email = { ...message(), content: { kind: "email" as const, subject: "s", html: "h", text: "t" } };
      expect(await adapter.send(email)).toMatchObject({ status: "failed" });
      const six = Array.from({ length: 6 }, (_, i) => ({ type: "text", text: `${i}` }));
      expect(await adapter.send(message(lineUserId(), six))).toMatchObject({
        status: "failed",
        reason: expect.stringContaining("at most 5"),
      });
      expect(api.requests.length).toBe(before);
    });
  });

  describe("multicast", () => {
    it("sends identical messages to up to 500 users in one request, and a repeat is not sent again", async () => {
      const group = Array.from({ length: 500 }, () => message());
      const results = await adapter.sendGroup(group);
      expect(results).toHaveLength(500);
      expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
      expect(results[0]).toMatchObject({ status: "sent", providerId: expect.any(String) });
      const request = api.sent("multicast").at(-1)!;
      expect(request.status).toBe(200);
      expect(request.retryKey).toMatch(UUID);
      expect((request.body as { to: string[] }).to).toEqual(group.map((m) => m.address));

      // The worker crashed before recording the results: the same group again is a 409, i.e. sent.
      expect(await adapter.sendGroup([...group].reverse())).toEqual(results);
      expect(api.sent("multicast").at(-1)!.status).toBe(409);
    });

    it("splits more than 500 recipients into requests LINE takes", async () => {
      const group = Array.from({ length: 501 }, () => message());
      const before = api.sent("multicast").length;
      const results = await adapter.sendGroup(group);
      expect(results.every((r) => r.status === "sent")).toBe(true);
      const requests = api.sent("multicast").slice(before);
      expect(requests.map((r) => (r.body as { to: string[] }).to.length)).toEqual([500, 1]);
    });

    it("pushes one by one when LINE refuses a recipient, so only that one fails", async () => {
      const group = [message(), message("U-bad"), message()];
      const results = await adapter.sendGroup(group);
      expect(results.map((r) => r.status)).toEqual(["sent", "failed", "sent"]);
      expect(results[1]).toMatchObject({ suppress: true });
      expect(api.sent("multicast").at(-1)!.status).toBe(400);
    });

    it("gives every message of the group LINE's answer when the whole request is refused", async () => {
      api.answerNext({
        path: "/v2/bot/message/multicast",
        status: 429,
        body: { message: "Too Many Requests" },
      });
      const results = await adapter.sendGroup([message(), message()]);
      expect(results.map((r) => r.status)).toEqual(["deferred", "deferred"]);
    });

    it("sends messages with different content one by one", async () => {
      const before = api.sent("multicast").length;
      const results = await adapter.sendGroup([
        message(),
        message(lineUserId(), [{ type: "text", text: "別の内容" }]),
      ]);
      expect(results.map((r) => r.status)).toEqual(["sent", "sent"]);
      expect(api.sent("multicast").length).toBe(before);
    });
  });

  describe("verify", () => {
    it("passes with a valid token and the bot's own id", async () => {
      await expect(adapterWith({ botBasicId: "@kizuna" }).verify()).resolves.toBeUndefined();
      await expect(adapterWith({ botBasicId: "@123abcde" }).verify()).resolves.toBeUndefined();
    });

    it("names the problem: a refused token, or a botBasicId of another bot", async () => {
      await expect(adapterWith({}, "wrong").verify()).rejects.toThrow(/channelAccessToken: LINE 401/);
      await expect(adapterWith({ botBasicId: "@other" }).verify()).rejects.toThrow(
        /botBasicId: is @other, but this channel's bot is @123abcde or @kizuna/,
      );
    });
  });
});
