// Signed tokens for the links Kizuna puts in messages: click redirects, the open pixel, unsubscribe and
// the preference centre. A token carries its fields in clear (base64url JSON) and an HMAC over them and
// its purpose, so a token made for one purpose does not open another, and a changed field is refused.
import { createHmac } from "node:crypto";
import { constantTimeEqual } from "../core/secrets.js";

export type TokenPurpose = "click" | "open" | "unsubscribe" | "preferences" | "line-link" | "opt-in";
export type TokenField = string | number;

/** 128 bits of HMAC-SHA256: far beyond guessing, and short enough for a URL. */
const SIGNATURE_BYTES = 16;

function signature(secret: string, purpose: TokenPurpose, body: string): Buffer {
  return createHmac("sha256", secret).update(`${purpose}\n${body}`).digest().subarray(0, SIGNATURE_BYTES);
}

export function signToken(secret: string, purpose: TokenPurpose, fields: TokenField[]): string {
  const body = Buffer.from(JSON.stringify(fields)).toString("base64url");
  return `${body}.${signature(secret, purpose, body).toString("base64url")}`;
}

/** The fields of a token made with this secret and purpose, or null for anything else. */
export function verifyToken(secret: string, purpose: TokenPurpose, token: string): TokenField[] | null {
  const dot = token.indexOf(".");
  if (dot <= 0) return null;
  const body = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), "base64url");
  if (!constantTimeEqual(given, signature(secret, purpose, body))) return null;
  try {
    const fields: unknown = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
    if (!Array.isArray(fields) || !fields.every((f) => typeof f === "string" || typeof f === "number")) {
      return null;
    }
    return fields;
  } catch {
    return null;
  }
}

/** Who an unsubscribe or preference link is for. */
export interface RecipientRef {
  shopId: number;
  customerId: number;
  channel: string;
  /** The message the link came in (0 when none), so the unsubscribe is credited to its send. */
  messageId: number;
}

export function recipientToken(
  secret: string,
  purpose: "unsubscribe" | "preferences",
  r: RecipientRef,
): string {
  return signToken(secret, purpose, [r.shopId, r.customerId, r.channel, r.messageId]);
}

export function readRecipientToken(
  secret: string,
  purpose: "unsubscribe" | "preferences",
  token: string,
): RecipientRef | null {
  const fields = verifyToken(secret, purpose, token);
  if (fields?.length !== 4) return null;
  const [shopId, customerId, channel, messageId] = fields;
  if (typeof shopId !== "number" || typeof customerId !== "number" || typeof messageId !== "number")
    return null;
  if (typeof channel !== "string") return null;
  return { shopId, customerId, channel, messageId };
}

/** The URLs of one message's links, under the instance's public address. */
export interface LinkBuilder {
  unsubscribeUrl(r: RecipientRef): string;
  preferencesUrl(r: RecipientRef): string;
  clickUrl(shopId: number, messageId: number, url: string): string;
  openPixelUrl(shopId: number, messageId: number): string;
  /** The double opt-in confirmation page for a signed confirmation token. */
  confirmUrl(token: string): string;
}

export function linkBuilder(secret: string, publicUrl: string): LinkBuilder {
  const base = publicUrl.replace(/\/+$/, "");
  return {
    unsubscribeUrl: (r) => `${base}/u/${recipientToken(secret, "unsubscribe", r)}`,
    preferencesUrl: (r) => `${base}/p/${recipientToken(secret, "preferences", r)}`,
    clickUrl: (shopId, messageId, url) =>
      `${base}/t/c/${signToken(secret, "click", [shopId, messageId, url])}`,
    openPixelUrl: (shopId, messageId) => `${base}/t/o/${signToken(secret, "open", [shopId, messageId])}.gif`,
    confirmUrl: (token) => `${base}/c/${token}`,
  };
}
