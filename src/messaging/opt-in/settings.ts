// Whether a shop asks new subscribers to confirm their address before it mails them (double opt-in):
// shops.settings.doubleOptIn, e.g. {"email": true}. Off unless the shop turns it on; a malformed entry
// reads as off rather than stopping sign-ups.
import { z } from "zod";
import { type Channel, fromJson } from "../../db/index.js";

/** The channels double opt-in applies to: an address that can be proven by a link sent to it. */
export const OPT_IN_CHANNELS = ["email"] as const;
export type OptInChannel = (typeof OPT_IN_CHANNELS)[number];

const settingsSchema = z.object({
  doubleOptIn: z.object({ email: z.boolean().catch(false) }).catch({ email: false }),
});

export function isOptInChannel(channel: string): channel is OptInChannel {
  return (OPT_IN_CHANNELS as readonly string[]).includes(channel);
}

/** Whether consent on `channel` waits for the customer's confirmation in this shop. */
export function doubleOptInRequired(settingsJson: string | null | undefined, channel: Channel): boolean {
  if (!isOptInChannel(channel)) return false;
  let settings: unknown;
  try {
    settings = fromJson<unknown>(settingsJson);
  } catch {
    return false;
  }
  const parsed = settingsSchema.safeParse(settings);
  return parsed.success && parsed.data.doubleOptIn[channel];
}
