// Shopify signs each webhook with HMAC-SHA256 over the raw request body, keyed by the app's client
// secret (or the secret shown under Settings → Notifications → Webhooks), sent base64-encoded in
// X-Shopify-Hmac-Sha256. The raw bytes matter: re-serialised JSON would not match.
import { createHmac } from "node:crypto";
import { constantTimeEqual } from "../../core/secrets.js";

export function shopifyHmac(rawBody: Buffer, secret: string): string {
  return createHmac("sha256", secret).update(rawBody).digest("base64");
}

export function verifyShopifyHmac(rawBody: Buffer, header: string | undefined, secret: string): boolean {
  if (!header || !secret) return false;
  const expected = createHmac("sha256", secret).update(rawBody).digest();
  return constantTimeEqual(expected, Buffer.from(header.trim(), "base64"));
}
