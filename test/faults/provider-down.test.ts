// A provider down for a stretch of minutes, with the delivery worker driven on a manual clock so the
// minutes pass at once: an SMTP server answering 421 then 451, an HTTP SMS gateway answering 429 with
// Retry-After then 503. Each try comes later than the one before, as documented (1 min, 2, 4 … capped
// at 6 h, ±10%; never sooner than Retry-After); fewer than 20 failing sends never pause a channel,
// 20 or more at half failing do, with the reason; and once the provider is back (and the channel
// resumed, if paused) every message is delivered exactly once.
//
// What test/messaging already covers is not repeated here: one 451 retried once (email.test.ts), a
// pause on 421 and the resume (email.test.ts), and each adapter's reading of 429/5xx/Retry-After.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ManualClock, toIso } from "../../src/core/clock.js";
import type { Channel } from "../../src/db/index.js";
import { resumeChannel, saveChannelSettings } from "../../src/messaging/channels/settings.js";
import { backoffMs, DeliveryWorker } from "../../src/messaging/delivery/worker.js";
import { ensureTemplates } from "../../src/scenarios/index.js";
import { createShop } from "../../src/shops/index.js";
import { saveShopProfile } from "../../src/shops/profile.js";
import {
  type FakeGateway,
  GATEWAY_SECRET,
  GATEWAY_TOKEN,
  type Reply,
  startFakeGateway,
} from "../messaging/sms/fake-servers.js";
import { createTestDb, type TestDb } from "../support/db.js";
import { type SmtpSink, startSmtpSink } from "../support/smtp.js";

const MINUTE = 60_000;
const SECRET = "provider-down-secret-0123456789";
const START = "2026-06-01T01:00:00.000Z"; // 10:00 in Tokyo

/** One try of one message, as the outbox recorded it. */
interface Attempt {
  /** Since the outage began. */
  atMs: number;
  status: string;
  reason: string | null;
  /** Deferred: how long until the next try. */
  waitMs: number | null;
}

