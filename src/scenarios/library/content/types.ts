// The shape of the ready-made library's default messages: one template per scenario step, channel and
// locale. Bodies are Liquid; email bodies are MJML that is compiled after the Liquid render.

export type LibraryChannel = "email" | "line" | "sms";
export type LibraryLocale = "ja" | "en";
/**
 * "promotional" messages are 特定電子メール (advertising): they go only to customers who agreed to receive
 * them and carry the sender's identity and an opt-out. "transactional" ones are service information about
 * something the customer already bought, sent whatever the marketing consent.
 */
export type MessageClass = "promotional" | "transactional";

/**
 * One message of a library scenario, in one channel and locale. Bodies are Liquid templates.
 *
 * Email bodies escape their own output (every `{{ … }}` ends in `| escape`), so render them without
 * liquidjs' `outputEscape`, or values would be escaped twice. LINE and SMS bodies are plain text.
 */
export interface LibraryTemplate {
  /** Scenario key, e.g. "cart-abandonment". */
  scenario: string;
  /** Step id, e.g. "reminder-1h". */
  step: string;
  channel: LibraryChannel;
  locale: LibraryLocale;
  messageClass: MessageClass;
  /** Email only (Liquid). */
  subject?: string;
  /** Email only (Liquid); the same text is in the body's `<mj-preview>`. */
  preheader?: string;
  /**
   * email: an MJML document (`<mjml>…</mjml>`); line: plain text (≤ 5000 characters); sms: plain text,
   * Japanese within 70 characters (one UCS-2 segment) where the content allows, English within 160.
   */
  body: string;
}
