// Short tracked links in SMS, through the real app on the engine under test: a message's URLs become
// /s/<code>, a click redirects and is recorded (event row, first click on the message), and a code we
// did not issue is a 404 that sends nobody anywhere.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { smsSegments } from "../../../src/messaging/channels/sms/segments.js";
import {
  randomShortCode,
  SHORT_CODE_LENGTH,
  shortenLinks,
} from "../../../src/messaging/channels/sms/short-links.js";
import { createTestApp, type TestApp } from "../../support/app.js";

const START = "2026-06-01T01:00:00.000Z";
const BASE = "https://crm.kizuna-sabo.jp";
const SHORT = new RegExp(`${BASE}/s/([0-9A-Za-z]{${SHORT_CODE_LENGTH}})`, "g");

describe("short link codes", () => {
  it("are random base62, long enough not to be guessed", () => {
    const codes = new Set(Array.from({ length: 1000 }, () => randomShortCode()));
    expect(codes.size).toBe(1000);
    for (const code of codes) expect(code).toMatch(/^[0-9A-Za-z]{10}$/);
  });
});

describe("SMS short links", () => {
  let t: TestApp;
  let messageId: number;
  const shopId = () => t.shop.shop.id;

  beforeEach(async () => {
    t = await createTestApp(START);
    const row = await t.ctx.db
      .insertInto("messages")
      .values({
        shop_id: shopId(),
        customer_id: 1,
        channel: "sms",
        template_key: "cart.reminder",
        message_class: "promotional",
        status: "sending",
        status_reason: null,
        idempotency_key: "run:1:1",
        payload: "{}",
        queued_at: START,
        updated_at: START,
        due_at: START,
        address: "+819012345678",
        provider_id: null,
        delivered_at: null,
        converted_at: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    messageId = Number(row.id);
  });
  afterEach(async () => t.close());

  const shorten = (text: string, newCode?: () => string) =>
    shortenLinks(t.ctx.db, { shopId: shopId(), messageId, text, baseUrl: `${BASE}/`, now: START, newCode });
  const links = () => t.ctx.db.selectFrom("short_links").selectAll().orderBy("url").execute();
  const codesIn = (text: string) => [...text.matchAll(SHORT)].map((m) => m[1]);

  it("replaces each URL with a short link, leaving the Japanese around it alone", async () => {
    const text =
      "【きずな茶房】カートに商品が残っています https://kizuna-sabo.jp/cart?utm_source=sms&id=42から。" +
      "配信停止: https://crm.kizuna-sabo.jp/u/eyJzIjoxLCJjIjo3fQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
    const short = await shorten(text);
    const codes = codesIn(short);
    expect(codes).toHaveLength(2);
    expect(short).toBe(
      `【きずな茶房】カートに商品が残っています ${BASE}/s/${codes[0]}から。配信停止: ${BASE}/s/${codes[1]}`,
    );
    expect(await links()).toEqual([
      {
        code: codes[1],
        shop_id: shopId(),
        message_id: messageId,
        url: "https://crm.kizuna-sabo.jp/u/eyJzIjoxLCJjIjo3fQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ",
        created_at: START,
      },
      {
        code: codes[0],
        shop_id: shopId(),
        message_id: messageId,
        url: "https://kizuna-sabo.jp/cart?utm_source=sms&id=42",
        created_at: START,
      },
    ]);
    expect(smsSegments(short).length).toBeLessThan(smsSegments(text).length);
  });

  it("leaves sentence punctuation and brackets outside the link, and shortens a repeated URL once", async () => {
    const short = await shorten(
      "Sale ends today (https://shop.example/sale). Again: https://shop.example/sale, or https://shop.example/a_(b)!",
    );
    const codes = codesIn(short);
    expect(short).toBe(
      `Sale ends today (${BASE}/s/${codes[0]}). Again: ${BASE}/s/${codes[0]}, or ${BASE}/s/${codes[2]}!`,
    );
    expect((await links()).map((l) => l.url)).toEqual([
      "https://shop.example/a_(b)",
      "https://shop.example/sale",
    ]);
  });

  it("changes nothing in a text without links, or in its own output", async () => {
    expect(await shorten("ご来店ありがとうございました。")).toBe("ご来店ありがとうございました。");
    expect(await shorten("mailto:shop@example.jp or ftp://files.example.jp")).toBe(
      "mailto:shop@example.jp or ftp://files.example.jp",
    );
    const once = await shorten("Track it: https://shop.example/track/123");
    expect(await shorten(once)).toBe(once);
    expect(await links()).toHaveLength(1);
  });

  it("draws another code when one is already taken", async () => {
    const taken = "TakenCode1";
    await t.ctx.db
      .insertInto("short_links")
      .values({
        code: taken,
        shop_id: shopId(),
        message_id: 999,
        url: "https://other.example/",
        created_at: START,
      })
      .execute();
    const draws = [taken, taken, "FreshCode1", "FreshCode2"];
    const short = await shorten(
      "A https://shop.example/a B https://shop.example/b",
      () => draws.shift() ?? randomShortCode(),
    );
    expect(short).toBe(`A ${BASE}/s/FreshCode1 B ${BASE}/s/FreshCode2`);
    expect((await links()).map((l) => [l.code, l.url])).toEqual([
      ["TakenCode1", "https://other.example/"],
      ["FreshCode1", "https://shop.example/a"],
      ["FreshCode2", "https://shop.example/b"],
    ]);
  });

  describe("the redirect", () => {
    const get = (path: string, method: "GET" | "HEAD" = "GET") => t.app.inject({ method, url: path });
    const clicks = () =>
      t.ctx.db.selectFrom("message_events").selectAll().where("type", "=", "click").orderBy("id").execute();
    const clickedAt = async () =>
      (
        await t.ctx.db
          .selectFrom("messages")
          .select("clicked_at")
          .where("id", "=", messageId)
          .executeTakeFirstOrThrow()
      ).clicked_at;

    it("sends the recipient on and records the click, the first one on the message too", async () => {
      const [code] = codesIn(await shorten("https://kizuna-sabo.jp/p/matcha?x=1"));
      t.clock.set("2026-06-01T02:00:00.000Z");
      const res = await get(`/s/${code}`);
      expect(res.statusCode).toBe(302);
      expect(res.headers.location).toBe("https://kizuna-sabo.jp/p/matcha?x=1");
      expect(res.headers["cache-control"]).toBe("no-store");
      expect(await clickedAt()).toBe("2026-06-01T02:00:00.000Z");

      t.clock.set("2026-06-01T03:00:00.000Z");
      expect((await get(`/s/${code}`)).statusCode).toBe(302);
      expect(await clickedAt()).toBe("2026-06-01T02:00:00.000Z");
      const events = await clicks();
      expect(events.map((e) => ({ ...e, detail: JSON.parse(e.detail ?? "null") }))).toEqual([
        {
          id: expect.any(Number),
          shop_id: shopId(),
          message_id: messageId,
          type: "click",
          reason: null,
          detail: { url: "https://kizuna-sabo.jp/p/matcha?x=1" },
          at: "2026-06-01T02:00:00.000Z",
        },
        expect.objectContaining({ at: "2026-06-01T03:00:00.000Z" }),
      ]);
    });

    it("follows a HEAD without counting it as a click", async () => {
      const [code] = codesIn(await shorten("https://kizuna-sabo.jp/"));
      const res = await get(`/s/${code}`, "HEAD");
      expect(res.statusCode).toBe(302);
      expect(await clicks()).toHaveLength(0);
      expect(await clickedAt()).toBeNull();
    });

    it("answers 404, with no redirect, for a code it did not issue", async () => {
      const [code] = codesIn(await shorten("https://kizuna-sabo.jp/"));
      const tampered = `${code.slice(0, -1)}${code.endsWith("A") ? "B" : "A"}`;
      for (const path of [
        `/s/${tampered}`,
        "/s/abc",
        "/s/..%2F..%2Fetc",
        `/s/${code}x%2Fevil.example`,
        "/s/",
      ]) {
        const res = await get(path);
        expect(res.statusCode, path).toBe(404);
        expect(res.headers.location, path).toBeUndefined();
      }
      const page = await get(`/s/${tampered}`);
      expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
      expect(page.body).toContain("リンクが見つかりません");
      expect(await clicks()).toHaveLength(0);
    });

    it("redirects only to http(s), whatever a row holds", async () => {
      await t.ctx.db
        .insertInto("short_links")
        .values({
          code: "JsLink0001",
          shop_id: shopId(),
          message_id: messageId,
          url: "javascript:alert(1)",
          created_at: START,
        })
        .execute();
      const res = await get("/s/JsLink0001");
      expect(res.statusCode).toBe(404);
      expect(res.headers.location).toBeUndefined();
      expect(await clicks()).toHaveLength(0);
    });
  });
});
