// Which customer a privacy request names: the shop's external id (as every customer route takes it),
// or "#<id>" for the numeric id. An external id that really is "#12" wins over customer 12. A merged
// duplicate resolves to its survivor; an erased profile (a tombstone, merged into itself) to nothing.
import { NotFoundError } from "../core/errors.js";
import { findByExternalId } from "../customers/index.js";
import type { Customer, Db } from "../db/index.js";

const NUMERIC_REF = /^#(\d{1,15})$/;

/** Whether a profile is an erased tombstone. */
export function isErased(c: Pick<Customer, "id" | "merged_into_id">): boolean {
  return c.merged_into_id === c.id;
}

async function byId(db: Db, shopId: number, id: number): Promise<Customer | undefined> {
  return db
    .selectFrom("customers")
    .selectAll()
    .where("shop_id", "=", shopId)
    .where("id", "=", id)
    .executeTakeFirst();
}

export async function findCustomerByRef(db: Db, shopId: number, ref: string): Promise<Customer | undefined> {
  let found = await findByExternalId(db, shopId, ref);
  const numeric = NUMERIC_REF.exec(ref);
  if (!found && numeric) {
    found = await byId(db, shopId, Number(numeric[1]));
    if (found && found.merged_into_id !== null && !isErased(found))
      found = await byId(db, shopId, found.merged_into_id);
  }
  return found && !isErased(found) ? found : undefined;
}

/** The customer, or a 404 that names the reference as given. */
export async function customerByRef(db: Db, shopId: number, ref: string): Promise<Customer> {
  const found = await findCustomerByRef(db, shopId, ref);
  if (!found) throw new NotFoundError(`customer ${ref}`);
  return found;
}
