// Random tokens and hashes for API keys and the instance secret.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A URL-safe random token with the given prefix, e.g. `kz_sk_…` for a secret API key. */
export function randomToken(prefix: string, bytes = 24): string {
  return `${prefix}${randomBytes(bytes).toString("base64url")}`;
}

/** API keys have 192 bits of entropy, so a fast hash is safe for storing them (no dictionary to attack). */
export function sha256Hex(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

export function constantTimeEqual(a: string | Buffer, b: string | Buffer): boolean {
  const x = Buffer.isBuffer(a) ? a : Buffer.from(a);
  const y = Buffer.isBuffer(b) ? b : Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
