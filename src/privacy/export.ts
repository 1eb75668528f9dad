// Everything stored about one customer as one JSON document (APPI art. 33 disclosure, GDPR art. 15 and
// 20): every table of the customer-data list, each with what it holds and the person's rows in
// camelCase — times ISO-8601 UTC as stored, money integer minor units as stored, JSON columns parsed,
// flags as booleans. Written as a stream of text chunks, a page of rows at a time, so a customer with
// 100,000 events is never held in memory at once. Read table by table, not in one transaction (which on
// SQLite would hold the database's one connection for as long as the client takes to read): a write
// during the export may show in one table and not yet in another.
import type { Clock } from "../core/clock.js";
import { toIso } from "../core/clock.js";
import { type Customer, type Db, engineOf, fromJson } from "../db/index.js";
import { type CustomerDataTable, customerDataOn } from "./customer-data.js";
import { loadPerson } from "./person.js";
import { personRows, type Row } from "./rows.js";

export const EXPORT_FORMAT = "kizuna.customer-export.v1";

const camel = (name: string) => name.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());

function exportRow(spec: CustomerDataTable, row: Row): Row {
  const out: Row = {};
  for (const [column, value] of Object.entries(row)) {
    let v = value;
    if (spec.json?.includes(column) && typeof v === "string") v = fromJson<unknown>(v);
    else if (spec.flags?.includes(column) && typeof v === "number") v = v === 1;
    out[camel(column)] = v;
  }
  return out;
}

/** The export of `customer` (a live profile of `shopId`) as JSON text, chunk by chunk. */
export async function* customerExport(
  db: Db,
  clock: Clock,
  shopId: number,
  customer: Customer,
): AsyncGenerator<string> {
  const person = await loadPerson(db, shopId, customer);
  const head = {
    format: EXPORT_FORMAT,
    exportedAt: toIso(clock.now()),
    shopId,
    customerId: customer.id,
    externalId: customer.external_id,
  };
  // The head's object left open: the tables follow inside it.
  yield `${JSON.stringify(head).slice(0, -1)},"tables":{`;
  let firstTable = true;
  for (const spec of customerDataOn(engineOf(db))) {
    if (spec.exported === false || spec.find === "none") continue;
    yield `${firstTable ? "" : ","}${JSON.stringify(camel(spec.table))}:{"holds":${JSON.stringify(spec.holds)},"rows":[`;
    firstTable = false;
    let firstRow = true;
    for await (const page of personRows(db, spec, person)) {
      const text = page.map((row) => JSON.stringify(exportRow(spec, row))).join(",");
      yield `${firstRow ? "" : ","}${text}`;
      firstRow = false;
    }
    yield "]}";
  }
  yield "}}";
}

/** The whole export as one string (for callers that want it in memory; tests, small customers). */
export async function customerExportText(
  db: Db,
  clock: Clock,
  shopId: number,
  customer: Customer,
): Promise<string> {
  let text = "";
  for await (const chunk of customerExport(db, clock, shopId, customer)) text += chunk;
  return text;
}
