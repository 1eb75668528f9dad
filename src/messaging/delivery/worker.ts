// The delivery worker: one readable pipeline, in the shape of listmonk's. It claims a batch of due
// messages, checks each recipient can still be reached (consent, suppression list, an address), prepares
// the batch's templates and scopes, then hands messages to each shop's channel adapter under that
// adapter's rate and concurrency: each send slot renders its next message, sends it, and records the
// result before it takes another, so one message renders while others are on the wire. Transient
// failures are retried with exponential backoff, permanent ones for an address put it on the
// suppression list, and a channel whose sends keep failing pauses itself and says why.
import type { Clock } from "../../core/clock.js";
import { toIso } from "../../core/clock.js";
import type { Channel, Db, Message } from "../../db/index.js";
import { erasedSuppressions } from "../../privacy/index.js";
import { guardrailsFromSettings } from "../../scenarios/guardrails.js";
import { quietUntil } from "../../scenarios/local-time.js";
import { addressFor, reachability } from "../../scenarios/reachability.js";
import { loadShopForMessages, type ShopForMessages } from "../../shops/profile.js";
import { messageIdDomain } from "../channels/email/smtp.js";
import { lineMessages } from "../channels/line/index.js";
import { pauseChannel } from "../channels/settings.js";
import { shortenLinks } from "../channels/sms/index.js";
import { type OutgoingMessage, type SendResult, sendsGroups } from "../channels/types.js";
import { linkBuilder } from "../links.js";
import { claimDueMessages, writeTransitions } from "../outbox.js";
import { type PreparedBatch, Renderer, type RenderHooks, type RenderOutcome } from "../render/index.js";
import { queueRepermission, REPERMISSION_TEMPLATE, sunsetSettings, sunsetVerdicts } from "../sunset.js";
import { AdapterPool, type LiveAdapter } from "./adapters.js";
import { GroupCommitter, type Outcome, writeOutcomes } from "./commit.js";

interface ReadyMessage {
  message: Message;
  out: OutgoingMessage;
}

export interface DeliveryOptions {
  /** Messages claimed at a time. */
  batchSize: number;
  /** How long a claim holds before another worker may take the message over. */
  leaseMs: number;
  /** Sends tried before a message is given up on. */
  maxAttempts: number;
  /** A promotional message not sent by then is dropped: a cart reminder three days late does harm. */
  promotionalExpiryMs: number;
  /** Pause a channel when at least `minSends` in a batch failed at this rate or more. */
  pauseErrorRate: number;
  pauseMinSends: number;
}

export const DEFAULT_DELIVERY_OPTIONS: DeliveryOptions = {
  batchSize: 500,
  leaseMs: 10 * 60_000,
  maxAttempts: 8,
  promotionalExpiryMs: 48 * 3_600_000,
  pauseErrorRate: 0.5,
  pauseMinSends: 20,
};

/** The channels the worker sends; postal mail leaves in export batches (postal/). */
export const WORKER_CHANNELS: readonly Channel[] = ["email", "line", "sms", "push"];

export interface DeliveryDeps {
  db: Db;
  clock: Clock;
  /** The instance secret: opens channel credentials, signs links. */
  secret: string;
  /** Where recipients reach this instance (tracking, unsubscribe). */
  publicUrl: string;
  hooks?: RenderHooks;
}

/** 1 min, 2, 4 … up to 6 h, with ±10% jitter so retries of a failed burst do not land together. */
export function backoffMs(attempts: number): number {
  const base = Math.min(6 * 3_600_000, 60_000 * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.9 + Math.random() * 0.2));
}

export class DeliveryWorker {
  readonly options: DeliveryOptions;
  private readonly adapters: AdapterPool;
  private readonly renderer: Renderer;
  private readonly committer: GroupCommitter;

  constructor(
    private readonly deps: DeliveryDeps,
    options: Partial<DeliveryOptions> = {},
  ) {
    this.options = { ...DEFAULT_DELIVERY_OPTIONS, ...options };
    this.adapters = new AdapterPool(deps.db, deps.secret);
    this.renderer = new Renderer(
      deps.db,
      linkBuilder(deps.secret, deps.publicUrl),
      deps.hooks ?? channelHooks(deps),
    );
    this.committer = new GroupCommitter(deps.db, () => deps.clock.now());
  }

