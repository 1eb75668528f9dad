// What a shop's LINE channel is made of: settings that may be shown (bot id, rate, concurrency, where
// the API is) and the credentials, which channel_settings keeps sealed. The schemas are the provider's,
// so the settings writer validates with them and the webhook reads with them.
import { z } from "zod";

/**
 * LINE allows 2,000 requests a second for push but only 200 for multicast, per channel, and asks
 * senders to stay well under the limit because several processes share it. 100 a second stays under
 * the multicast limit even with two workers, and is more push messages an hour (360,000) than a
 * shop's monthly quota is likely to allow in a month.
 */
export const LINE_DEFAULT_RATE_PER_SECOND = 100;
export const LINE_DEFAULT_CONCURRENCY = 8;
export const LINE_DEFAULT_TIMEOUT_MS = 10_000;

/** A basic id ("@123abcde") or premium id ("@kizuna"), with its "@". */
const botBasicId = z
  .string()
  .regex(/^@[a-z0-9._-]{1,40}$/i, { error: 'must be the bot\'s LINE id with its "@", e.g. @kizuna' });

export const lineSettingsSchema = z.object({
  /** Basic or premium id of the LINE Official Account: link codes open a chat with it. */
  botBasicId: botBasicId.optional(),
  ratePerSecond: z.number().positive().max(2000).default(LINE_DEFAULT_RATE_PER_SECOND),
  concurrency: z.number().int().min(1).max(64).default(LINE_DEFAULT_CONCURRENCY),
  /** Where the Messaging API is (tests point this at a local server); LINE's own by default. */
  apiBaseUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** How long one API call may take before it counts as a timeout (retried with the same retry key). */
  timeoutMs: z.number().int().min(100).max(60_000).default(LINE_DEFAULT_TIMEOUT_MS),
});

export const lineSecretsSchema = z.object({
  /** Long-lived channel access token (LINE Developers console → Messaging API). */
  channelAccessToken: z.string().min(1).max(1000),
  /** Channel secret (Basic settings): signs the webhooks LINE sends us. */
  channelSecret: z.string().min(1).max(200),
});

export type LineSettings = z.output<typeof lineSettingsSchema>;
export type LineSecrets = z.output<typeof lineSecretsSchema>;
