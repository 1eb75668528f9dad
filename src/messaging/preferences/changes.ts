// The changes a recipient makes through their links: unsubscribing (consent off, credited to the
// message the link came in) and saving the preference centre. Unsubscribing is a withdrawal of
// consent, not a suppression: the suppression list is for addresses that bounce or complain.
import type { Clock } from "../../core/clock.js";
import { toIso } from "../../core/clock.js";
import { type ConsentMap, setConsents } from "../../customers/index.js";
import { type Channel, type Db, inTransaction } from "../../db/index.js";
import type { RecipientRef } from "../links.js";
import { recordMessageEvents } from "../outbox.js";
import { type Frequency, savePreferences } from "./preferences.js";
import type { Recipient } from "./recipient.js";

/** The `source` of consent changes made here, as consents and consent_log record them. */
export const CONSENT_SOURCES = {
  /** The unsubscribe page's button. */
  unsubscribeLink: "unsubscribe-link",
  /** An RFC 8058 one-click POST from the mailbox provider. */
  oneClick: "one-click",
  preferenceCentre: "preference-centre",
} as const;

export type UnsubscribeSource = typeof CONSENT_SOURCES.unsubscribeLink | typeof CONSENT_SOURCES.oneClick;

/**
 * Withdraws consent for the link's channel. Only a real change is logged and credited to the message
 * (as a message event "unsubscribe"), so repeating the request changes nothing. Returns whether it did.
 */
export async function unsubscribe(
  db: Db,
  clock: Clock,
  ref: RecipientRef,
  recipient: Recipient,
  source: UnsubscribeSource,
): Promise<boolean> {
  const shopId = recipient.shop.id;
  const at = toIso(clock.now());
  return inTransaction(db, async (trx) => {
    const current = await trx
      .selectFrom("consents")
      .select("granted")
      .where("shop_id", "=", shopId)
      .where("customer_id", "=", recipient.customerId)
      .where("channel", "=", recipient.channel)
      .executeTakeFirst();
    if (current?.granted === 0) return false;
    await setConsents(trx, clock, shopId, recipient.customerId, { [recipient.channel]: false }, source, at);
    if (ref.messageId > 0 && (await isMessageTo(trx, ref))) {
      await recordMessageEvents(trx, [
        { shopId, messageId: ref.messageId, type: "unsubscribe", reason: source, at },
      ]);
    }
    return true;
  });
}

/** The token is signed by us, but a message id is only credited when it is this customer's message. */
async function isMessageTo(db: Db, ref: RecipientRef): Promise<boolean> {
  const row = await db
    .selectFrom("messages")
    .select("id")
    .where("shop_id", "=", ref.shopId)
    .where("id", "=", ref.messageId)
    .where("customer_id", "=", ref.customerId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Turns the listed channels back on (the "resubscribe" button after unsubscribing). */
export async function resubscribe(
  db: Db,
  clock: Clock,
  recipient: Recipient,
  channels: readonly Channel[],
): Promise<void> {
  const consents: ConsentMap = {};
  for (const c of channels) if (recipient.reachable.includes(c)) consents[c] = true;
  await inTransaction(db, (trx) =>
    setConsents(
      trx,
      clock,
      recipient.shop.id,
      recipient.customerId,
      consents,
      CONSENT_SOURCES.preferenceCentre,
    ),
  );
}

export interface PreferenceCentreChoice {
  /** The reachable channels ticked; every other reachable channel is turned off. */
  channels: readonly Channel[];
  categories: string[];
  frequency: Frequency;
}

/** Saves the preference centre's form: consents (each change logged), categories and frequency. */
export async function savePreferenceCentre(
  db: Db,
  clock: Clock,
  recipient: Recipient,
  choice: PreferenceCentreChoice,
): Promise<void> {
  const consents: ConsentMap = {};
  for (const c of recipient.reachable) consents[c] = choice.channels.includes(c);
  const { id: shopId } = recipient.shop;
  await inTransaction(db, async (trx) => {
    await setConsents(trx, clock, shopId, recipient.customerId, consents, CONSENT_SOURCES.preferenceCentre);
    await savePreferences(trx, clock, shopId, recipient.customerId, {
      categories: choice.categories,
      frequency: choice.frequency,
    });
  });
}