  /** Claims and delivers one batch; returns how many messages it took (0: nothing due). */
  async runBatch(): Promise<number> {
    const { db, clock } = this.deps;
    const now = clock.now();
    const claimed = await claimDueMessages(
      db,
      toIso(now),
      toIso(now.getTime() + this.options.leaseMs),
      this.options.batchSize,
      WORKER_CHANNELS,
    );
    if (claimed.length === 0) return 0;
    const byShop = new Map<number, Message[]>();
    for (const m of claimed) byShop.set(m.shop_id, [...(byShop.get(m.shop_id) ?? []), m]);
    await Promise.all([...byShop].map(([shopId, messages]) => this.deliverShop(shopId, messages, now)));
    return claimed.length;
  }

  /** Runs batches until nothing is due. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.runBatch();
      if (n === 0) return total;
      total += n;
    }
  }

  async close(): Promise<void> {
    await this.adapters.close();
  }

  private async deliverShop(shopId: number, messages: Message[], now: Date): Promise<void> {
    const { db } = this.deps;
    const nowIso = toIso(now);
    const early: Outcome[] = [];
    const settle = (m: Message, status: Outcome["status"], reason: string, dueAt: string | null = null) =>
      early.push({ id: m.id, shopId, status, reason, dueAt, before: m });

    const shop = await loadShopForMessages(db, shopId);
    if (!shop) {
      for (const m of messages) settle(m, "failed", "shop no longer exists");
      await writeOutcomes(db, nowIso, early);
      return;
    }

    // Too late, or no way to send on this channel yet: settled before any work is spent on them.
    const live = new Map<Channel, LiveAdapter>();
    let candidates: Message[] = [];
    // Quiet hours hold for every promotional send, also a retry that falls due at night.
    const quietHours = guardrailsFromSettings(shop.settings).quietHours;
    for (const m of messages) {
      const quiet = m.message_class === "promotional" ? quietHours[m.channel] : null;
      const quietEnd = quiet ? quietUntil(now, quiet.from, quiet.to, shop.timezone) : null;
      if (quietEnd) {
        settle(m, "deferred", `quiet hours (${quiet!.from}–${quiet!.to})`, toIso(quietEnd));
        continue;
      }
      const expired =
        m.message_class === "promotional" &&
        now.getTime() - Date.parse(m.queued_at) > this.options.promotionalExpiryMs;
      if (expired) {
        settle(m, "failed", "expired: not sent within its time");
        continue;
      }
      const lookup = await this.adapters.get(shopId, m.channel);
      if (!lookup.ok) {
        settle(m, "deferred", lookup.reason, toIso(now.getTime() + lookup.retryMs));
        continue;
      }
      live.set(m.channel, lookup.live);
      candidates.push(m);
    }

    candidates = await this.checkRecipients(shop, candidates, settle);
    const batch = await this.renderer.prepare(shop, candidates, now);
    const ready = candidates.filter((m) => {
      const refused = batch.refused.get(m.id);
      if (refused) settle(m, "failed", refused.reason);
      return !refused;
    });
    await writeOutcomes(db, nowIso, early);

    // On the wire's doorstep from here: "sending" with this worker's lease, so a crash is taken over
    // later. Each message is rendered when a send slot takes it, so the batch renders while it sends.
    await writeTransitions(
      db,
      nowIso,
      ready.map((message) => ({
        id: message.id,
        shopId,
        status: "sending",
        reason: null,
        dueAt: toIso(now.getTime() + this.options.leaseMs),
        address: message.address,
        before: message,
      })),
    );
    const byChannel = new Map<Channel, Message[]>();
    for (const m of ready) byChannel.set(m.channel, [...(byChannel.get(m.channel) ?? []), m]);
    await Promise.all(
      [...byChannel].map(([channel, messages]) =>
        this.sendThrough(shop, channel, live.get(channel)!, messages, batch),
      ),
    );
  }

  /** Drops (as suppressed) the messages whose recipient can no longer be reached; sets the others' address. */
  private async checkRecipients(
    shop: ShopForMessages,
    messages: Message[],
    settle: (m: Message, status: Outcome["status"], reason: string) => void,
  ): Promise<Message[]> {
    const kept: Message[] = [];
    for (const messageClass of ["promotional", "transactional"] as const) {
      const group = messages.filter((m) => m.message_class === messageClass);
      if (group.length === 0) continue;
      const { reach, contacts } = await reachability(
        this.deps.db,
        shop.id,
        [...new Set(group.map((m) => m.customer_id))],
        messageClass,
      );
      // An address an erased customer had unsubscribed or bounced stays held back when it comes back.
      const erased = await erasedSuppressions(
        this.deps.db,
        this.deps.secret,
        shop.id,
        messageClass,
        group.flatMap((m) => {
          const contact = contacts.get(m.customer_id);
          const address = contact ? addressFor(m.channel, contact) : null;
          return address ? [{ channel: m.channel, address }] : [];
        }),
      );
      const sunsetPolicy = sunsetSettings(shop.settings);
      const sunset =
        messageClass === "promotional"
          ? await sunsetVerdicts(
              this.deps.db,
              shop.id,
              [
                ...new Set(
                  group
                    .filter((m) => m.channel === "email" && m.template_key !== REPERMISSION_TEMPLATE)
                    .map((m) => m.customer_id),
                ),
              ],
              this.deps.clock.now(),
              sunsetPolicy,
            )
          : new Map();
      const ask: number[] = [];
      for (const m of group) {
        const contact = contacts.get(m.customer_id);
        const address = contact ? addressFor(m.channel, contact) : null;
        const verdict =
          m.channel === "email" && m.template_key !== REPERMISSION_TEMPLATE
            ? sunset.get(m.customer_id)
            : undefined;
        if (!address) settle(m, "suppressed", `no ${m.channel} address`);
        else if (!reach.get(m.customer_id)?.has(m.channel) || erased.has(`${m.channel}:${address}`)) {
          settle(
            m,
            "suppressed",
            messageClass === "promotional" ? "no consent, or suppressed" : "suppressed",
          );
        } else if (verdict) {
          const asked = verdict === "ask" ? "; re-permission asked" : "";
          settle(m, "suppressed", `sunset: no opens or clicks in ${sunsetPolicy.days} days${asked}`);
          if (verdict === "ask") ask.push(m.customer_id);
        } else kept.push({ ...m, address });
      }
      await queueRepermission(this.deps.db, this.deps.clock, shop.id, [...new Set(ask)]);
    }
    return kept;
  }

