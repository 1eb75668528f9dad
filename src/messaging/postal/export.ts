// Postal DM goes out as a CSV for a print vendor. An export claims the shop's due postal messages,
// writes one row per customer with a usable address, and records in the same transaction each
// exported message as sent (the batch id as its provider id) and each one without an address as
// failed: an export records all its rows or none, and a message is never exported twice.
import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import type { Clock } from "../../core/clock.js";
import { toIso } from "../../core/clock.js";
import { NotFoundError, ValidationError } from "../../core/errors.js";
import { anyOf, type Customer, type Db, forClaim, inTransaction, type Message } from "../../db/index.js";
import { OPEN_MESSAGE_STATUSES } from "../../db/migrations/0005_delivery.js";
import { writeTransitions } from "../outbox.js";
import { postalAddressOf } from "./address.js";
import { type CsvEncoding, encodeCsv, fitsCp932, toCsv } from "./csv.js";

/** Columns in the order Japanese print vendors' address imports take them. */
export const POSTAL_CSV_COLUMNS = [
  "郵便番号",
  "都道府県",
  "住所1",
  "住所2",
  "氏名",
  "氏名カナ",
  "電話番号",
  "テンプレート",
  "DM番号",
  "キャンペーン",
] as const;

export const DEFAULT_POSTAL_EXPORT_LIMIT = 10_000;
export const MAX_POSTAL_EXPORT_LIMIT = 100_000;

export interface PostalExportOptions {
  shopId: number;
  /** At most this many messages, the earliest due first. */
  limit?: number;
  encoding?: CsvEncoding;
}

export interface SkippedMessage {
  messageId: number;
  reason: string;
}

export interface PostalExport {
  /** Null when nothing was exported. */
  batchId: string | null;
  rows: number;
  skipped: SkippedMessage[];
  /** Rows with characters CP932 lacks (printed as "?"): worth a look before printing. */
  lossyMessageIds: number[];
  encoding: CsvEncoding;
  /** The file's bytes in `encoding` (UTF-8 with a BOM by default). */
  csv: Buffer;
}

type PostalCustomer = Pick<
  Customer,
  | "id"
  | "merged_into_id"
  | "postal_code"
  | "prefecture"
  | "address"
  | "first_name"
  | "last_name"
  | "first_name_kana"
  | "last_name_kana"
  | "phone"
>;

/** A batch id that sorts by time and reads well as a file name: postal-20260601-090000-a1b2c3. */
function newBatchId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `postal-${stamp}-${randomBytes(3).toString("hex")}`;
}

function checkLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_POSTAL_EXPORT_LIMIT) {
    throw ValidationError.field("limit", `must be a whole number from 1 to ${MAX_POSTAL_EXPORT_LIMIT}`);
  }
  return limit;
}

/** The shop's due postal messages, locked for this transaction (SKIP LOCKED on PostgreSQL). */
async function claimDuePostal(trx: Db, shopId: number, now: string, limit: number): Promise<Message[]> {
  // The status list as literals, as in claimDueMessages, so PostgreSQL can use the messages_due index.
  const open = sql.join(OPEN_MESSAGE_STATUSES.map((s) => sql.lit(s)));
  const query = trx
    .selectFrom("messages")
    .selectAll()
    .where("shop_id", "=", shopId)
    .where("channel", "=", "postal")
    .where(sql<boolean>`status in (${open})`)
    .where("due_at", "<=", now)
    .orderBy("due_at")
    .orderBy("id")
    .limit(limit);
  return forClaim(trx, query).execute();
}

/** Customers by id; a merged profile stands for the one it was merged into. */
async function customersOf(trx: Db, shopId: number, ids: number[]): Promise<Map<number, PostalCustomer>> {
  const load = async (wanted: number[]) =>
    wanted.length === 0
      ? []
      : trx
          .selectFrom("customers")
          .select([
            "id",
            "merged_into_id",
            "postal_code",
            "prefecture",
            "address",
            "first_name",
            "last_name",
            "first_name_kana",
            "last_name_kana",
            "phone",
          ])
          .where("shop_id", "=", shopId)
          .where(anyOf(trx, "id", wanted))
          .execute();
  const found = new Map((await load([...new Set(ids)])).map((c) => [c.id, c]));
  // Merging re-points earlier merges at the survivor, so one hop reaches it.
  const survivors = [...found.values()].flatMap((c) => (c.merged_into_id !== null ? [c.merged_into_id] : []));
  const loaded = new Map((await load([...new Set(survivors)])).map((c) => [c.id, c]));
  const byId = new Map<number, PostalCustomer>();
  for (const [id, c] of found) {
    const survivor = c.merged_into_id !== null ? loaded.get(c.merged_into_id) : undefined;
    byId.set(id, survivor ?? c);
  }
  return byId;
}

