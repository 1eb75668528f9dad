// "Send a test" from the template editor: the draft rendered for a chosen customer (as the preview
// shows it) and sent through the shop's own provider to the marketer's own address, so the mail client,
// the phone or the LINE app shows what customers will get. It is not a message to a customer: nothing
// enters the outbox, the customer's caps and statistics are untouched, links are not tracked, and the
// subject says it is a test.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Clock } from "../core/clock.js";
import { ConflictError, ValidationError } from "../core/errors.js";
import type { Db } from "../db/index.js";
import { messageIdDomain } from "./channels/email/smtp.js";
import { providerFor } from "./channels/registry.js";
import { openChannelSettings } from "./channels/settings.js";
import type { RenderedContent, SendResult } from "./channels/types.js";
import { type DraftInput, draftInputSchema, renderDraft } from "./draft-render.js";

export const TEST_SEND_CHANNELS = ["email", "sms", "line"] as const;

/** Where a test may go, per channel: the address forms the providers take. */
const ADDRESS: Record<(typeof TEST_SEND_CHANNELS)[number], { pattern: RegExp; says: string }> = {
  email: { pattern: /^[^\s@]+@[^\s@]+\.[^\s@]+$/, says: "an email address" },
  sms: { pattern: /^\+[1-9]\d{6,14}$/, says: "a phone number in E.164 form, e.g. +819012345678" },
  line: { pattern: /^U[0-9a-f]{32}$/, says: "a LINE user id (U and 32 hex digits)" },
};

export const testSendSchema = draftInputSchema.extend({
  to: z.string().trim().min(1).max(320).describe("The marketer's own address on the channel"),
});
export type TestSendInput = z.infer<typeof testSendSchema>;

export interface TestSendOutcome {
  status: SendResult["status"];
  reason?: string;
  subject: string | null;
}

const TEST_MARK = { ja: "[テスト] ", en: "[TEST] " } as const;

export async function sendTest(
  db: Db,
  clock: Clock,
  instanceSecret: string,
  publicBase: string,
  shopId: number,
  input: TestSendInput,
): Promise<TestSendOutcome> {
  const channel = input.channel;
  if (!(TEST_SEND_CHANNELS as readonly string[]).includes(channel)) {
    throw ValidationError.field("channel", `a test can be sent by ${TEST_SEND_CHANNELS.join(", ")}`);
  }
  const rule = ADDRESS[channel as (typeof TEST_SEND_CHANNELS)[number]];
  if (!rule.pattern.test(input.to)) throw ValidationError.field("to", `give ${rule.says}`);

  const draft = await renderDraft(db, clock, publicBase, shopId, input as DraftInput);
  const stored = await openChannelSettings(db, shopId, channel, instanceSecret);
  if (!stored) throw new ConflictError(`${channel} is not set up for this shop (Settings → Channels)`);
  const provider = providerFor(channel, stored.provider);
  if (!provider) throw new ConflictError(`unknown ${channel} provider "${stored.provider}"`);

  const mark = TEST_MARK[input.locale === "en" ? "en" : "ja"];
  const subject = draft.subject === null ? null : `${mark}${draft.subject}`;
  const content: RenderedContent =
    channel === "email"
      ? { kind: "email", subject: subject ?? mark.trim(), html: draft.html ?? "", text: draft.text }
      : channel === "line"
        ? { kind: "line", messages: markFirstText(draft.line ?? [{ type: "text", text: draft.text }], mark) }
        : { kind: "text", text: `${mark}${draft.text}` };

  const settings = provider.settingsSchema.parse(stored.settings);
  const adapter = provider.create(settings, provider.secretsSchema.parse(stored.secrets));
  try {
    const result = await adapter.send({
      id: 0,
      shopId,
      customerId: 0,
      channel,
      messageClass: input.messageClass,
      address: input.to,
      headerMessageId: `<kizuna.test.${randomUUID()}@${messageIdDomain(settings as { fromAddress?: string })}>`,
      unsubscribe: input.messageClass === "promotional" ? { url: `${publicBase}/u/preview` } : undefined,
      content,
    });
    return { status: result.status, reason: "reason" in result ? result.reason : undefined, subject };
  } finally {
    await adapter.close();
  }
}

/** The test mark goes in front of the first text message; cards stay as customers will see them. */
function markFirstText(
  messages: Array<Record<string, unknown>>,
  mark: string,
): Array<Record<string, unknown>> {
  return messages.map((m, i) =>
    i === 0 && m.type === "text" ? { ...m, text: `${mark}${String(m.text)}` } : m,
  );
}
