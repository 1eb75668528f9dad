// Finding a person's rows in any table the customer-data list names, and the three things done to them:
// read them (in pages), delete them, or strip them (set columns, redact personal text). Table and
// column names come from that list, never from input; values are always bound parameters.
import { type RawBuilder, sql } from "kysely";
import { type Db, fromJson, jsonParam, toJson } from "../db/index.js";
import { type Person, redactJson, redactor } from "./person.js";

/** How a table's rows are told to be the person's. */
export type Finder =
  /** customers: the profile and the duplicates merged into it. */
  | "profile"
  /** A customer_id column. */
  | "customer"
  /** A customer_id column, or no customer but one of the person's visitor ids (anonymous browsing). */
  | "customerOrVisitor"
  /** A visitor_id column. */
  | "visitor"
  /** A message_id column: one of the person's messages. */
  | "message"
  /** A run_id column: one of the person's scenario runs. */
  | "run"
  /** An order_id column: one of the person's orders. */
  | "order"
  /** channel + address: one of the addresses the person had or was sent to. */
  | "address"
  /** resource "customer" + resource_id: the shop platform's id for the person (their external id). */
  | "platformId"
  /** No query tells this table's rows apart per person (said why in the list). */
  | "none";

export type Row = Record<string, unknown>;

function inList(column: string, values: readonly (string | number)[]): RawBuilder<boolean> {
  if (values.length === 0) return sql<boolean>`1 = 0`;
  return sql<boolean>`${sql.ref(column)} in (${sql.join(values)})`;
}

function ofPerson(table: "messages" | "scenario_runs" | "orders", p: Person): RawBuilder<number> {
  return sql<number>`select id from ${sql.table(table)} where shop_id = ${p.shopId} and ${inList("customer_id", p.customerIds)}`;
}

/** The WHERE condition that picks the person's rows (always within their shop). */
export function personWhere(finder: Finder, p: Person): RawBuilder<boolean> {
  const shop = sql<boolean>`shop_id = ${p.shopId}`;
  switch (finder) {
    case "profile":
      return sql<boolean>`${shop} and ${inList("id", p.customerIds)}`;
    case "customer":
      return sql<boolean>`${shop} and ${inList("customer_id", p.customerIds)}`;
    case "customerOrVisitor":
      return sql<boolean>`${shop} and (${inList("customer_id", p.customerIds)}
        or (customer_id is null and ${inList("visitor_id", p.visitorIds)}))`;
    case "visitor":
      return sql<boolean>`${shop} and ${inList("visitor_id", p.visitorIds)}`;
    case "message":
      return sql<boolean>`${shop} and message_id in (${ofPerson("messages", p)})`;
    case "run":
      return sql<boolean>`${shop} and run_id in (${ofPerson("scenario_runs", p)})`;
    case "order":
      return sql<boolean>`${shop} and order_id in (${ofPerson("orders", p)})`;
    case "address": {
      if (p.contacts.length === 0) return sql<boolean>`1 = 0`;
      const pairs = p.contacts.map((c) => sql<boolean>`(channel = ${c.channel} and address = ${c.address})`);
      return sql<boolean>`${shop} and (${sql.join(pairs, sql` or `)})`;
    }
    case "platformId":
      return sql<boolean>`${shop} and resource = 'customer' and ${inList("resource_id", p.externalIds)}`;
    case "none":
      return sql<boolean>`1 = 0`;
  }
}

const PAGE = 1000;

export interface TableRef {
  table: string;
  find: Finder;
  /** Columns that identify and order a row; ["id"] tables are read in pages. */
  key: readonly string[];
}

/** The person's rows of a table, a page at a time (one page for tables without an id). */
export async function* personRows(
  db: Db,
  ref: TableRef,
  p: Person,
  columns: readonly string[] | "*" = "*",
): AsyncGenerator<Row[]> {
  if (ref.find === "none") return;
  const selected =
    columns === "*" ? sql`*` : sql.join([...new Set([...ref.key, ...columns])].map((c) => sql.ref(c)));
  const where = personWhere(ref.find, p);
  if (ref.key.length !== 1 || ref.key[0] !== "id") {
    const order = sql.join(ref.key.map((k) => sql.ref(k)));
    const { rows } = await sql<Row>`select ${selected} from ${sql.table(ref.table)}
      where ${where} order by ${order}`.execute(db);
    if (rows.length > 0) yield rows;
    return;
  }
  let after = 0;
  for (;;) {
    const { rows } = await sql<Row>`select ${selected} from ${sql.table(ref.table)}
      where ${where} and id > ${after} order by id limit ${PAGE}`.execute(db);
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < PAGE) return;
    after = Number(rows[rows.length - 1].id);
  }
}

export async function deletePersonRows(db: Db, ref: TableRef, p: Person): Promise<number> {
  if (ref.find === "none") return 0;
  const result = await sql`delete from ${sql.table(ref.table)} where ${personWhere(ref.find, p)}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

export interface Strip {
  /** Columns set to a fixed value on every row of the person (null, or JSON text for JSON columns). */
  set?: Readonly<Record<string, string | null>>;
  /** Text or JSON columns in which the person's names and contact points are replaced by "[erased]". */
  redact?: readonly string[];
}

/** Strips the person's rows of a table; returns how many rows it changed. */
export async function stripPersonRows(
  db: Db,
  ref: TableRef,
  p: Person,
  strip: Strip,
  jsonColumns: readonly string[],
): Promise<number> {
  if (ref.find === "none") return 0;
  const isJson = (column: string) => jsonColumns.includes(column);
  let changed = 0;
  const set = Object.entries(strip.set ?? {});
  if (set.length > 0) {
    const assignments = set.map(
      ([column, value]) =>
        sql`${sql.ref(column)} = ${value !== null && isJson(column) ? jsonParam(db, fromJson(value)) : value}`,
    );
    const result = await sql`update ${sql.table(ref.table)} set ${sql.join(assignments)}
      where ${personWhere(ref.find, p)}`.execute(db);
    changed = Number(result.numAffectedRows ?? 0);
  }
  const redactColumns = strip.redact ?? [];
  if (redactColumns.length === 0 || p.needles.length === 0) return changed;
  const redact = redactor(p.needles);
  let redacted = 0;
  // Redacted in code rather than SQL: inside JSON a name may be escaped, and a replace() in SQL could
  // cut a JSON document in two; only the rows that change are written.
  for await (const page of personRows(db, ref, p, redactColumns)) {
    for (const row of page) {
      const updates: RawBuilder<unknown>[] = [];
      for (const column of redactColumns) {
        const value = row[column];
        if (typeof value !== "string") continue;
        if (isJson(column)) {
          const before = fromJson<unknown>(value);
          const after = redactJson(before, redact);
          if (toJson(after) !== toJson(before))
            updates.push(sql`${sql.ref(column)} = ${jsonParam(db, after)}`);
        } else {
          const after = redact(value);
          if (after !== value) updates.push(sql`${sql.ref(column)} = ${after}`);
        }
      }
      if (updates.length === 0) continue;
      const match = sql.join(
        ref.key.map((k) => sql`${sql.ref(k)} = ${row[k]}`),
        sql` and `,
      );
      await sql`update ${sql.table(ref.table)} set ${sql.join(updates)}
        where shop_id = ${p.shopId} and ${match}`.execute(db);
      redacted++;
    }
  }
  return Math.max(changed, redacted);
}