/** What the キャンペーン column shows: the campaign's name, else the scenario's. */
async function sourceNames(trx: Db, shopId: number, messages: Message[]) {
  const ids = (key: "campaign_id" | "scenario_id") => [
    ...new Set(messages.flatMap((m) => (m[key] !== null ? [m[key] as number] : []))),
  ];
  const campaignIds = ids("campaign_id");
  const scenarioIds = ids("scenario_id");
  const campaigns =
    campaignIds.length === 0
      ? []
      : await trx
          .selectFrom("campaigns")
          .select(["id", "name"])
          .where("shop_id", "=", shopId)
          .where(anyOf(trx, "id", campaignIds))
          .execute();
  const scenarios =
    scenarioIds.length === 0
      ? []
      : await trx
          .selectFrom("scenarios")
          .select(["id", "name"])
          .where("shop_id", "=", shopId)
          .where(anyOf(trx, "id", scenarioIds))
          .execute();
  const campaignName = new Map(campaigns.map((c) => [c.id, c.name]));
  const scenarioName = new Map(scenarios.map((s) => [s.id, s.name]));
  return (m: Message) =>
    (m.campaign_id !== null ? campaignName.get(m.campaign_id) : undefined) ??
    (m.scenario_id !== null ? scenarioName.get(m.scenario_id) : undefined) ??
    "";
}

type RowOutcome =
  | { message: Message; ok: true; line: string[]; postalCode: string }
  | { message: Message; ok: false; reason: string; missing: string[] };

/** Each message as its CSV line, or why it has none. */
async function postalLines(trx: Db, shopId: number, messages: Message[]): Promise<RowOutcome[]> {
  const customers = await customersOf(
    trx,
    shopId,
    messages.map((m) => m.customer_id),
  );
  const sourceOf = await sourceNames(trx, shopId, messages);
  return messages.map((message): RowOutcome => {
    const customer = customers.get(message.customer_id);
    if (!customer) return { message, ok: false, reason: "no_postal_address", missing: ["customer"] };
    const result = postalAddressOf(customer);
    if (!result.ok) return { message, ok: false, reason: result.reason, missing: result.missing };
    const a = result.address;
    const line = [
      a.postalCode,
      a.prefecture,
      a.address1,
      a.address2,
      a.name,
      a.nameKana,
      a.phone,
      message.template_key,
      String(message.id),
      sourceOf(message),
    ];
    return { message, ok: true, line, postalCode: a.postalCode.replace("-", "") };
  });
}

function csvOf(outcomes: RowOutcome[], encoding: CsvEncoding) {
  const lines: string[][] = [[...POSTAL_CSV_COLUMNS]];
  const lossyMessageIds: number[] = [];
  for (const o of outcomes) {
    if (!o.ok) continue;
    if (encoding === "cp932" && !o.line.every((v) => fitsCp932(v))) lossyMessageIds.push(o.message.id);
    lines.push(o.line);
  }
  return { rows: lines.length - 1, lossyMessageIds, csv: encodeCsv(toCsv(lines), encoding) };
}

export async function exportPostalBatch(
  db: Db,
  clock: Clock,
  options: PostalExportOptions,
): Promise<PostalExport> {
  const limit = checkLimit(options.limit ?? DEFAULT_POSTAL_EXPORT_LIMIT);
  const encoding = options.encoding ?? "utf8";
  const { shopId } = options;

  return inTransaction(db, async (trx) => {
    const nowDate = clock.now();
    const now = toIso(nowDate);
    const batchId = newBatchId(nowDate);
    const outcomes = await postalLines(trx, shopId, await claimDuePostal(trx, shopId, now, limit));
    await writeTransitions(
      trx,
      now,
      outcomes.map((o) =>
        o.ok
          ? {
              id: o.message.id,
              shopId,
              status: "sent" as const,
              reason: null,
              dueAt: null,
              address: o.postalCode,
              providerId: batchId,
              detail: { batchId },
              before: o.message,
              attempt: true,
            }
          : {
              id: o.message.id,
              shopId,
              status: "failed" as const,
              reason: o.reason,
              dueAt: null,
              detail: { missing: o.missing },
              before: o.message,
              attempt: true,
            },
      ),
    );
    const { rows, lossyMessageIds, csv } = csvOf(outcomes, encoding);
    const skipped = outcomes.flatMap((o) => (o.ok ? [] : [{ messageId: o.message.id, reason: o.reason }]));
    return { batchId: rows > 0 ? batchId : null, rows, skipped, lossyMessageIds, encoding, csv };
  });
}

/**
 * A batch's CSV again (the file was lost, or the response never arrived), from the customers' current
 * addresses. Changes nothing; a message whose customer has no address any more is left out.
 */
export async function postalBatchCsv(
  db: Db,
  shopId: number,
  batchId: string,
  encoding: CsvEncoding = "utf8",
): Promise<PostalExport> {
  const messages = await db
    .selectFrom("messages")
    .selectAll()
    .where("shop_id", "=", shopId)
    .where("channel", "=", "postal")
    .where("provider_id", "=", batchId)
    .orderBy("id")
    .execute();
  if (messages.length === 0) throw new NotFoundError(`postal batch ${batchId}`);
  const outcomes = await postalLines(db, shopId, messages);
  const { rows, lossyMessageIds, csv } = csvOf(outcomes, encoding);
  const skipped = outcomes.flatMap((o) => (o.ok ? [] : [{ messageId: o.message.id, reason: o.reason }]));
  return { batchId, rows, skipped, lossyMessageIds, encoding, csv };
}
