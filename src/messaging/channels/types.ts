// One interface for every provider: the delivery worker hands an adapter a rendered message addressed
// to one recipient, and the adapter says what became of it. Adapters know their provider's protocol and
// error codes; the worker owns retries, suppressions, rate limits and the outbox's states.
import type { Channel } from "../../db/index.js";

export interface RenderedEmail {
  kind: "email";
  subject: string;
  html: string;
  text: string;
}

export interface RenderedText {
  kind: "text";
  /** SMS text, with its links already shortened and tracked. */
  text: string;
}

export interface RenderedLine {
  kind: "line";
  /** LINE message objects as the Messaging API takes them (text, flex), at most 5. */
  messages: Array<Record<string, unknown>>;
}

export interface RenderedPush {
  kind: "push";
  title: string;
  body: string;
  url: string;
  icon?: string;
}

export type RenderedContent = RenderedEmail | RenderedText | RenderedLine | RenderedPush;

export interface OutgoingMessage {
  /** The outbox row's id. */
  id: number;
  shopId: number;
  customerId: number;
  channel: Channel;
  messageClass: "promotional" | "transactional";
  /** Email address, E.164 phone number, LINE user id, or push subscription endpoint. */
  address: string;
  /**
   * The RFC 5322 Message-ID (with angle brackets): derived from the outbox id, so a message sent again
   * after a crash carries the same one and receivers can drop the repeat.
   */
  headerMessageId: string;
  /** List-Unsubscribe targets; promotional email must have both. */
  unsubscribe?: { url: string; mailto?: string };
  content: RenderedContent;
}

export type SendResult =
  /** Handed over: the provider accepted it. */
  | { status: "sent"; providerId?: string }
  /** Transient: try again later (429, 5xx, timeouts, 4xx SMTP replies). */
  | { status: "deferred"; reason: string; retryAfterMs?: number }
  /** Permanent: never retried. `suppress` adds the address to the suppression list (invalid, blocked). */
  | { status: "failed"; reason: string; suppress?: boolean };

export interface ChannelAdapter {
  readonly channel: Channel;
  /** How many sends may be in flight at once: the connection pool's width. */
  readonly concurrency: number;
  /** Sustained sends per second the provider allows (token bucket refill rate). */
  readonly ratePerSecond: number;
  send(message: OutgoingMessage): Promise<SendResult>;
  /** Checks the connection and credentials without sending (the settings page's "test" button). */
  verify(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Some providers take one message for many recipients in one call (LINE multicast: 500). The worker
 * gives such an adapter the messages of a batch whose rendered content is identical, up to maxGroup.
 */
export interface GroupSendingAdapter extends ChannelAdapter {
  readonly maxGroup: number;
  sendGroup(messages: OutgoingMessage[]): Promise<SendResult[]>;
}

export function sendsGroups(adapter: ChannelAdapter): adapter is GroupSendingAdapter {
  return typeof (adapter as Partial<GroupSendingAdapter>).sendGroup === "function";
}

/**
 * A provider Kizuna can send through: its settings (shown back to the shop) and secrets (sealed, never
 * shown) as zod schemas, and how to make an adapter from them. One per provider, listed in registry.ts.
 */
export interface ProviderDefinition<Settings = unknown, Secrets = unknown> {
  channel: Channel;
  /** e.g. "smtp", "twilio", "http", "line", "web-push". */
  provider: string;
  settingsSchema: import("zod").ZodType<Settings>;
  secretsSchema: import("zod").ZodType<Secrets>;
  create(settings: Settings, secrets: Secrets): ChannelAdapter;
}
