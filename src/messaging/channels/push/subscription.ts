// What a browser's push subscription is, and how one travels in OutgoingMessage.address: the adapter
// never reads the database, so the worker hands it the endpoint together with the keys that encrypt
// the payload for that browser, as JSON {"endpoint", "keys": {"p256dh", "auth"}}.
import { z } from "zod";

// Browsers' push services. A subscription names the URL the worker will POST to, and the storefront
// (public key) registers it: only these hosts are taken, so nobody can point the worker at an internal
// address. Chrome, Edge (Chromium), Opera and Samsung use FCM; Firefox Mozilla's; Safari Apple's;
// legacy Edge WNS.
export const PUSH_SERVICE_HOSTS: readonly string[] = [
  "fcm.googleapis.com",
  "android.googleapis.com",
  "updates.push.services.mozilla.com",
  "push.services.mozilla.com",
  "web.push.apple.com",
  "notify.windows.com",
];

const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

/** A URL on one of the browsers' push services, over https. */
export function isPushServiceUrl(value: string, hosts: readonly string[] = PUSH_SERVICE_HOSTS): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol !== "https:" || url.username || url.password || url.port) return false;
  return hosts.some((h) => url.hostname === h || url.hostname.endsWith(`.${h}`));
}

/** The browser's ECDH public key (P-256, uncompressed: 65 bytes starting 0x04). */
export const p256dhSchema = z
  .string()
  .max(200)
  .regex(BASE64URL, "must be base64url")
  .refine(
    (k) => {
      const bytes = Buffer.from(k, "base64url");
      return bytes.length === 65 && bytes[0] === 4;
    },
    { message: "is not a P-256 public key (65 bytes, uncompressed)" },
  );

/** The browser's authentication secret: 16 bytes. */
export const authSecretSchema = z
  .string()
  .max(64)
  .regex(BASE64URL, "must be base64url")
  .refine((k) => Buffer.from(k, "base64url").length === 16, { message: "is not a 16-byte auth secret" });

export const pushKeysSchema = z.object({ p256dh: p256dhSchema, auth: authSecretSchema });

export interface PushAddress {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

// Decoding checks shape only: the endpoint was checked against the push services when it was stored.
const pushAddressSchema = z.object({
  endpoint: z.string().url().startsWith("https://"),
  keys: pushKeysSchema,
});

/** The address the worker puts in OutgoingMessage.address for a push message. */
export function encodePushAddress(subscription: { endpoint: string; p256dh: string; auth: string }): string {
  const address: PushAddress = {
    endpoint: subscription.endpoint,
    keys: { p256dh: subscription.p256dh, auth: subscription.auth },
  };
  return JSON.stringify(address);
}

/** The subscription in an address, or null when it is not one. */
export function decodePushAddress(address: string): PushAddress | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(address);
  } catch {
    return null;
  }
  const result = pushAddressSchema.safeParse(parsed);
  return result.success ? result.data : null;
}
