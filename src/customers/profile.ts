// Reading customers back: the full profile by external id, and search by contact point or name.
import { NotFoundError } from "../core/errors.js";
import { type Customer, type Db, fromJson } from "../db/index.js";
import { getConsents } from "./consents.js";
import { findByExternalId } from "./identity.js";
import { normalizeEmail, normalizePhone } from "./normalize.js";
import { getPointBalance } from "./points.js";
import type { CustomerOutput } from "./schema.js";

export function customerToOutput(c: Customer): CustomerOutput {
  return {
    id: c.id,
    externalId: c.external_id,
    email: c.email,
    phone: c.phone,
    lineUserId: c.line_user_id,
    firstName: c.first_name,
    lastName: c.last_name,
    firstNameKana: c.first_name_kana,
    lastNameKana: c.last_name_kana,
    birthday: c.birthday,
    gender: c.gender,
    postalCode: c.postal_code,
    prefecture: c.prefecture,
    address: c.address,
    memberRank: c.member_rank,
    attributes: fromJson(c.attributes),
    createdAt: c.created_at,
    updatedAt: c.updated_at,
  };
}

const RECENT_ORDERS = 10;
const RECENT_EVENTS = 20;

export async function getCustomerProfile(db: Db, shopId: number, externalId: string) {
  const customer = await findByExternalId(db, shopId, externalId);
  if (!customer) throw new NotFoundError(`customer ${externalId}`);
  const [consents, points, orders, events] = await Promise.all([
    getConsents(db, shopId, customer.id),
    getPointBalance(db, shopId, customer.id),
    db
      .selectFrom("orders")
      .select(["external_id", "channel", "status", "ordered_at", "total", "currency"])
      .where("shop_id", "=", shopId)
      .where("customer_id", "=", customer.id)
      .orderBy("ordered_at", "desc")
      .limit(RECENT_ORDERS)
      .execute(),
    db
      .selectFrom("events")
      .select(["type", "sku", "properties", "occurred_at"])
      .where("shop_id", "=", shopId)
      .where("customer_id", "=", customer.id)
      .orderBy("occurred_at", "desc")
      .orderBy("id", "desc")
      .limit(RECENT_EVENTS)
      .execute(),
  ]);
  return {
    ...customerToOutput(customer),
    consents,
    points,
    recentOrders: orders.map((o) => ({
      externalId: o.external_id,
      channel: o.channel,
      status: o.status,
      orderedAt: o.ordered_at,
      total: o.total,
      currency: o.currency,
    })),
    recentEvents: events.map((e) => ({
      type: e.type,
      sku: e.sku,
      properties: fromJson(e.properties),
      occurredAt: e.occurred_at,
    })),
  };
}

export interface CustomerSearch {
  email?: string;
  phone?: string;
  /** Matches the start of a name or kana reading (family or given), or an exact external id. */
  q?: string;
  limit?: number;
}

export async function searchCustomers(db: Db, shopId: number, search: CustomerSearch): Promise<Customer[]> {
  let query = db
    .selectFrom("customers")
    .selectAll()
    .where("shop_id", "=", shopId)
    .where("merged_into_id", "is", null);
  if (search.email) query = query.where("email", "=", normalizeEmail(search.email, "email"));
  if (search.phone) query = query.where("phone", "=", normalizePhone(search.phone, "phone"));
  if (search.q) {
    const term = search.q.normalize("NFKC").trim();
    const kana = term.replace(/[\u3041-\u3096]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0x60));
    const prefix = `${term.replace(/[%_\\]/g, "")}%`;
    const kanaPrefix = `${kana.replace(/[%_\\]/g, "")}%`;
    query = query.where((eb) =>
      eb.or([
        eb("external_id", "=", term),
        eb("last_name", "like", prefix),
        eb("first_name", "like", prefix),
        eb("last_name_kana", "like", kanaPrefix),
        eb("first_name_kana", "like", kanaPrefix),
        eb("email", "=", term.toLowerCase()),
      ]),
    );
  }
  return query
    .orderBy("id")
    .limit(Math.min(search.limit ?? 20, 100))
    .execute();
}
