// The short answer a customer gets in the chat after sending a link code, so the person at the store
// counter sees at once whether it worked. Replies are free (they do not count against the quota) and
// best-effort: a reply that fails is logged and never fails the webhook.
import { messagingApi } from "@line/bot-sdk";
import type { Logger } from "../../../core/logger.js";
import type { RedeemOutcome } from "./link-codes.js";
import { readLineErrorBody, withTimeout } from "./responses.js";
import type { LineSecrets, LineSettings } from "./settings.js";

/** LINE waits for the webhook's answer while replies go out: they get a short timeout of their own. */
const REPLY_TIMEOUT_MS = 2000;

export interface PendingReply {
  replyToken: string;
  outcome: RedeemOutcome;
}

const TEXTS: Record<"ja" | "en", Record<RedeemOutcome, string>> = {
  ja: {
    linked: "LINEと会員情報の連携が完了しました。ありがとうございます。",
    "already-linked": "このLINEアカウントはすでに連携済みです。",
    used: "このコードはすでに使用されています。お手数ですが、新しいコードを発行してください。",
    expired: "このコードは有効期限が切れています。お手数ですが、新しいコードを発行してください。",
    unknown: "コードが見つかりませんでした。お手数ですが、新しいコードを発行してください。",
  },
  en: {
    linked: "Your LINE account is now linked to your membership. Thank you!",
    "already-linked": "This LINE account is already linked.",
    used: "This code has already been used. Please ask for a new one.",
    expired: "This code has expired. Please ask for a new one.",
    unknown: "We could not find this code. Please ask for a new one.",
  },
};

export function replyText(outcome: RedeemOutcome, locale: string): string {
  return TEXTS[locale.toLowerCase().startsWith("ja") ? "ja" : "en"][outcome];
}

/** Sends the replies one after another (a webhook carries few), logging failures without personal data. */
export async function sendReplies(
  settings: LineSettings,
  secrets: LineSecrets,
  locale: string,
  replies: readonly PendingReply[],
  logger: Logger,
  shopId: number,
): Promise<void> {
  if (replies.length === 0) return;
  const client = new messagingApi.MessagingApiClient({
    channelAccessToken: secrets.channelAccessToken,
    baseURL: settings.apiBaseUrl,
  });
  for (const reply of replies) {
    try {
      await withTimeout(
        client.replyMessage({
          replyToken: reply.replyToken,
          messages: [{ type: "text", text: replyText(reply.outcome, locale) }],
        }),
        Math.min(settings.timeoutMs, REPLY_TIMEOUT_MS),
      );
    } catch (err) {
      const status = (err as { status?: unknown }).status;
      const body = (err as { body?: unknown }).body;
      logger.warn(
        {
          shopId,
          outcome: reply.outcome,
          status: typeof status === "number" ? status : undefined,
          lineMessage: typeof body === "string" ? readLineErrorBody(body).message : undefined,
          error: err instanceof Error ? err.name : undefined,
        },
        "LINE reply to a link code could not be sent",
      );
    }
  }
}
