// What an inbound mail or a provider's webhook says about a message we sent, in one shape: the mail
// parser (dsn.ts) and the JSON webhook (webhook-events.ts) both produce it, and apply.ts is the one
// place that turns it into message states, suppressions and consents.

/** How a report names the message it is about. Several sources may agree; none may contradict. */
export interface MessageRef {
  /** The outbox message id (from VERP, the original Message-ID, an unsubscribe subject, a webhook). */
  messageId: number | null;
  /** The shop the original Message-ID names; the message must belong to it. */
  shopId: number | null;
  /** Without an id: the address whose latest message is meant (a webhook naming only the recipient). */
  recipient: string | null;
}

export const DSN_ACTIONS = ["failed", "delayed", "delivered", "relayed", "expanded"] as const;
export type DsnAction = (typeof DSN_ACTIONS)[number];

/** One recipient's block of a delivery status notification (RFC 3464 §2.3). */
export interface RecipientStatus {
  action: DsnAction;
  /** The enhanced status code, e.g. "5.1.1" (RFC 3463): 5 permanent, 4 transient, 2 success. */
  status: string;
  /** The remote server's reply, without its "smtp;" type prefix. */
  diagnostic: string | null;
  /** Final-Recipient (else Original-Recipient), lower-cased. */
  recipient: string | null;
}

interface ReportBase {
  /**
   * Identifies this report, so the same report received twice (retried, or through both the SMTP
   * listener and the webhook) is applied once: the report's own Message-ID or provider event id, else
   * a hash of its bytes.
   */
  reportId: string;
}

export type InboundReport =
  | (ReportBase & { kind: "delivery-status"; ref: MessageRef; recipients: RecipientStatus[] })
  | (ReportBase & { kind: "complaint"; ref: MessageRef; feedbackType: string })
  /** A mail to the List-Unsubscribe mailto; `senders` are who it came from (From and envelope). */
  | (ReportBase & { kind: "unsubscribe"; ref: MessageRef; senders: string[] })
  /** Anything else (an auto-reply, a report type we do not act on): acknowledged and ignored. */
  | (ReportBase & { kind: "other"; note: string });

/** Transient (4), permanent (5) or success (2), from an enhanced status code. */
export function statusClass(status: string): "2" | "4" | "5" | null {
  const c = status.trim()[0];
  return c === "2" || c === "4" || c === "5" ? c : null;
}
