// Applies a bounce, complaint or unsubscribe report to the outbox, within the shops the report may
// speak for (the shop of the webhook URL, or the shops whose bounce/unsubscribe address it came to).
// Each report is claimed once by its id in webhook_receipts, and every change is also guarded by the
// state it changes (a message is bounced once, consent is withdrawn once), so a report applied twice,
// or two copies of one complaint, change nothing more.
import type { Clock } from "../../core/clock.js";
import { toIso } from "../../core/clock.js";
import { setConsents } from "../../customers/index.js";
import { type Db, inTransaction } from "../../db/index.js";
import { claimDelivery, type Delivery, setDeliveryOutcome } from "../../integrations/receipts.js";
import { recordMessageEvents } from "../outbox.js";
import { type InboundReport, type MessageRef, type RecipientStatus, statusClass } from "./report.js";

/** The webhook_receipts provider inbound reports are recorded under. */
export const INBOUND_PROVIDER = "email-inbound";

/** The `source` of consent changes made here, as consents and consent_log record them. */
export const INBOUND_CONSENT_SOURCES = {
  complaint: "complaint",
  mailtoUnsubscribe: "mailto-unsubscribe",
} as const;

/**
 * What became of a report. Besides the changes made: "unchanged" (about a known message, but in effect
 * applied already — the message bounced at SMTP time, say), "duplicate" (this very report was applied
 * before), "unmatched" (names no message of the shops it may speak for), "ignored" (not a report Kizuna
 * acts on: an auto-reply, a feedback report that is not about abuse).
 */
export const INBOUND_OUTCOMES = [
  "bounced",
  "soft_bounce",
  "delivered",
  "complaint",
  "unsubscribed",
  "unchanged",
  "duplicate",
  "unmatched",
  "ignored",
] as const;
export type InboundOutcome = (typeof INBOUND_OUTCOMES)[number];

export interface InboundResult {
  outcome: InboundOutcome;
  shopId: number | null;
  messageId: number | null;
}

interface SentMessage {
  id: number;
  shop_id: number;
  customer_id: number;
  /** Where it went: the only address a report about it may suppress. */
  address: string;
}

type Applied = Exclude<InboundOutcome, "duplicate" | "unmatched" | "ignored">;

export async function applyInboundReport(
  db: Db,
  clock: Clock,
  report: InboundReport,
  shopIds: readonly number[],
): Promise<InboundResult> {
  if (report.kind === "other") return { outcome: "ignored", shopId: null, messageId: null };
  const message = await findReportedMessage(db, report, shopIds);
  if (!message) return { outcome: "unmatched", shopId: null, messageId: null };
  const at = toIso(clock.now());
  const receipt: Delivery = {
    shopId: message.shop_id,
    provider: INBOUND_PROVIDER,
    webhookId: report.reportId,
    topic: report.kind,
  };
  const outcome = await inTransaction(db, async (trx): Promise<InboundOutcome> => {
    if (!(await claimDelivery(trx, clock, receipt))) return "duplicate";
    let applied: Applied;
    if (report.kind === "delivery-status") applied = await applyDeliveryStatus(trx, message, report, at);
    else if (report.kind === "complaint") applied = await applyComplaint(trx, clock, message, report, at);
    else applied = await applyUnsubscribe(trx, clock, message, at);
    if (applied === "unchanged") await setDeliveryOutcome(trx, receipt, "ignored");
    return applied;
  });
  return { outcome, shopId: message.shop_id, messageId: message.id };
}

/** The email message the report names, within `shopIds`; for an unsubscribe, only one sent to its sender. */
async function findReportedMessage(
  db: Db,
  report: Exclude<InboundReport, { kind: "other" }>,
  shopIds: readonly number[],
): Promise<SentMessage | null> {
  if (report.kind !== "unsubscribe") return findMessage(db, report.ref, shopIds);
  // A message id is a small sequential number anyone could write in a subject: it only counts when the
  // request comes from the address that message went to (or the customer's address now).
  if (report.ref.messageId !== null) {
    const named = await findMessage(db, report.ref, shopIds);
    return named && (await isSentTo(db, named, report.senders)) ? named : null;
  }
  for (const sender of report.senders) {
    const latest = await findMessage(db, { messageId: null, shopId: null, recipient: sender }, shopIds);
    if (latest) return latest;
  }
  return null;
}

