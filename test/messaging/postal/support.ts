// Steps shared by the postal DM stories: customers with (or without) a postal address, postal messages
// queued for them as the scenario engine and campaigns queue them, and reading an export back.
import { parse } from "csv-parse/sync";
import iconv from "iconv-lite";
import type { Db, NewMessage } from "../../../src/db/index.js";

export interface CustomerSeed {
  externalId: string;
  lastName?: string | null;
  firstName?: string | null;
  lastNameKana?: string | null;
  firstNameKana?: string | null;
  postalCode?: string | null;
  prefecture?: string | null;
  address?: string | null;
  phone?: string | null;
}

export async function addCustomer(db: Db, shopId: number, at: string, c: CustomerSeed): Promise<number> {
  const row = await db
    .insertInto("customers")
    .values({
      shop_id: shopId,
      external_id: c.externalId,
      last_name: c.lastName ?? null,
      first_name: c.firstName ?? null,
      last_name_kana: c.lastNameKana ?? null,
      first_name_kana: c.firstNameKana ?? null,
      postal_code: c.postalCode ?? null,
      prefecture: c.prefecture ?? null,
      address: c.address ?? null,
      phone: c.phone ?? null,
      attributes: "{}",
      created_at: at,
      updated_at: at,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

let sequence = 0;

/** A postal message waiting in the outbox, due at `dueAt`. */
export async function queuePostal(
  db: Db,
  shopId: number,
  customerId: number,
  dueAt: string,
  extra: Partial<NewMessage> = {},
): Promise<number> {
  sequence += 1;
  const row = await db
    .insertInto("messages")
    .values({
      shop_id: shopId,
      customer_id: customerId,
      channel: "postal",
      template_key: "dm.spring",
      message_class: "promotional",
      status: "queued",
      status_reason: null,
      idempotency_key: `postal-test:${sequence}`,
      payload: "{}",
      queued_at: dueAt,
      updated_at: dueAt,
      due_at: dueAt,
      address: null,
      provider_id: null,
      delivered_at: null,
      converted_at: null,
      ...extra,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The CSV's rows (header first), from UTF-8 with a BOM or from CP932 bytes. */
export function readCsv(bytes: Buffer, encoding: "utf8" | "cp932" = "utf8"): string[][] {
  const text = encoding === "cp932" ? iconv.decode(bytes, "cp932") : bytes.toString("utf8");
  return parse(text, { bom: true, relax_column_count: false });
}

export async function messageRow(db: Db, id: number) {
  return db.selectFrom("messages").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

export async function eventsOf(db: Db, messageId: number) {
  return db
    .selectFrom("message_events")
    .selectAll()
    .where("message_id", "=", messageId)
    .orderBy("id")
    .execute();
}
