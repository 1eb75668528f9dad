// The confirmation link's token: signed with the instance secret under its own purpose, so no other
// link Kizuna sends (unsubscribe, preferences, tracking) can stand in for it. It names the shop, the
// customer, the channel and the pending request (its consent_log row), which is where its age is read.
import { signToken, type TokenPurpose, verifyToken } from "../links.js";
import { isOptInChannel, type OptInChannel } from "./settings.js";

const PURPOSE: TokenPurpose = "opt-in";

/** How long a confirmation link works: long enough for a weekend away, short enough to mean "just now". */
export const CONFIRMATION_VALID_DAYS = 7;

export interface ConfirmationRef {
  shopId: number;
  customerId: number;
  channel: OptInChannel;
  /** The consent_log id of the pending request. */
  requestId: number;
}

export function confirmationToken(secret: string, ref: ConfirmationRef): string {
  return signToken(secret, PURPOSE, [ref.shopId, ref.customerId, ref.channel, ref.requestId]);
}

/** The request a token names, or null for a token that is not ours, not for this, or altered. */
export function readConfirmationToken(secret: string, token: string): ConfirmationRef | null {
  const fields = verifyToken(secret, PURPOSE, token);
  if (fields?.length !== 4) return null;
  const [shopId, customerId, channel, requestId] = fields;
  if (typeof shopId !== "number" || typeof customerId !== "number" || typeof requestId !== "number") {
    return null;
  }
  if (typeof channel !== "string" || !isOptInChannel(channel)) return null;
  return { shopId, customerId, channel, requestId };
}
