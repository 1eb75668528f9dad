// The "web-push" provider: sends a push message to one browser through its push service (RFC 8030),
// the payload encrypted for that browser (RFC 8291, aes128gcm) and the request signed with the shop's
// VAPID key (RFC 8292). The push service's answer decides what becomes of the message.
import { createECDH } from "node:crypto";
import type { Agent } from "node:https";
import webpush from "web-push";
import { z } from "zod";
import { type Clock, systemClock } from "../../../core/clock.js";
import type { ChannelAdapter, OutgoingMessage, ProviderDefinition, SendResult } from "../types.js";
import { decodePushAddress } from "./subscription.js";
import {
  vapidPrivateKeySchema,
  vapidPublicKeySchema,
  vapidSubjectSchema,
  WEB_PUSH_PROVIDER,
} from "./vapid.js";

const ONE_DAY_S = 86_400;
// Push services keep a message four weeks at most (RFC 8030 leaves it to them; FCM's limit).
const MAX_TTL_S = 28 * ONE_DAY_S;
// Push services take at most 4096 bytes of body; aes128gcm adds an 86-byte header, a padding
// delimiter and a 16-byte tag to the one record.
export const MAX_PUSH_PAYLOAD_BYTES = 4096 - 86 - 1 - 16;
const REQUEST_TIMEOUT_MS = 30_000;

export const webPushSettingsSchema = z.object({
  vapidPublicKey: vapidPublicKeySchema,
  subject: vapidSubjectSchema,
  /** How long the push service keeps a message for a browser that is offline. */
  ttlSeconds: z.number().int().min(0).max(MAX_TTL_S).default(ONE_DAY_S),
  concurrency: z.number().int().min(1).max(500).default(50),
  ratePerSecond: z.number().min(0.1).max(10_000).default(200),
});
export type WebPushSettings = z.infer<typeof webPushSettingsSchema>;

export const webPushSecretsSchema = z.object({ vapidPrivateKey: vapidPrivateKeySchema });
export type WebPushSecrets = z.infer<typeof webPushSecretsSchema>;

/** What the notification shows: the payload the service worker (kizuna-sw.js) reads. */
export interface PushPayload {
  title: string;
  body: string;
  url: string;
  icon?: string;
}

export interface WebPushAdapterOptions {
  /** For Retry-After given as a date. */
  clock?: Clock;
  /** An https.Agent of its own (tests trust their local push service's certificate through one). */
  agent?: Agent;
}

/** Retry-After as seconds or an HTTP date, in milliseconds from now. */
function retryAfterMs(header: string | string[] | undefined, clock: Clock): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - clock.now().getTime());
}

/** The parts of web-push's WebPushError the mapping reads: the push service's answer. */
export interface PushServiceAnswer {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** The push service's refusal, mapped to the outbox's outcomes. */
export function resultOfPushError(err: PushServiceAnswer, clock: Clock): SendResult {
  const status = err.statusCode;
  // The service's own words help the shop (e.g. "VAPID credentials do not match"); they carry no
  // personal data, but are kept short.
  const said = err.body ? `: ${err.body.replace(/\s+/g, " ").trim().slice(0, 200)}` : "";
  const reason = `push service ${status}${said}`;
  if (status === 404 || status === 410) {
    // The browser unsubscribed or the subscription expired: it will never work again.
    return { status: "failed", reason: `subscription gone (${reason})`, suppress: true };
  }
  if (status === 429 || status >= 500) {
    const wait = retryAfterMs(err.headers["retry-after"], clock);
    return wait === undefined
      ? { status: "deferred", reason }
      : { status: "deferred", reason, retryAfterMs: wait };
  }
  // 400 malformed, 403 wrong VAPID key for this subscription, 413 payload too large, and the rest.
  return { status: "failed", reason };
}

function payloadOf(message: OutgoingMessage): PushPayload | null {
  const content = message.content;
  if (content.kind !== "push") return null;
  const payload: PushPayload = { title: content.title, body: content.body, url: content.url };
  if (content.icon) payload.icon = content.icon;
  return payload;
}

/** The public key a private key belongs to, to catch a pair that was pasted mismatched. */
function publicKeyOf(privateKey: string): string {
  const ecdh = createECDH("prime256v1");
  ecdh.setPrivateKey(Buffer.from(privateKey, "base64url"));
  return ecdh.getPublicKey().toString("base64url");
}

export function createWebPushAdapter(
  settings: WebPushSettings,
  secrets: WebPushSecrets,
  options: WebPushAdapterOptions = {},
): ChannelAdapter {
  const clock = options.clock ?? systemClock;
  const vapidDetails = {
    subject: settings.subject,
    publicKey: settings.vapidPublicKey,
    privateKey: secrets.vapidPrivateKey,
  };

  return {
    channel: "push",
    concurrency: settings.concurrency,
    ratePerSecond: settings.ratePerSecond,

    async send(message) {
      const payload = payloadOf(message);
      if (!payload)
        return { status: "failed", reason: `a push message cannot carry ${message.content.kind} content` };
      const subscription = decodePushAddress(message.address);
      if (!subscription) return { status: "failed", reason: "the address is not a push subscription" };
      const body = JSON.stringify(payload);
      if (Buffer.byteLength(body) > MAX_PUSH_PAYLOAD_BYTES) {
        return { status: "failed", reason: `payload over ${MAX_PUSH_PAYLOAD_BYTES} bytes` };
      }
      try {
        const response = await webpush.sendNotification(subscription, body, {
          vapidDetails,
          TTL: settings.ttlSeconds,
          urgency: "normal",
          contentEncoding: "aes128gcm",
          timeout: REQUEST_TIMEOUT_MS,
          ...(options.agent ? { agent: options.agent } : {}),
        });
        // The push service names the message it accepted in Location (RFC 8030 §5).
        const location = response.headers.location;
        return typeof location === "string" ? { status: "sent", providerId: location } : { status: "sent" };
      } catch (err) {
        if (err instanceof webpush.WebPushError) return resultOfPushError(err, clock);
        // No answer: refused connection, reset, DNS, timeout. The service may come back.
        const code = (err as { code?: unknown }).code;
        const what = typeof code === "string" ? code : err instanceof Error ? err.message : "unknown";
        return { status: "deferred", reason: `push service unreachable (${what})` };
      }
    },

    async verify() {
      // Signing a token checks the subject and both keys' form without a request.
      webpush.getVapidHeaders(
        "https://fcm.googleapis.com",
        vapidDetails.subject,
        vapidDetails.publicKey,
        vapidDetails.privateKey,
        "aes128gcm",
      );
      if (publicKeyOf(vapidDetails.privateKey) !== vapidDetails.publicKey) {
        throw new Error("the VAPID private key does not belong to the public key");
      }
    },

    async close() {},
  };
}

export const webPushProvider: ProviderDefinition<WebPushSettings, WebPushSecrets> = {
  channel: "push",
  provider: WEB_PUSH_PROVIDER,
  settingsSchema: webPushSettingsSchema,
  secretsSchema: webPushSecretsSchema,
  create: (settings, secrets) => createWebPushAdapter(settings, secrets),
};
