// Inbound webhooks are signed like GitHub's: `X-Kizuna-Signature: sha256=<hex>`, an HMAC-SHA256 of the
// exact body bytes. Each shop's key is derived from the instance secret, so there is nothing to store
// and one shop's key says nothing about another's; rotating the instance secret rotates them all.
import { createHmac } from "node:crypto";
import { constantTimeEqual } from "../../core/secrets.js";

export const INBOUND_SIGNATURE_HEADER = "X-Kizuna-Signature";

/** The shop's inbound webhook secret, shown to the shop (GET /v1/channels/email/inbound). */
export function inboundWebhookSecret(instanceSecret: string, shopId: number): string {
  return createHmac("sha256", instanceSecret).update(`inbound:${shopId}`).digest("hex");
}

/** The header value for a body: what an MTA pipe or a provider relay sends. */
export function signInboundBody(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export function verifyInboundSignature(secret: string, body: Buffer, header: string | undefined): boolean {
  const hex = header ? /^sha256=([0-9a-f]{64})$/i.exec(header.trim())?.[1] : undefined;
  if (!hex) return false;
  const expected = createHmac("sha256", secret).update(body).digest();
  return constantTimeEqual(expected, Buffer.from(hex, "hex"));
}
