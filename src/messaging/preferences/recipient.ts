// Who an unsubscribe or preference link speaks for: the shop and customer its signed token names, and
// the channels that customer can be reached on. Everything is looked up within the token's shop, so a
// token can only ever reach a customer of the shop it was made for.
import { CHANNELS, type Channel, type Db } from "../../db/index.js";
import type { RecipientRef } from "../links.js";

export interface Recipient {
  shop: { id: number; name: string; locale: string };
  /** The customer to act on: the token's, or the profile it was since merged into. */
  customerId: number;
  /** The channel the link came by. */
  channel: Channel;
  /** Channels the customer has an address (or, for push, a live subscription) for, in CHANNELS order. */
  reachable: Channel[];
}

export function isChannel(value: string): value is Channel {
  return (CHANNELS as readonly string[]).includes(value);
}

async function findCustomer(db: Db, shopId: number, customerId: number) {
  return db
    .selectFrom("customers")
    .select(["id", "email", "phone", "line_user_id", "postal_code", "address", "merged_into_id"])
    .where("shop_id", "=", shopId)
    .where("id", "=", customerId)
    .executeTakeFirst();
}

/** The recipient a verified token names, or null when its shop or customer no longer exists. */
export async function loadRecipient(db: Db, ref: RecipientRef): Promise<Recipient | null> {
  if (!isChannel(ref.channel)) return null;
  const shop = await db
    .selectFrom("shops")
    .select(["id", "name", "locale"])
    .where("id", "=", ref.shopId)
    .executeTakeFirst();
  if (!shop) return null;
  let customer = await findCustomer(db, shop.id, ref.customerId);
  // A merge moves consents to the surviving profile and repoints older tombstones at it: one hop.
  if (customer?.merged_into_id != null) customer = await findCustomer(db, shop.id, customer.merged_into_id);
  if (!customer) return null;

  const push = await db
    .selectFrom("push_subscriptions")
    .select("id")
    .where("shop_id", "=", shop.id)
    .where("customer_id", "=", customer.id)
    .where("revoked_at", "is", null)
    .limit(1)
    .executeTakeFirst();
  const has: Record<Channel, boolean> = {
    email: Boolean(customer.email),
    line: Boolean(customer.line_user_id),
    sms: Boolean(customer.phone),
    push: push !== undefined,
    postal: Boolean(customer.postal_code && customer.address),
  };
  return {
    shop,
    customerId: customer.id,
    channel: ref.channel,
    reachable: CHANNELS.filter((c) => has[c]),
  };
}
