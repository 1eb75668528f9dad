// Reading customers back: the full profile by external id, and search by contact point or name.
import { sql } from "kysely";
import { NotFoundError } from "../core/errors.js";
import { type Customer, type Db, fromJson } from "../db/index.js";
import { getConsents } from "./consents.js";
import { findByExternalId } from "./identity.js";
import { normalizeEmail, normalizePhone } from "./normalize.js";
import { computeBalance } from "./points.js";
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

/** `now` dates the point balance: the stored one does not know which lots lapsed since it was written. */
export async function getCustomerProfile(db: Db, shopId: number, externalId: string, now: Date) {
  const customer = await findByExternalId(db, shopId, externalId);
  if (!customer) throw new NotFoundError(`customer ${externalId}`);
  const [consents, points, orders, events] = await Promise.all([
    getConsents(db, shopId, customer.id),
    computeBalance(db, shopId, customer.id, now),
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

type NameColumn = "last_name" | "first_name" | "last_name_kana" | "first_name_kana";

/**
 * Case-insensitive prefix match that reads the same on both engines (SQLite's LIKE ignores ASCII
 * case, PostgreSQL's does not); % and _ typed by the user are matched as themselves.
 */
function startsWith(column: NameColumn, text: string) {
  const pattern = `${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  return sql<boolean>`lower(${sql.ref(column)}) like lower(${pattern}) escape '\\'`;
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
    query = query.where((eb) =>
      eb.or([
        eb("external_id", "=", term),
        startsWith("last_name", term),
        startsWith("first_name", term),
        startsWith("last_name_kana", kana),
        startsWith("first_name_kana", kana),
        eb("email", "=", term.toLowerCase()),
      ]),
    );
  }
  return query
    .orderBy("id")
    .limit(Math.min(search.limit ?? 20, 100))
    .execute();
}
