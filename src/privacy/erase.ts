// Erasing a customer on request (APPI art. 35, GDPR art. 17), in one transaction: every table of the
// customer-data list gets what its entry says (delete, keep, strip, or its own step), the profile
// becomes an anonymous tombstone, and the erasure is recorded — when, by which source, row counts.
// Either all of it happens or none of it.
import type { Clock } from "../core/clock.js";
import { toIso } from "../core/clock.js";
import { NotFoundError } from "../core/errors.js";
import { type Customer, type Db, engineOf, inTransaction, toJson } from "../db/index.js";
import { type CustomerDataTable, customerDataOn } from "./customer-data.js";
import type { ErasureContext } from "./erase-steps.js";
import { loadPerson } from "./person.js";
import { deletePersonRows, stripPersonRows } from "./rows.js";

export interface ErasureResult {
  /** The tombstone's id (the erased profile's own). */
  customerId: number;
  erasedAt: string;
  source: string;
  /** Rows deleted or changed per table (tables with none left out). */
  tables: Record<string, number>;
}

export interface ErasureOptions {
  /** Who asked: "api_key:<id>", "cli". Recorded; must hold nothing personal. */
  source: string;
  /** The instance secret (keys the hashed suppression entries). */
  secret: string;
}

async function applyEntry(trx: Db, spec: CustomerDataTable, ctx: ErasureContext): Promise<number> {
  const erase = spec.erase;
  switch (erase.do) {
    case "keep":
      return 0;
    case "delete":
      return deletePersonRows(trx, spec, ctx.person);
    case "strip":
      return stripPersonRows(trx, spec, ctx.person, erase, spec.json ?? []);
    case "custom":
      return erase.step(ctx, { ...spec, json: spec.json ?? [] });
  }
}

/**
 * Erases `customer` (a live profile of `shopId`, as customerByRef gives it). `customer` was read before
 * the transaction; the person is gathered again inside it, so what is erased is what is stored.
 */
export async function eraseCustomer(
  db: Db,
  clock: Clock,
  shopId: number,
  customer: Customer,
  options: ErasureOptions,
): Promise<ErasureResult> {
  const now = toIso(clock.now());
  return inTransaction(db, async (trx) => {
    // Taking the profile's row lock first: of two erasures at once, the second waits here and then
    // finds a tombstone (no live profile left to update) and stops with a 404.
    const claimed = await trx
      .updateTable("customers")
      .set({ updated_at: now })
      .where("shop_id", "=", shopId)
      .where("id", "=", customer.id)
      .where("merged_into_id", "is", null)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) throw new NotFoundError(`customer #${customer.id}`);
    const person = await loadPerson(trx, shopId, customer);
    const ctx: ErasureContext = { trx, clock, secret: options.secret, person, now };
    const tables: Record<string, number> = {};
    for (const spec of customerDataOn(engineOf(trx))) {
      const n = await applyEntry(trx, spec, ctx);
      if (n > 0) tables[spec.table] = n;
    }
    await trx
      .insertInto("customer_erasures")
      .values({
        shop_id: shopId,
        customer_id: customer.id,
        source: options.source,
        erased_at: now,
        summary: toJson(tables),
      })
      .execute();
    return { customerId: customer.id, erasedAt: now, source: options.source, tables };
  });
}