// Only a message that went out can bounce or be complained about: a report naming one that never did
// (queued, suppressed, failed before the provider took it) is not about anything we sent.
const SENT_STATUSES = ["sent", "delivered", "bounced"] as const;

async function findMessage(db: Db, ref: MessageRef, shopIds: readonly number[]): Promise<SentMessage | null> {
  if (shopIds.length === 0 || (ref.messageId === null && ref.recipient === null)) return null;
  let query = db
    .selectFrom("messages")
    .select(["id", "shop_id", "customer_id", "address"])
    .where("channel", "=", "email")
    .where("shop_id", "in", [...shopIds])
    .where("status", "in", [...SENT_STATUSES])
    .where("address", "is not", null);
  if (ref.shopId !== null) query = query.where("shop_id", "=", ref.shopId);
  query =
    ref.messageId !== null
      ? query.where("id", "=", ref.messageId)
      : query.where("address", "=", ref.recipient!.toLowerCase()).orderBy("id", "desc").limit(1);
  const row = await query.executeTakeFirst();
  return row?.address ? { ...row, address: row.address } : null;
}

async function isSentTo(db: Db, message: SentMessage, senders: readonly string[]): Promise<boolean> {
  if (senders.includes(message.address.toLowerCase())) return true;
  const customer = await db
    .selectFrom("customers")
    .select("email")
    .where("shop_id", "=", message.shop_id)
    .where("id", "=", await currentCustomerId(db, message))
    .executeTakeFirst();
  return Boolean(customer?.email && senders.includes(customer.email.toLowerCase()));
}

/** The message's customer, or the profile it was since merged into (merges repoint tombstones: one hop). */
async function currentCustomerId(db: Db, message: SentMessage): Promise<number> {
  const row = await db
    .selectFrom("customers")
    .select("merged_into_id")
    .where("shop_id", "=", message.shop_id)
    .where("id", "=", message.customer_id)
    .executeTakeFirst();
  return row?.merged_into_id ?? message.customer_id;
}

async function applyDeliveryStatus(
  trx: Db,
  message: SentMessage,
  report: Extract<InboundReport, { kind: "delivery-status" }>,
  at: string,
): Promise<Applied> {
  // One message, one recipient: the block for the address it went to, else the first.
  const block = report.recipients.find((r) => r.recipient === message.address) ?? report.recipients[0];
  if (!block) return "unchanged";
  const detail = {
    report: report.reportId,
    action: block.action,
    status: block.status,
    diagnostic: block.diagnostic,
  };
  if (block.action === "delivered") return markDelivered(trx, message, detail, at);
  if (block.action === "failed" && statusClass(block.status) === "5")
    return hardBounce(trx, message, block, detail, at);
  if (block.action === "failed" || block.action === "delayed") {
    await recordMessageEvents(trx, [
      {
        shopId: message.shop_id,
        messageId: message.id,
        type: "soft_bounce",
        reason: describe(block),
        detail,
        at,
      },
    ]);
    return "soft_bounce";
  }
  return "unchanged"; // relayed, expanded: nothing is known about the mailbox
}

function describe(block: RecipientStatus): string {
  return `${block.action} ${block.status}${block.diagnostic ? ` ${block.diagnostic}` : ""}`.slice(0, 300);
}

