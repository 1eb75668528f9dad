// One LINE webhook request, already verified: each event is applied once, in its own transaction with
// its receipt (keyed by webhookEventId, which a redelivery keeps), so a redelivered or repeated event
// changes nothing. Handled: follow and unfollow (consent and suppression) and text messages carrying a
// link code; everything else is acknowledged and ignored. User ids never reach the logs.
import { z } from "zod";
import type { Clock } from "../../../core/clock.js";
import type { Logger } from "../../../core/logger.js";
import { type Db, inTransaction, type WebhookOutcome } from "../../../db/index.js";
import { claimDelivery, type Delivery, setDeliveryOutcome } from "../../../integrations/receipts.js";
import { applyFriendship } from "./friendship.js";
import { linkCodeIn, redeemLinkCode } from "./link-codes.js";
import type { PendingReply } from "./replies.js";

/** LINE user ids: "U" and 32 hex digits. */
const LINE_USER_ID = /^U[0-9a-f]{32}$/;

const eventSchema = z.looseObject({
  type: z.string(),
  webhookEventId: z.string().min(1).max(200),
  timestamp: z.number(),
  mode: z.string().optional(),
  deliveryContext: z.looseObject({ isRedelivery: z.boolean() }).optional(),
  source: z.looseObject({ type: z.string(), userId: z.string().optional() }).optional(),
  replyToken: z.string().optional(),
  message: z.looseObject({ type: z.string(), text: z.string().optional() }).optional(),
});
type LineEvent = z.infer<typeof eventSchema>;

export const lineWebhookBodySchema = z.looseObject({
  destination: z.string().optional(),
  events: z.array(z.unknown()),
});

export type EventResult = WebhookOutcome | "duplicate" | "unreadable";

export interface WebhookDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
}

export interface WebhookSummary {
  outcomes: Partial<Record<EventResult, number>>;
  /** Answers to link codes, to send once the events are stored. */
  replies: PendingReply[];
}

/** The sender, when the event comes from a LINE user in a one-to-one chat. */
function userOf(event: LineEvent): string | null {
  const userId = event.source?.type === "user" ? event.source.userId : undefined;
  return userId && LINE_USER_ID.test(userId) ? userId : null;
}

interface Applied {
  outcome: WebhookOutcome;
  reply?: PendingReply;
}

async function applyEvent(trx: Db, clock: Clock, shopId: number, event: LineEvent): Promise<Applied> {
  const lineUserId = userOf(event);
  if (!lineUserId) return { outcome: "ignored" };
  if (event.type === "follow" || event.type === "unfollow") {
    const at = new Date(event.timestamp);
    return {
      outcome: await applyFriendship(trx, clock, {
        shopId,
        lineUserId,
        following: event.type === "follow",
        at,
      }),
    };
  }
  const code =
    event.type === "message" && event.message?.type === "text" ? linkCodeIn(event.message.text ?? "") : null;
  if (!code) return { outcome: "ignored" };
  const redeemed = await redeemLinkCode(trx, clock, shopId, code, lineUserId);
  // A redelivered event's reply token may have lapsed, and a standby channel must not reply.
  const replyToken =
    event.deliveryContext?.isRedelivery || event.mode === "standby" ? undefined : event.replyToken;
  return {
    outcome: redeemed === "linked" ? "processed" : "ignored",
    reply: replyToken ? { replyToken, outcome: redeemed } : undefined,
  };
}

export async function handleLineWebhook(
  deps: WebhookDeps,
  shopId: number,
  events: unknown[],
): Promise<WebhookSummary> {
  const summary: WebhookSummary = { outcomes: {}, replies: [] };
  const count = (result: EventResult) => {
    summary.outcomes[result] = (summary.outcomes[result] ?? 0) + 1;
  };
  for (const raw of events) {
    const parsed = eventSchema.safeParse(raw);
    if (!parsed.success) {
      // Without a webhookEventId an event cannot be applied exactly once: it is not applied at all.
      count("unreadable");
      continue;
    }
    const event = parsed.data;
    const delivery: Delivery = {
      shopId,
      provider: "line",
      webhookId: event.webhookEventId,
      topic: event.type,
    };
    const result = await inTransaction(deps.db, async (trx): Promise<Applied | "duplicate"> => {
      if (!(await claimDelivery(trx, deps.clock, delivery))) return "duplicate";
      const applied = await applyEvent(trx, deps.clock, shopId, event);
      if (applied.outcome !== "processed") await setDeliveryOutcome(trx, delivery, applied.outcome);
      return applied;
    });
    if (result === "duplicate") {
      count("duplicate");
      continue;
    }
    count(result.outcome);
    if (result.reply) summary.replies.push(result.reply);
  }
  deps.logger.debug({ shopId, outcomes: summary.outcomes }, "LINE webhook applied");
  return summary;
}
