// Which shops an inbound address belongs to: the bounce and List-Unsubscribe addresses in each shop's
// email channel settings, compared without their +detail (so `bounces+m12@mail.shop.jp` is the
// bounce address `bounces@mail.shop.jp`). Several shops may share one address; a report is then
// applied within all of them, and the message it names decides which.
import { z } from "zod";
import { type Db, fromJson } from "../../db/index.js";
import { baseAddress } from "./fields.js";

export type InboundRole = "bounce" | "unsubscribe";

export interface InboundRoute {
  shopId: number;
  role: InboundRole;
}

export interface ShopInboundAddresses {
  bounceAddress: string | null;
  unsubscribeAddress: string | null;
}

export interface InboundAddressBook {
  /** The shops and roles an address (with or without +detail) is for; empty: not ours. */
  routesFor(address: string): InboundRoute[];
}

// Only the two addresses are read: the rest of the settings belong to the provider's schema.
const addressSettings = z.object({
  bounceAddress: z.string().min(3).optional(),
  unsubscribeAddress: z.string().min(3).optional(),
});

function addressesOf(settings: string): ShopInboundAddresses {
  const parsed = addressSettings.safeParse(fromJson(settings));
  return {
    bounceAddress: parsed.success ? (parsed.data.bounceAddress ?? null) : null,
    unsubscribeAddress: parsed.success ? (parsed.data.unsubscribeAddress ?? null) : null,
  };
}

/** Reads every shop's addresses once; an SMTP session asks it about each recipient. */
export async function loadInboundAddressBook(db: Db): Promise<InboundAddressBook> {
  const rows = await db
    .selectFrom("channel_settings")
    .select(["shop_id", "settings"])
    .where("channel", "=", "email")
    .execute();
  const book = new Map<string, InboundRoute[]>();
  const add = (address: string | null, route: InboundRoute) => {
    if (!address) return;
    const key = baseAddress(address);
    book.set(key, [...(book.get(key) ?? []), route]);
  };
  for (const row of rows) {
    const { bounceAddress, unsubscribeAddress } = addressesOf(row.settings);
    add(bounceAddress, { shopId: row.shop_id, role: "bounce" });
    add(unsubscribeAddress, { shopId: row.shop_id, role: "unsubscribe" });
  }
  return { routesFor: (address) => book.get(baseAddress(address)) ?? [] };
}

/** One shop's addresses (nulls when the shop has no email channel or did not set them). */
export async function shopInboundAddresses(db: Db, shopId: number): Promise<ShopInboundAddresses> {
  const row = await db
    .selectFrom("channel_settings")
    .select("settings")
    .where("shop_id", "=", shopId)
    .where("channel", "=", "email")
    .executeTakeFirst();
  return row ? addressesOf(row.settings) : { bounceAddress: null, unsubscribeAddress: null };
}