describe("a provider down for minutes", () => {
  let t: TestDb;
  let clock: ManualClock;
  let shopId: number;
  let delivery: DeliveryWorker;
  let sink: SmtpSink;
  let gateway: FakeGateway;
  const numbers: string[] = [];

  beforeAll(async () => {
    t = await createTestDb();
    sink = await startSmtpSink();
    gateway = await startFakeGateway();
  });
  afterAll(async () => {
    await delivery?.close();
    await sink?.close();
    await gateway?.close();
    await t?.cleanup();
  });
  beforeEach(async () => {
    await delivery?.close();
    clock = new ManualClock(START);
    const { shop } = await createShop(t.db, clock, { name: "きずな茶房" });
    shopId = shop.id;
    await saveShopProfile(t.db, shopId, {
      url: "https://kizuna-sabo.jp",
      address: "〒150-0001 東京都渋谷区神宮前1-2-3",
      email: "info@kizuna-sabo.jp",
      phone: "03-1234-5678",
    });
    await saveChannelSettings(t.db, clock, SECRET, shopId, "email", {
      provider: "smtp",
      settings: {
        host: "127.0.0.1",
        port: sink.port,
        fromAddress: "news@kizuna-sabo.jp",
        fromName: "きずな茶房",
        maxConnections: 3,
        ratePerSecond: 1_000,
      },
      secrets: {},
    });
    await saveChannelSettings(t.db, clock, SECRET, shopId, "sms", {
      provider: "http",
      settings: { url: `${gateway.baseUrl}/v1/sms`, from: "KIZUNA", ratePerSecond: 1_000, concurrency: 4 },
      secrets: { signingSecret: GATEWAY_SECRET, bearerToken: GATEWAY_TOKEN },
    });
    await ensureTemplates(
      t.db,
      clock,
      shopId,
      (["email", "sms"] as const).map((channel) => ({
        key: "order.shipped",
        channel,
        locale: "ja",
        messageClass: "transactional" as const,
        subject: channel === "email" ? "発送のお知らせ" : null,
        body: "{{ customer.first_name }}様、ご注文の商品を発送しました。",
      })),
    );
    delivery = new DeliveryWorker({
      db: t.db,
      clock,
      secret: SECRET,
      publicUrl: "https://crm.kizuna-sabo.jp",
    });
    sink.failData = null;
    sink.received.length = 0;
    gateway.replies.clear();
    gateway.received.length = 0;
  });

  /** `n` customers with an email and a phone, each with a shipping notice queued on `channel`. */
  async function queueNotices(channel: Channel, n: number): Promise<number[]> {
    const now = toIso(clock.now());
    const ids: number[] = [];
    for (let i = 0; i < n; i++) {
      const phone = `+8190${String(shopId).padStart(3, "0")}${String(i).padStart(5, "0")}`;
      numbers.push(phone);
      const customer = await t.db
        .insertInto("customers")
        .values({
          shop_id: shopId,
          external_id: `M${i}`,
          email: `m${i}.s${shopId}@example.jp`,
          phone,
          first_name: `花子${i}`,
          attributes: "{}",
          created_at: now,
          updated_at: now,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      const message = await t.db
        .insertInto("messages")
        .values({
          shop_id: shopId,
          customer_id: customer.id,
          channel,
          template_key: "order.shipped",
          message_class: "transactional",
          status: "queued",
          status_reason: null,
          idempotency_key: `shipped:${i}`,
          payload: "{}",
          queued_at: now,
          updated_at: now,
          due_at: now,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      ids.push(message.id);
    }
    return ids;
  }

  /** Answers every number with `reply` (null: accept). */
  function gatewayAnswers(reply: Reply | null): void {
    for (const n of numbers) {
      if (reply) gateway.replies.set(n, reply);
      else gateway.replies.delete(n);
    }
  }

  async function rows(channel: Channel) {
    return t.db
      .selectFrom("messages")
      .select(["id", "status", "status_reason", "attempts", "due_at"])
      .where("shop_id", "=", shopId)
      .where("channel", "=", channel)
      .orderBy("id")
      .execute();
  }

  /**
   * Runs the delivery worker, jumping the clock to each next retry, until nothing is open; `provider`
   * sets the provider's state for the time since the outage began. Returns each message's tries.
   */
  async function driveUntilDelivered(
    channel: Channel,
    provider: (sinceStartMs: number) => void,
  ): Promise<Map<number, Attempt[]>> {
    const start = clock.now().getTime();
    const history = new Map<number, Attempt[]>();
    for (let round = 0; round < 60; round++) {
      const since = clock.now().getTime() - start;
      provider(since);
      await delivery.drain();
      const open: string[] = [];
      for (const r of await rows(channel)) {
        const tries = history.get(r.id) ?? [];
        if (r.attempts > tries.length) {
          const deferred = r.status === "deferred";
          tries.push({
            atMs: since,
            status: r.status,
            reason: r.status_reason,
            waitMs: deferred ? Date.parse(r.due_at!) - clock.now().getTime() : null,
          });
          history.set(r.id, tries);
        }
        if (["queued", "rendering", "sending", "deferred"].includes(r.status)) open.push(r.due_at!);
      }
      if (open.length === 0) return history;
      // The minutes until the next retry pass at once.
      clock.set(open.sort()[0]);
    }
    throw new Error("messages still open after 60 rounds");
  }

  async function pausedReason(channel: Channel): Promise<string | null> {
    const row = await t.db
      .selectFrom("channel_settings")
      .select(["paused_at", "paused_reason"])
      .where("shop_id", "=", shopId)
      .where("channel", "=", channel)
      .executeTakeFirstOrThrow();
    return row.paused_at === null ? null : row.paused_reason;
  }

  /** The documented wait after the n-th failed try: 1 min · 2^(n−1), within ±10%. */
  function expectBackoff(waitMs: number, attempt: number): void {
    const base = Math.min(6 * 60 * MINUTE, MINUTE * 2 ** (attempt - 1));
    expect(waitMs, `wait after try ${attempt}`).toBeGreaterThanOrEqual(Math.floor(base * 0.9));
    expect(waitMs, `wait after try ${attempt}`).toBeLessThanOrEqual(Math.ceil(base * 1.1));
  }

  it("backs off 1, 2, 4, 8, 16 minutes while an SMTP server refuses for 20 minutes, then sends each mail once", async () => {
    const ids = await queueNotices("email", 10);
    const history = await driveUntilDelivered("email", (since) => {
      // "Too many connections" for ten minutes, then "try again later" for ten more, then well again.
      sink.failData =
        since < 10 * MINUTE
          ? [421, "4.7.0 too many connections from your host"]
          : since < 20 * MINUTE
            ? [451, "4.3.0 temporary local problem, try again later"]
            : null;
    });

    for (const id of ids) {
      const tries = history.get(id)!;
      // Refused at 0, ~1, ~3, ~7 and ~15 minutes; the next try (~31 min) finds the server back.
      expect(tries.map((a) => a.status)).toEqual([
        "deferred",
        "deferred",
        "deferred",
        "deferred",
        "deferred",
        "sent",
      ]);
      for (const [i, a] of tries.slice(0, 5).entries()) expectBackoff(a.waitMs!, i + 1);
      expect(tries[0].reason).toMatch(/^smtp 421/);
      expect(tries[4].reason).toMatch(/^smtp 451/);
      expect(tries[4].atMs).toBeLessThan(20 * MINUTE);
      expect(tries[5].atMs).toBeGreaterThanOrEqual(20 * MINUTE);
    }
    // Ten failing sends are fewer than the twenty a pause needs: the channel kept trying on its own.
    expect(await pausedReason("email")).toBeNull();
    // Each mail arrived once: the refused tries left nothing at the server.
    const arrived = sink.received.map((m) => m.messageId);
    expect(arrived).toHaveLength(ids.length);
    expect(new Set(arrived)).toEqual(new Set(ids.map((id) => `<kizuna.${shopId}.${id}@kizuna-sabo.jp>`)));
    // The wait stops growing at 6 hours.
    for (const attempts of [10, 20, 50]) expectBackoff(backoffMs(attempts), attempts);
  });

  it("waits as long as an SMS gateway's Retry-After says, then backs off through its 503s, and sends each once", async () => {
    const ids = await queueNotices("sms", 5);
    const history = await driveUntilDelivered("sms", (since) => {
      gatewayAnswers(
        since < 15 * MINUTE
          ? { status: 429, body: { error: "rate" }, headers: { "retry-after": "600" } }
          : since < 30 * MINUTE
            ? { status: 503, body: { error: "maintenance" } }
            : null,
      );
    });

    for (const id of ids) {
      const tries = history.get(id)!;
      expect(tries.map((a) => a.reason)).toEqual([
        "gateway 429",
        "gateway 429",
        "gateway 503",
        "gateway 503",
        null,
      ]);
      expect(tries[4].status).toBe("sent");
      // Retry-After (10 min) is longer than the backoff (1 min, then 2): it is what the worker waits.
      expect(tries[0].waitMs).toBe(10 * MINUTE);
      expect(tries[1].waitMs).toBe(10 * MINUTE);
      // Without Retry-After, the backoff for the 3rd and 4th tries: ~4 and ~8 minutes.
      expectBackoff(tries[2].waitMs!, 3);
      expectBackoff(tries[3].waitMs!, 4);
      expect(tries[4].atMs).toBeGreaterThanOrEqual(30 * MINUTE);
    }
    expect(await pausedReason("sms")).toBeNull();
    // Accepted once each: every request but the last per message was refused.
    const requests = gateway.received.map((r) => (JSON.parse(r.raw) as { kizunaId: number }).kizunaId);
    for (const id of ids) expect(requests.filter((k) => k === id)).toHaveLength(5);
    const accepted = gateway.received
      .slice(-ids.length)
      .map((r) => (JSON.parse(r.raw) as { kizunaId: number }).kizunaId);
    expect(new Set(accepted)).toEqual(new Set(ids));
  });

  it("pauses the SMS channel when 20 sends fail, says why, holds while paused, and after the resume sends each once", async () => {
    const ids = await queueNotices("sms", 40);
    gatewayAnswers({ status: 503, body: { error: "maintenance" } });
    await delivery.drain();

    // Half or more of at least 20 sends failed: paused, with the rate, the count and the last error.
    const reason = await pausedReason("sms");
    expect(reason).toMatch(/^100% of (2\d) sends failed; last: gateway 503$/);
    const tried = Number(/of (\d+) sends/.exec(reason!)![1]);
    const afterPause = await rows("sms");
    // The sends already under way when it paused (at most one per slot, 4) finished and count too.
    const deferred = afterPause.filter((r) => r.status === "deferred").length;
    expect(deferred).toBeGreaterThanOrEqual(tried);
    expect(deferred).toBeLessThan(tried + 4);
    // What the pause left unsent went back to the queue, untried.
    const heldBack = afterPause.filter((r) => r.status === "queued");
    expect(heldBack).toHaveLength(ids.length - deferred);
    expect(heldBack.every((r) => r.attempts === 0 && r.status_reason === "channel paused")).toBe(true);

    // While paused, nothing is claimed, however long it stays down.
    const requestsAtPause = gateway.received.length;
    for (const hours of [1, 2, 6]) {
      clock.advance(hours * 60 * MINUTE);
      expect(await delivery.drain()).toBe(0);
    }
    expect(gateway.received.length).toBe(requestsAtPause);

    // The gateway is back; the shop resumes the channel; every message goes, once.
    gatewayAnswers(null);
    expect(await resumeChannel(t.db, clock, shopId, "sms")).toBe(true);
    const history = await driveUntilDelivered("sms", () => {});
    expect((await rows("sms")).every((r) => r.status === "sent")).toBe(true);
    expect(await pausedReason("sms")).toBeNull();
    const accepted = gateway.received
      .slice(requestsAtPause)
      .map((r) => (JSON.parse(r.raw) as { kizunaId: number }).kizunaId);
    expect(accepted).toHaveLength(ids.length);
    expect(new Set(accepted)).toEqual(new Set(ids));
    expect([...history.values()].every((tries) => tries.at(-1)!.status === "sent")).toBe(true);
  });
});
