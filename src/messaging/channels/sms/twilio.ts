// SMS through Twilio's Programmable Messaging, with the official library. Twilio's error codes decide
// what becomes of a message: throttling, outages and rejected credentials are retried, a bad or
// opted-out number is suppressed, any other refusal fails that message alone.
import twilio from "twilio";
import { z } from "zod";
import type { ChannelAdapter, ProviderDefinition, SendResult } from "../types.js";
import {
  E164,
  endpointUrl,
  isSendResult,
  networkFailure,
  pacingShape,
  smsOf,
  withoutNumbers,
} from "./sms-provider.js";
import { TwilioApiError, TwilioTransport } from "./twilio-transport.js";

const ALPHANUMERIC_SENDER = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;
const sid = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}[0-9a-fA-F]{32}$`), `must be a ${prefix}… SID`);
const location = z.string().regex(/^[a-z0-9-]{2,20}$/);

export const twilioSettingsSchema = z
  .object({
    /** A Twilio number in E.164, or an alphanumeric sender id where the destination country allows one. */
    from: z
      .string()
      .refine(
        (v) => E164.test(v) || ALPHANUMERIC_SENDER.test(v),
        "must be E.164 or an alphanumeric sender id",
      )
      .optional(),
    messagingServiceSid: sid("MG").optional(),
    ...pacingShape,
    timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
    /** Twilio edge and region (e.g. "tokyo", "us1"): requests go to api.{edge}.{region}.twilio.com. */
    edge: location.optional(),
    region: location.optional(),
    /** Another API host, e.g. a local fake in tests: replaces https://api.twilio.com in every request. */
    apiBaseUrl: endpointUrl().optional(),
  })
  .refine((s) => s.from !== undefined || s.messagingServiceSid !== undefined, {
    message: "from or messagingServiceSid is required",
    path: ["from"],
  });

export const twilioSecretsSchema = z.union([
  z.object({ accountSid: sid("AC"), authToken: z.string().min(16) }),
  /** An API key acts for the account; the account SID still names it in every URL. */
  z.object({ accountSid: sid("AC"), apiKeySid: sid("SK"), apiKeySecret: z.string().min(16) }),
]);

export type TwilioSettings = z.infer<typeof twilioSettingsSchema>;
export type TwilioSecrets = z.infer<typeof twilioSecretsSchema>;

/** Twilio errors that say the number itself will never take our SMS. */
const SUPPRESSING_CODES = new Set([21211, 21614, 21610]);

/** Our own words for the codes we act on: Twilio's messages quote the phone number. */
const DESCRIPTIONS: Record<number, string> = {
  20003: "authentication failed",
  20429: "too many requests",
  21211: "invalid 'To' phone number",
  21408: "sending to this region is not enabled",
  21610: "recipient has opted out (STOP)",
  21614: "'To' is not a mobile number",
  21617: "body exceeds 1600 characters",
};

/** What a refused or failed request means for the message. */
export function twilioResult(err: unknown): SendResult {
  if (!(err instanceof TwilioApiError)) return networkFailure("twilio", err);
  const what = DESCRIPTIONS[err.code ?? 0] ?? withoutNumbers(err.detail).slice(0, 200);
  const reason = `twilio ${err.status}${err.code ? ` ${err.code}` : ""}${what ? `: ${what}` : ""}`;
  if (err.status === 429 || err.code === 20429 || err.status >= 500) {
    return err.retryAfterMs === undefined
      ? { status: "deferred", reason }
      : { status: "deferred", reason, retryAfterMs: err.retryAfterMs };
  }
  // Rejected credentials are the channel's problem, not the message's: kept for when they are fixed
  // (as SMTP's EAUTH is), and the reason says so for whoever pauses the channel.
  if (err.status === 401) return { status: "deferred", reason: `${reason} (credentials rejected)` };
  if (err.code !== undefined && SUPPRESSING_CODES.has(err.code)) {
    return { status: "failed", reason, suppress: true };
  }
  return { status: "failed", reason };
}

function createTwilioAdapter(settings: TwilioSettings, secrets: TwilioSecrets): ChannelAdapter {
  const transport = new TwilioTransport(settings.apiBaseUrl, {
    timeout: settings.timeoutMs,
    maxSockets: settings.concurrency,
    // The worker owns retries and pacing; the library must not sleep and retry behind its back.
    autoRetry: false,
  });
  const [username, password] =
    "authToken" in secrets
      ? [secrets.accountSid, secrets.authToken]
      : [secrets.apiKeySid, secrets.apiKeySecret];
  const client = twilio(username, password, {
    accountSid: secrets.accountSid,
    httpClient: transport,
    edge: settings.edge,
    region: settings.region,
    env: {},
  });
  const sender = {
    ...(settings.from !== undefined && { from: settings.from }),
    ...(settings.messagingServiceSid !== undefined && { messagingServiceSid: settings.messagingServiceSid }),
  };

  return {
    channel: "sms",
    concurrency: settings.concurrency,
    ratePerSecond: settings.ratePerSecond,
    async send(message) {
      const sms = smsOf(message);
      if (isSendResult(sms)) return sms;
      try {
        const created = await client.messages.create({ to: sms.to, body: sms.text, ...sender });
        return { status: "sent", providerId: created.sid };
      } catch (err) {
        return twilioResult(err);
      }
    },
    async verify() {
      let account: { status: string };
      try {
        account = await client.api.v2010.accounts(secrets.accountSid).fetch();
      } catch (err) {
        const result = twilioResult(err);
        throw new Error(`twilio account check failed: ${"reason" in result ? result.reason : "unknown"}`);
      }
      if (account.status !== "active") throw new Error(`twilio account is ${account.status}`);
    },
    async close() {
      transport.close();
    },
  };
}

export const twilioSmsProvider: ProviderDefinition<TwilioSettings, TwilioSecrets> = {
  channel: "sms",
  provider: "twilio",
  settingsSchema: twilioSettingsSchema,
  secretsSchema: twilioSecretsSchema,
  create: createTwilioAdapter,
};
