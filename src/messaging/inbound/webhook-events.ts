// The JSON bounce webhook, for email services that report bounces and complaints as events rather than
// as mail (or for a small relay translating theirs). One event per request:
//   { "id": "evt-1", "messageId": 12 | "<kizuna.3.12@shop.jp>", "recipient": "a@example.jp",
//     "type": "bounce" | "complaint" | "delivered", "permanent": true, "status": "5.1.1",
//     "diagnostic": "550 5.1.1 user unknown" }
// Either messageId or recipient names the message (recipient: the latest one sent to that address).
import { createHash } from "node:crypto";
import { z } from "zod";
import { kizunaMessageId } from "./fields.js";
import type { InboundReport, MessageRef } from "./report.js";

export const bounceEventSchema = z
  .object({
    id: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe("The provider's event id: an event delivered again with the same id is applied once"),
    messageId: z
      .union([z.number().int().positive(), z.string().min(1).max(300)])
      .optional()
      .describe("Kizuna's message id (X-Kizuna-Message), or the Message-ID header <kizuna.…@…>"),
    recipient: z.string().email().max(254).optional().describe("Without messageId: the address bounced"),
    type: z.enum(["bounce", "complaint", "delivered"]),
    permanent: z
      .boolean()
      .default(false)
      .describe("For a bounce: true suppresses the address (hard bounce); false is a soft bounce"),
    status: z
      .string()
      .regex(/^[245]\.\d{1,3}\.\d{1,3}$/)
      .optional()
      .describe("Enhanced status code (RFC 3463), e.g. 5.1.1"),
    diagnostic: z.string().max(1000).optional().describe("The receiving server's reply"),
  })
  .refine((e) => e.messageId !== undefined || e.recipient !== undefined, {
    message: "name the message: messageId or recipient",
    path: ["messageId"],
  });

export type BounceEvent = z.output<typeof bounceEventSchema>;

function refOf(event: BounceEvent): MessageRef | null {
  const recipient = event.recipient?.toLowerCase() ?? null;
  if (event.messageId === undefined) return { messageId: null, shopId: null, recipient };
  if (typeof event.messageId === "number") return { messageId: event.messageId, shopId: null, recipient };
  if (/^\d{1,15}$/.test(event.messageId.trim()))
    return { messageId: Number(event.messageId.trim()), shopId: null, recipient };
  const named = kizunaMessageId(event.messageId);
  return named ? { ...named, recipient } : null;
}

/** The event as a report; null when its messageId is no id of ours (so it names nothing). */
export function reportFromEvent(event: BounceEvent, rawBody: Buffer): InboundReport | null {
  const ref = refOf(event);
  if (!ref) return null;
  const reportId = event.id
    ? `event:${event.id}`
    : `sha256:${createHash("sha256").update(rawBody).digest("hex")}`;
  if (event.type === "complaint") return { kind: "complaint", reportId, ref, feedbackType: "abuse" };
  const diagnostic = event.diagnostic?.slice(0, 500) ?? null;
  if (event.type === "delivered") {
    return {
      kind: "delivery-status",
      reportId,
      ref,
      recipients: [{ action: "delivered", status: "2.0.0", diagnostic, recipient: ref.recipient }],
    };
  }
  // `permanent` decides; a status code of the other class is replaced by the generic one.
  const wanted = event.permanent ? "5" : "4";
  const status = event.status?.startsWith(wanted) ? event.status : `${wanted}.0.0`;
  return {
    kind: "delivery-status",
    reportId,
    ref,
    recipients: [{ action: "failed", status, diagnostic, recipient: ref.recipient }],
  };
}
