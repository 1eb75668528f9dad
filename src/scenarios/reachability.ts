// Which channels a customer can be sent a message on: an address for the channel, not on the
// suppression list (hard bounces, complaints, LINE blocks) and, for promotional
// messages, the customer's consent. Asked for a batch of customers at once.
import { anyOf, type Channel, type Db, selectIn } from "../db/index.js";
import { encodePushAddress } from "../messaging/channels/push/subscription.js";

export type MessageClass = "promotional" | "transactional";

export interface ContactRow {
  id: number;
  email: string | null;
  phone: string | null;
  line_user_id: string | null;
  postal_code: string | null;
  address: string | null;
  /** The newest active web push subscription, as the push adapter's address. */
  push?: string | null;
}

/** The address a message on `channel` goes to, or null. Web push needs an active subscription. */
export function addressFor(channel: Channel, c: ContactRow): string | null {
  switch (channel) {
    case "email":
      return c.email;
    case "sms":
      return c.phone;
    case "line":
      return c.line_user_id;
    case "postal":
      return c.postal_code && c.address ? c.postal_code : null;
    case "push":
      return c.push ?? null;
  }
}

const ALL: Channel[] = ["email", "line", "sms", "push", "postal"];

export async function reachableChannels(
  db: Db,
  shopId: number,
  customerIds: number[],
  messageClass: MessageClass,
): Promise<Map<number, Set<Channel>>> {
  return (await reachability(db, shopId, customerIds, messageClass)).reach;
}

export interface Reachability {
  /** The channels each customer can be sent this class of message on. */
  reach: Map<number, Set<Channel>>;
  /** Their contact points, for the address a message goes to. */
  contacts: Map<number, ContactRow>;
}

export async function reachability(
  db: Db,
  shopId: number,
  customerIds: number[],
  messageClass: MessageClass,
): Promise<Reachability> {
  const reach = new Map<number, Set<Channel>>();
  if (customerIds.length === 0) return { reach, contacts: new Map() };
  const contacts: ContactRow[] = await selectIn(db, customerIds, (ids) =>
    db
      .selectFrom("customers")
      .select(["id", "email", "phone", "line_user_id", "postal_code", "address"])
      .where("shop_id", "=", shopId)
      .where(anyOf(db, "id", ids))
      .where("merged_into_id", "is", null)
      .execute(),
  );
  const subscriptions = await selectIn(db, customerIds, (ids) =>
    db
      .selectFrom("push_subscriptions")
      .select(["customer_id", "endpoint", "p256dh", "auth"])
      .where("shop_id", "=", shopId)
      .where(anyOf(db, "customer_id", ids))
      .where("revoked_at", "is", null)
      .orderBy("id")
      .execute(),
  );
  // The newest subscription wins: the device the customer subscribed on last.
  const pushOf = new Map(subscriptions.map((s) => [s.customer_id, encodePushAddress(s)]));
  for (const c of contacts) c.push = pushOf.get(c.id) ?? null;
  const granted = new Set<string>();
  if (messageClass === "promotional") {
    const rows = await selectIn(db, customerIds, (ids) =>
      db
        .selectFrom("consents")
        .select(["customer_id", "channel"])
        .where("shop_id", "=", shopId)
        .where(anyOf(db, "customer_id", ids))
        .where("granted", "=", 1)
        .execute(),
    );
    for (const r of rows) granted.add(`${r.customer_id}:${r.channel}`);
  }
  const addresses: string[] = [];
  for (const c of contacts)
    for (const ch of ALL) {
      const a = addressFor(ch, c);
      if (a) addresses.push(a);
    }
  const suppressed = new Set<string>();
  if (addresses.length > 0) {
    const rows = await selectIn(db, [...new Set(addresses)], (slice) =>
      db
        .selectFrom("suppressions")
        .select(["channel", "address"])
        .where("shop_id", "=", shopId)
        .where(anyOf(db, "address", slice))
        .execute(),
    );
    for (const r of rows) suppressed.add(`${r.channel}:${r.address}`);
  }
  for (const c of contacts) {
    const channels = new Set<Channel>();
    for (const ch of ALL) {
      const a = addressFor(ch, c);
      if (!a || suppressed.has(`${ch}:${a}`)) continue;
      if (messageClass === "promotional" && !granted.has(`${c.id}:${ch}`)) continue;
      channels.add(ch);
    }
    reach.set(c.id, channels);
  }
  return { reach, contacts: new Map(contacts.map((c) => [c.id, c])) };
}
