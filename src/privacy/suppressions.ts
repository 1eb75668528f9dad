// An erased person's "do not contact" survives them without their address: the suppression list keeps
// a keyed one-way hash (HMAC-SHA256 with the instance secret, shop and channel in the input) of each
// address that had bounced, complained or unsubscribed, so the address re-imported later (an old CSV,
// a platform sync) is still held back by the delivery worker, while the list no longer says who it was.
// Without the secret the hash cannot be tested against a list of guessed addresses.
import { createHmac } from "node:crypto";
import type { Clock } from "../core/clock.js";
import { toIso } from "../core/clock.js";
import type { Channel, Db } from "../db/index.js";
import type { ContactPoint, Person } from "./person.js";
import { redactor } from "./person.js";

/** Channels whose addresses come back by import. LINE ids and push endpoints do not: LINE refuses a
 * blocked user itself and re-following is the user's own act; a push endpoint belongs to one browser. */
const HASHED_CHANNELS: readonly Channel[] = ["email", "sms"];

/** Stored addresses of erased people start with this; no real address does. */
export const ERASED_ADDRESS_PREFIX = "erased:";
/** The reason of an entry made from a withdrawn consent: it holds back promotional messages only. */
export const ERASED_UNSUBSCRIBED = "erased: unsubscribed";

function normalised(channel: Channel, address: string): string {
  return channel === "email" ? address.trim().toLowerCase() : address.trim();
}

export function erasedAddressDigest(
  secret: string,
  shopId: number,
  channel: Channel,
  address: string,
): string {
  const mac = createHmac("sha256", secret)
    .update(`${shopId}\n${channel}\n${normalised(channel, address)}`)
    .digest("hex");
  return `${ERASED_ADDRESS_PREFIX}${mac}`;
}

/** Whether another live profile of the shop has this address (a family sharing one mailbox). */
async function sharedWithOthers(trx: Db, person: Person, contact: ContactPoint): Promise<boolean> {
  const column = contact.channel === "email" ? "email" : contact.channel === "sms" ? "phone" : "line_user_id";
  const other = await trx
    .selectFrom("customers")
    .select("id")
    .where("shop_id", "=", person.shopId)
    .where(column, "=", contact.address)
    .where("id", "not in", person.customerIds)
    .where("merged_into_id", "is", null)
    .executeTakeFirst();
  return other !== undefined;
}

/**
 * Replaces the person's entries on the suppression list by hashed ones, and adds one per address of a
 * channel they had unsubscribed from. Clear entries of an address another profile still has stay as
 * they are (that person's protection). Returns the entries written or removed.
 */
export async function hashSuppressions(
  trx: Db,
  clock: Clock,
  secret: string,
  person: Person,
): Promise<number> {
  const now = toIso(clock.now());
  const redact = redactor(person.needles);
  let affected = 0;
  for (const contact of person.contacts) {
    if (await sharedWithOthers(trx, person, contact)) continue;
    const clear = await trx
      .selectFrom("suppressions")
      .select("reason")
      .where("shop_id", "=", person.shopId)
      .where("channel", "=", contact.channel)
      .where("address", "=", contact.address)
      .executeTakeFirst();
    if (clear) {
      await trx
        .deleteFrom("suppressions")
        .where("shop_id", "=", person.shopId)
        .where("channel", "=", contact.channel)
        .where("address", "=", contact.address)
        .execute();
      affected++;
    }
    if (!HASHED_CHANNELS.includes(contact.channel)) continue;
    const reason = clear
      ? `erased: ${redact(clear.reason)}`.slice(0, 300)
      : person.withdrawn.includes(contact.channel)
        ? ERASED_UNSUBSCRIBED
        : null;
    if (reason === null) continue;
    const address = erasedAddressDigest(secret, person.shopId, contact.channel, contact.address);
    const existing = await trx
      .selectFrom("suppressions")
      .select("reason")
      .where("shop_id", "=", person.shopId)
      .where("channel", "=", contact.channel)
      .where("address", "=", address)
      .executeTakeFirst();
    if (!existing) {
      await trx
        .insertInto("suppressions")
        .values({ shop_id: person.shopId, channel: contact.channel, address, reason, created_at: now })
        .execute();
      affected++;
    } else if (existing.reason === ERASED_UNSUBSCRIBED && reason !== ERASED_UNSUBSCRIBED) {
      // A bounce or complaint holds back every message, an unsubscribe only promotions: keep the stronger.
      await trx
        .updateTable("suppressions")
        .set({ reason })
        .where("shop_id", "=", person.shopId)
        .where("channel", "=", contact.channel)
        .where("address", "=", address)
        .execute();
      affected++;
    }
  }
  return affected;
}

/**
 * Of the addresses about to be sent a message of `messageClass`, those an erased person had put on
 * the suppression list (as `channel:address`). The delivery worker drops those messages as suppressed.
 */
export async function erasedSuppressions(
  db: Db,
  secret: string,
  shopId: number,
  messageClass: "promotional" | "transactional",
  recipients: readonly ContactPoint[],
): Promise<Set<string>> {
  const byDigest = new Map<string, string>();
  for (const r of recipients) {
    if (!HASHED_CHANNELS.includes(r.channel)) continue;
    byDigest.set(erasedAddressDigest(secret, shopId, r.channel, r.address), `${r.channel}:${r.address}`);
  }
  const found = new Set<string>();
  if (byDigest.size === 0) return found;
  const rows = await db
    .selectFrom("suppressions")
    .select(["address", "reason"])
    .where("shop_id", "=", shopId)
    .where("address", "in", [...byDigest.keys()])
    .execute();
  for (const row of rows) {
    if (messageClass === "transactional" && row.reason === ERASED_UNSUBSCRIBED) continue;
    found.add(byDigest.get(row.address)!);
  }
  return found;
}
