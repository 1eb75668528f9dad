// The LINE channel as a provider: push for one recipient, multicast for up to 500 recipients of the
// same content, through @line/bot-sdk's MessagingApiClient. Every send carries a retry key derived from
// the outbox, so a retry after a crash or a timeout is dropped by LINE (409) instead of sent twice.
import { messagingApi } from "@line/bot-sdk";
import { ValidationError } from "../../../core/errors.js";
import type { GroupSendingAdapter, OutgoingMessage, ProviderDefinition, SendResult } from "../types.js";
import { lineMessagesProblem } from "./flex.js";
import { isRecipientRefusal, lineSendFailure, withTimeout } from "./responses.js";
import { multicastRetryKey, pushRetryKey } from "./retry-key.js";
import { type LineSecrets, type LineSettings, lineSecretsSchema, lineSettingsSchema } from "./settings.js";

/** LINE's multicast takes at most 500 user ids per request. */
export const LINE_MULTICAST_MAX = 500;

type Messages = messagingApi.Message[];

/** The message objects to send, or why there are none. */
function contentOf(message: OutgoingMessage): Messages | string {
  if (message.content.kind !== "line") return `LINE cannot send ${message.content.kind} content`;
  const problem = lineMessagesProblem(message.content.messages);
  // Checked above: each has a type, and the Messaging API validates the rest of each object.
  return problem ?? (message.content.messages as unknown as Messages);
}

/** Runs `task` over `items`, at most `width` at a time, keeping the order of results. */
async function mapLimited<T, R>(
  items: readonly T[],
  width: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
  return results;
}

export class LineAdapter implements GroupSendingAdapter {
  readonly channel = "line" as const;
  readonly maxGroup = LINE_MULTICAST_MAX;
  readonly concurrency: number;
  readonly ratePerSecond: number;
  private readonly client: messagingApi.MessagingApiClient;

  constructor(
    private readonly settings: LineSettings,
    secrets: LineSecrets,
  ) {
    this.concurrency = settings.concurrency;
    this.ratePerSecond = settings.ratePerSecond;
    this.client = new messagingApi.MessagingApiClient({
      channelAccessToken: secrets.channelAccessToken,
      baseURL: settings.apiBaseUrl,
    });
  }

  async send(message: OutgoingMessage): Promise<SendResult> {
    const messages = contentOf(message);
    if (typeof messages === "string") return { status: "failed", reason: messages };
    try {
      const { httpResponse } = await this.timed(
        this.client.pushMessageWithHttpInfo({ to: message.address, messages }, pushRetryKey(message)),
      );
      return { status: "sent", providerId: httpResponse.headers.get("x-line-request-id") ?? undefined };
    } catch (err) {
      return lineSendFailure(err);
    }
  }

  /**
   * One multicast per 500 recipients. LINE takes or refuses a multicast whole; when it refuses one
   * because of a recipient, each message is pushed on its own so only the bad ids fail.
   */
  async sendGroup(messages: OutgoingMessage[]): Promise<SendResult[]> {
    if (messages.length <= 1 || !sameContent(messages)) return this.sendEach(messages);
    const results: SendResult[] = [];
    for (let i = 0; i < messages.length; i += LINE_MULTICAST_MAX) {
      results.push(...(await this.multicast(messages.slice(i, i + LINE_MULTICAST_MAX))));
    }
    return results;
  }

  private async multicast(group: OutgoingMessage[]): Promise<SendResult[]> {
    const messages = contentOf(group[0]);
    if (typeof messages === "string") return group.map(() => ({ status: "failed", reason: messages }));
    // Two outbox messages for one LINE user (profiles sharing an id) reach that user once.
    const to = [...new Set(group.map((m) => m.address))];
    try {
      const { httpResponse } = await this.timed(
        this.client.multicastWithHttpInfo({ to, messages }, multicastRetryKey(group)),
      );
      const providerId = httpResponse.headers.get("x-line-request-id") ?? undefined;
      return group.map(() => ({ status: "sent", providerId }));
    } catch (err) {
      if (isRecipientRefusal(err)) return this.sendEach(group);
      const result = lineSendFailure(err);
      return group.map(() => result);
    }
  }

  private sendEach(messages: OutgoingMessage[]): Promise<SendResult[]> {
    return mapLimited(messages, this.concurrency, (m) => this.send(m));
  }

  /** Reads the bot's profile: proves the token, and that botBasicId (if set) is this channel's bot. */
  async verify(): Promise<void> {
    let info: messagingApi.BotInfoResponse;
    try {
      info = await this.timed(this.client.getBotInfo());
    } catch (err) {
      const result = lineSendFailure(err);
      const reason = result.status === "sent" ? "unexpected 409" : result.reason;
      if (result.status === "failed") throw ValidationError.field("channelAccessToken", reason);
      throw new Error(`LINE could not be reached to check the channel: ${reason}`);
    }
    const { botBasicId } = this.settings;
    if (botBasicId && botBasicId !== info.basicId && botBasicId !== info.premiumId) {
      const ids = [info.basicId, info.premiumId].filter(Boolean).join(" or ");
      throw ValidationError.field("botBasicId", `is ${botBasicId}, but this channel's bot is ${ids}`);
    }
  }

  async close(): Promise<void> {
    // Node's fetch keeps no connection of ours open beyond its shared pool: nothing to release.
  }

  private timed<T>(call: Promise<T>): Promise<T> {
    return withTimeout(call, this.settings.timeoutMs);
  }
}

function sameContent(messages: readonly OutgoingMessage[]): boolean {
  const first = JSON.stringify(messages[0].content);
  return messages.every((m) => m.shopId === messages[0].shopId && JSON.stringify(m.content) === first);
}

export const lineProvider: ProviderDefinition<LineSettings, LineSecrets> = {
  channel: "line",
  provider: "line",
  settingsSchema: lineSettingsSchema,
  secretsSchema: lineSecretsSchema,
  create: (settings, secrets) => new LineAdapter(settings, secrets),
};