  private outgoing(
    m: Message,
    address: string,
    r: RenderOutcome & { ok: true },
    live: LiveAdapter,
  ): OutgoingMessage {
    const domain = messageIdDomain(live.settings as { fromAddress?: string });
    return {
      id: m.id,
      shopId: m.shop_id,
      customerId: m.customer_id,
      channel: m.channel,
      messageClass: m.message_class,
      address,
      headerMessageId: `<kizuna.${m.shop_id}.${m.id}@${domain}>`,
      unsubscribe: m.message_class === "promotional" ? { url: r.unsubscribeUrl } : undefined,
      content: r.content,
    };
  }

  /**
   * Sends one channel's messages through its adapter: `concurrency` slots, each rendering its next
   * message, sending it and taking another when the result is committed, under the adapter's rate.
   * An adapter that sends groups (LINE multicast) gets the whole channel rendered first, to find the
   * messages with the same content. Stops early when the channel pauses.
   */
  private async sendThrough(
    shop: ShopForMessages,
    channel: Channel,
    live: LiveAdapter,
    messages: Message[],
    batch: PreparedBatch,
  ): Promise<void> {
    const { adapter } = live;
    let next = 0;
    let sends = 0;
    let errors = 0;
    let lastError = "";
    let paused = false;

    const record = async (message: Message, out: OutgoingMessage, result: SendResult) => {
      sends++;
      if (result.status === "deferred" || (result.status === "failed" && !result.suppress)) {
        errors++;
        lastError = result.reason;
      }
      await this.committer.record(this.outcomeOf(message, out, result));
      if (!paused && sends >= this.options.pauseMinSends && errors / sends >= this.options.pauseErrorRate) {
        paused = true;
        const rate = Math.round((errors / sends) * 100);
        await pauseChannel(
          this.deps.db,
          this.deps.clock,
          shop.id,
          channel,
          `${rate}% of ${sends} sends failed; last: ${lastError}`,
        );
      }
    };
    // The message ready to go, or null when it could not be rendered (recorded as failed).
    const rendered = async (message: Message): Promise<ReadyMessage | null> => {
      const r = await batch.renderOne(message);
      if (r.ok) return { message, out: this.outgoing(message, message.address!, r, live) };
      await this.committer.record({
        id: message.id,
        shopId: message.shop_id,
        status: "failed",
        reason: r.reason,
        dueAt: null,
        before: message,
      });
      return null;
    };

    let groups: Array<Message[] | ReadyMessage[]>;
    if (sendsGroups(adapter)) {
      const all: ReadyMessage[] = [];
      for (const m of messages) {
        const item = await rendered(m);
        if (item) all.push(item);
      }
      groups = groupByContent(all, adapter.maxGroup);
    } else groups = messages.map((m) => [m]);

    const slot = async () => {
      while (next < groups.length && !paused) {
        const group = groups[next++];
        if (group.length > 1 && sendsGroups(adapter)) {
          const items = group as ReadyMessage[];
          await live.bucket.take();
          const results = await adapter.sendGroup(items.map((g) => g.out));
          await Promise.all(items.map((g, i) => record(g.message, g.out, results[i])));
          continue;
        }
        const only = group[0];
        const item = "out" in only ? only : await rendered(only);
        if (!item) continue;
        await live.bucket.take();
        await record(item.message, item.out, await adapter.send(item.out));
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, adapter.concurrency) }, slot));

    // What a pause left unsent goes back to the queue, to be claimed when the channel is resumed.
    const unsent = groups.slice(next).flat();
    if (unsent.length > 0) {
      await writeOutcomes(
        this.deps.db,
        toIso(this.deps.clock.now()),
        unsent.map((item) => {
          const message = "out" in item ? item.message : item;
          return {
            id: message.id,
            shopId: message.shop_id,
            status: "queued",
            reason: "channel paused",
            dueAt: toIso(this.deps.clock.now()),
            before: message,
          };
        }),
      );
    }
  }

  private outcomeOf(message: Message, out: OutgoingMessage, result: SendResult): Outcome {
    const base = {
      id: message.id,
      shopId: message.shop_id,
      before: message,
      attempt: true,
      address: out.address,
    };
    const attempts = message.attempts + 1;
    switch (result.status) {
      case "sent":
        return { ...base, status: "sent", reason: null, dueAt: null, providerId: result.providerId ?? null };
      case "deferred": {
        if (attempts >= this.options.maxAttempts) {
          return {
            ...base,
            status: "failed",
            reason: `gave up after ${attempts} attempts: ${result.reason}`,
            dueAt: null,
          };
        }
        const wait = Math.max(backoffMs(attempts), result.retryAfterMs ?? 0);
        return {
          ...base,
          status: "deferred",
          reason: result.reason,
          dueAt: toIso(this.deps.clock.now().getTime() + wait),
        };
      }
      case "failed":
        return {
          ...base,
          status: result.suppress && message.channel === "email" ? "bounced" : "failed",
          reason: result.reason,
          dueAt: null,
          suppress: result.suppress
            ? { channel: message.channel, address: out.address, reason: result.reason }
            : undefined,
        };
    }
  }
}