async function markDelivered(trx: Db, message: SentMessage, detail: object, at: string): Promise<Applied> {
  const moved = await trx
    .updateTable("messages")
    .set({ status: "delivered", delivered_at: at, updated_at: at })
    .where("shop_id", "=", message.shop_id)
    .where("id", "=", message.id)
    .where("status", "=", "sent")
    .executeTakeFirst();
  if (Number(moved.numUpdatedRows) === 0) return "unchanged";
  await recordMessageEvents(trx, [
    { shopId: message.shop_id, messageId: message.id, type: "delivered", detail, at },
  ]);
  return "delivered";
}

async function hardBounce(
  trx: Db,
  message: SentMessage,
  block: RecipientStatus,
  detail: object,
  at: string,
): Promise<Applied> {
  const reason = `hard bounce: ${block.status}${block.diagnostic ? ` ${block.diagnostic}` : ""}`.slice(
    0,
    300,
  );
  const moved = await trx
    .updateTable("messages")
    .set({ status: "bounced", status_reason: reason, updated_at: at })
    .where("shop_id", "=", message.shop_id)
    .where("id", "=", message.id)
    .where("status", "in", ["sent", "delivered"])
    .executeTakeFirst();
  const bounced = Number(moved.numUpdatedRows) > 0;
  if (bounced) {
    await recordMessageEvents(trx, [
      { shopId: message.shop_id, messageId: message.id, type: "bounced", reason, detail, at },
    ]);
  }
  const suppressed = await suppress(trx, message.shop_id, message.address, reason, at);
  return bounced || suppressed ? "bounced" : "unchanged";
}

async function applyComplaint(
  trx: Db,
  clock: Clock,
  message: SentMessage,
  report: Extract<InboundReport, { kind: "complaint" }>,
  at: string,
): Promise<Applied> {
  const earlier = await trx
    .selectFrom("message_events")
    .select("id")
    .where("shop_id", "=", message.shop_id)
    .where("message_id", "=", message.id)
    .where("type", "=", "complaint")
    .executeTakeFirst();
  if (!earlier) {
    await recordMessageEvents(trx, [
      {
        shopId: message.shop_id,
        messageId: message.id,
        type: "complaint",
        reason: report.feedbackType,
        detail: { report: report.reportId },
        at,
      },
    ]);
  }
  const suppressed = await suppress(trx, message.shop_id, message.address, "complaint", at);
  const withdrawn = await withdrawEmailConsent(trx, clock, message, INBOUND_CONSENT_SOURCES.complaint, at);
  return !earlier || suppressed || withdrawn ? "complaint" : "unchanged";
}

async function applyUnsubscribe(trx: Db, clock: Clock, message: SentMessage, at: string): Promise<Applied> {
  const source = INBOUND_CONSENT_SOURCES.mailtoUnsubscribe;
  if (!(await withdrawEmailConsent(trx, clock, message, source, at))) return "unchanged";
  await recordMessageEvents(trx, [
    { shopId: message.shop_id, messageId: message.id, type: "unsubscribe", reason: source, at },
  ]);
  return "unsubscribed";
}

/** Puts the address on the shop's email suppression list; false when it was there already. */
async function suppress(
  trx: Db,
  shopId: number,
  address: string,
  reason: string,
  at: string,
): Promise<boolean> {
  const inserted = await trx
    .insertInto("suppressions")
    .values({ shop_id: shopId, channel: "email", address: address.toLowerCase(), reason, created_at: at })
    .onConflict((oc) => oc.columns(["shop_id", "channel", "address"]).doNothing())
    .returning("address")
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Turns the customer's email consent off (logged with `source`); false when it was off already. */
async function withdrawEmailConsent(
  trx: Db,
  clock: Clock,
  message: SentMessage,
  source: string,
  at: string,
): Promise<boolean> {
  const customerId = await currentCustomerId(trx, message);
  const current = await trx
    .selectFrom("consents")
    .select("granted")
    .where("shop_id", "=", message.shop_id)
    .where("customer_id", "=", customerId)
    .where("channel", "=", "email")
    .executeTakeFirst();
  if (current?.granted === 0) return false;
  await setConsents(trx, clock, message.shop_id, customerId, { email: false }, source, at);
  return true;
}
