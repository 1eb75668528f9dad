// Consent stated through the API or the storefront, with double opt-in where the shop asks for it: a
// "yes" to email from a customer who has not confirmed becomes a confirmation request instead of a
// grant; everything else (a "no", other channels, a shop without double opt-in) is recorded at once.
// Imports, platform syncs and the preference centre call setConsents directly: their consent was
// gathered elsewhere, or came through a link only the address's owner received.
import type { Clock } from "../../core/clock.js";
import { type ConsentMap, setConsents } from "../../customers/index.js";
import type { Channel, Db } from "../../db/index.js";
import { requestConfirmation } from "./requests.js";
import { doubleOptInRequired, isOptInChannel, type OptInChannel } from "./settings.js";

export interface StatedConsents {
  shopId: number;
  customerId: number;
  consents: ConsentMap;
  /** Where they were stated ("api", "api:identify"). */
  source: string;
}

/** Records the consents; returns the channels left waiting for the customer's confirmation. */
export async function setConsentsWithOptIn(
  trx: Db,
  clock: Clock,
  secret: string,
  stated: StatedConsents,
): Promise<OptInChannel[]> {
  const { shopId, customerId, source } = stated;
  const awaiting = await channelsToConfirm(trx, stated);
  const direct: ConsentMap = { ...stated.consents };
  for (const channel of awaiting) delete direct[channel];
  await setConsents(trx, clock, shopId, customerId, direct, source);
  for (const channel of awaiting) {
    await requestConfirmation(trx, clock, secret, { shopId, customerId, channel, source });
  }
  return awaiting;
}

/** The channels said "yes" to that the shop wants confirmed and the customer has not granted yet. */
async function channelsToConfirm(db: Db, stated: StatedConsents): Promise<OptInChannel[]> {
  const saidYes = (Object.keys(stated.consents) as Channel[]).filter(
    (c): c is OptInChannel => stated.consents[c] === true && isOptInChannel(c),
  );
  if (saidYes.length === 0) return [];
  const shop = await db
    .selectFrom("shops")
    .select("settings")
    .where("id", "=", stated.shopId)
    .executeTakeFirst();
  const wanted = saidYes.filter((c) => doubleOptInRequired(shop?.settings, c));
  if (wanted.length === 0) return [];
  const granted = await db
    .selectFrom("consents")
    .select("channel")
    .where("shop_id", "=", stated.shopId)
    .where("customer_id", "=", stated.customerId)
    .where("channel", "in", wanted)
    .where("granted", "=", 1)
    .execute();
  const already = new Set(granted.map((g) => g.channel));
  return wanted.filter((c) => !already.has(c));
}