/** How SMS and LINE messages take their final shape: short tracked links; a product carousel. */
export function channelHooks(deps: Pick<DeliveryDeps, "db" | "clock" | "publicUrl">): RenderHooks {
  return {
    smsLinks: (shopId, messageId, text) =>
      shortenLinks(deps.db, {
        shopId,
        messageId,
        text,
        baseUrl: deps.publicUrl,
        now: toIso(deps.clock.now()),
      }),
    lineMessages: (text, products, altText) => ({
      kind: "line",
      messages: lineMessages(
        text,
        products.map((p) => ({ name: p.name, price: p.price, url: p.url, imageUrl: p.imageUrl })),
        altText,
      ) as unknown as Array<Record<string, unknown>>,
    }),
  };
}

/** Messages with identical content, in groups of at most `max` (one provider call each). */
function groupByContent<T extends { out: OutgoingMessage }>(items: T[], max: number): T[][] {
  const byContent = new Map<string, T[]>();
  for (const item of items) {
    const key = JSON.stringify(item.out.content);
    byContent.set(key, [...(byContent.get(key) ?? []), item]);
  }
  const groups: T[][] = [];
  for (const same of byContent.values())
    for (let i = 0; i < same.length; i += max) groups.push(same.slice(i, i + max));
  return groups;
}
