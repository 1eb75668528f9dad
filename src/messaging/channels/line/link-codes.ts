// Linking a LINE user to a customer at the store counter: the membership card page shows a QR code that
// opens the shop's LINE chat with "LINK <code>" typed in; the customer sends it, and the webhook ties
// the sender's LINE user id to the customer the code was made for. A code is random, short-lived and
// works once; one LINE user is one customer per shop.
import { randomInt } from "node:crypto";
import type { Clock } from "../../../core/clock.js";
import { toIso } from "../../../core/clock.js";
import { NotFoundError } from "../../../core/errors.js";
import { setConsents } from "../../../customers/consents.js";
import type { Db } from "../../../db/index.js";

/** No 0/O, 1/I/L: read off a screen or typed by hand, a code must not be misread. */
const ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
export const LINK_CODE_LENGTH = 8;
export const LINK_CODE_TTL_MS = 15 * 60 * 1000;
/** Codes are kept a week past their expiry (to answer "already used"), then deleted. */
const KEEP_EXPIRED_MS = 7 * 24 * 60 * 60 * 1000;
/** The prefix the prefilled chat text carries, so ordinary chat messages are never taken for codes. */
const PREFIX = "LINK";

export interface LinkCode {
  code: string;
  customerId: number;
  expiresAt: string;
}

function newCode(): string {
  let code = "";
  for (let i = 0; i < LINK_CODE_LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

/** The text the customer sends to the shop's LINE account. */
export function linkMessageText(code: string): string {
  return `${PREFIX} ${code}`;
}

/**
 * The code in a chat message, if it is one: "LINK ABCD2345", in any case, with full-width characters
 * or extra spaces as phone keyboards type them.
 */
export function linkCodeIn(text: string): string | null {
  const normalized = text.normalize("NFKC").toUpperCase().trim();
  if (!normalized.startsWith(PREFIX)) return null;
  const code = normalized.slice(PREFIX.length).replace(/[\s:-]/g, "");
  if (code.length !== LINK_CODE_LENGTH || ![...code].every((c) => ALPHABET.includes(c))) return null;
  return code;
}

/** The LINE URL that opens a chat with the bot, the link text typed in (LINE URL scheme oaMessage). */
export function lineLinkUrl(botBasicId: string, code: string): string {
  return `https://line.me/R/oaMessage/${botBasicId}/?${encodeURIComponent(linkMessageText(code))}`;
}

/** The active profile a customer id stands for: a merged profile's survivor. */
async function activeCustomerId(db: Db, shopId: number, customerId: number): Promise<number | null> {
  const row = await db
    .selectFrom("customers")
    .select(["id", "merged_into_id"])
    .where("shop_id", "=", shopId)
    .where("id", "=", customerId)
    .executeTakeFirst();
  if (!row) return null;
  return row.merged_into_id ?? row.id;
}

/** Makes a one-time code for a customer; throws NotFoundError for a customer the shop does not have. */
export async function createLinkCode(
  db: Db,
  clock: Clock,
  shopId: number,
  customerId: number,
): Promise<LinkCode> {
  const id = await activeCustomerId(db, shopId, customerId);
  if (id === null) throw new NotFoundError(`customer ${customerId}`);
  const now = clock.now();
  const expiresAt = toIso(now.getTime() + LINK_CODE_TTL_MS);
  await db
    .deleteFrom("line_link_codes")
    .where("shop_id", "=", shopId)
    .where("expires_at", "<", toIso(now.getTime() - KEEP_EXPIRED_MS))
    .execute();
  // 31^8 codes: a clash with a live one is all but impossible, and the primary key refuses it anyway.
  for (let attempt = 0; attempt < 5; attempt++) {
    const code = newCode();
    const inserted = await db
      .insertInto("line_link_codes")
      .values({
        shop_id: shopId,
        code,
        customer_id: id,
        expires_at: expiresAt,
        used_at: null,
        line_user_id: null,
      })
      .onConflict((oc) => oc.columns(["shop_id", "code"]).doNothing())
      .returning("code")
      .executeTakeFirst();
    if (inserted) return { code, customerId: id, expiresAt };
  }
  throw new Error("no free LINE link code after 5 attempts");
}

export type RedeemOutcome = "linked" | "already-linked" | "used" | "expired" | "unknown";

/**
 * Ties `lineUserId` to the customer the code was made for, inside the caller's transaction. The code is
 * taken with one conditional update, so two senders of the same code cannot both win.
 */
export async function redeemLinkCode(
  trx: Db,
  clock: Clock,
  shopId: number,
  code: string,
  lineUserId: string,
): Promise<RedeemOutcome> {
  const now = toIso(clock.now());
  const taken = await trx
    .updateTable("line_link_codes")
    .set({ used_at: now, line_user_id: lineUserId })
    .where("shop_id", "=", shopId)
    .where("code", "=", code)
    .where("used_at", "is", null)
    .where("expires_at", ">", now)
    .returning("customer_id")
    .executeTakeFirst();
  if (!taken) {
    const row = await trx
      .selectFrom("line_link_codes")
      .select(["used_at", "line_user_id"])
      .where("shop_id", "=", shopId)
      .where("code", "=", code)
      .executeTakeFirst();
    if (!row) return "unknown";
    if (row.used_at !== null) return row.line_user_id === lineUserId ? "already-linked" : "used";
    return "expired";
  }
  const customerId = await activeCustomerId(trx, shopId, taken.customer_id);
  if (customerId === null) return "unknown";
  await linkLineUser(trx, clock, shopId, customerId, lineUserId);
  return "linked";
}

/** Moves the LINE user id to this customer (off any other of the shop's) and turns LINE consent on. */
async function linkLineUser(trx: Db, clock: Clock, shopId: number, customerId: number, lineUserId: string) {
  const now = toIso(clock.now());
  await trx
    .updateTable("customers")
    .set({ line_user_id: null, updated_at: now })
    .where("shop_id", "=", shopId)
    .where("line_user_id", "=", lineUserId)
    .where("id", "!=", customerId)
    .execute();
  await trx
    .updateTable("customers")
    .set({ line_user_id: lineUserId, updated_at: now })
    .where("shop_id", "=", shopId)
    .where("id", "=", customerId)
    .execute();
  await setConsents(trx, clock, shopId, customerId, { line: true }, "line:link");
  // Sending the code proves the user follows the account now.
  await trx
    .deleteFrom("suppressions")
    .where("shop_id", "=", shopId)
    .where("channel", "=", "line")
    .where("address", "=", lineUserId)
    .where("reason", "=", "blocked")
    .execute();
}
