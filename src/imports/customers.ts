// Customer rows: each row is one profile, validated and normalised like the API's input, then
// upserted with identity resolution. What each upsert did (created, updated, unchanged) is told by
// comparing the stored profile before and after; the "before" is read for the whole chunk at once.
import { ValidationError } from "../core/errors.js";
import {
  type CustomerInput,
  customerInputSchema,
  type NormalizedCustomer,
  normalizeCustomerInput,
  upsertCustomer,
} from "../customers/index.js";
import type { Customer, Db } from "../db/index.js";
import { createWriter, type ImportContext, type RowSink, rowIssues, schemaIssues } from "./context.js";
import { type MappedRow, nest, valuesOf } from "./plan.js";
import type { Outcome } from "./report.js";
import type { WriteUnit } from "./writer.js";

/** The row's customer input, validated and normalised, or the issues that keep it out. */
export function normalizeCustomerRow(
  ctx: ImportContext,
  input: Record<string, unknown>,
  line: number,
  fieldPrefix = "",
): { customer: NormalizedCustomer; input: CustomerInput } | { issues: ReturnType<typeof rowIssues> } {
  const parsed = customerInputSchema.safeParse(input);
  if (!parsed.success) return { issues: schemaIssues(parsed.error, ctx, line, fieldPrefix) };
  try {
    return { customer: normalizeCustomerInput(parsed.data, ctx.clock, fieldPrefix), input: parsed.data };
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return {
      issues: err.issues.map((i) => ({
        line,
        field: i.field,
        column: ctx.plan.columnOf(i.field),
        reason: i.message,
      })),
    };
  }
}

type ConsentRow = { customer_id: number; channel: string; granted: number };

/** The stored profiles (and their consents) a chunk of inputs can match, keyed by id. */
async function storedProfiles(trx: Db, shopId: number, units: Array<WriteUnit<NormalizedCustomer>>) {
  const keys = { external_id: new Set<string>(), email: new Set<string>(), phone: new Set<string>() };
  const lineIds = new Set<string>();
  for (const { payload } of units) {
    const c = payload.columns;
    if (c.external_id) keys.external_id.add(c.external_id);
    if (c.email) keys.email.add(c.email);
    if (c.phone) keys.phone.add(c.phone);
    if (c.line_user_id) lineIds.add(c.line_user_id);
  }
  const rows = await trx
    .selectFrom("customers")
    .selectAll()
    .where("shop_id", "=", shopId)
    .where((eb) =>
      eb.or([
        ...Object.entries(keys)
          .filter(([, values]) => values.size > 0)
          .map(([column, values]) => eb(column as keyof typeof keys, "in", [...values])),
        ...(lineIds.size > 0 ? [eb("line_user_id", "in", [...lineIds])] : []),
        eb.lit(false),
      ]),
    )
    .execute();
  // Identity resolution follows merged profiles to the one that survived.
  const survivorIds = rows.flatMap((r) => (r.merged_into_id === null ? [] : [r.merged_into_id]));
  if (survivorIds.length > 0) {
    rows.push(
      ...(await trx
        .selectFrom("customers")
        .selectAll()
        .where("shop_id", "=", shopId)
        .where("id", "in", survivorIds)
        .execute()),
    );
  }
  const byId = new Map(rows.map((r) => [r.id, r]));
  const consents = new Map<number, Map<string, number>>();
  if (byId.size > 0) {
    const stated: ConsentRow[] = await trx
      .selectFrom("consents")
      .select(["customer_id", "channel", "granted"])
      .where("shop_id", "=", shopId)
      .where("customer_id", "in", [...byId.keys()])
      .execute();
    for (const c of stated) {
      if (!consents.has(c.customer_id)) consents.set(c.customer_id, new Map());
      consents.get(c.customer_id)!.set(c.channel, c.granted);
    }
  }
  return { byId, consents };
}

const sameProfile = (a: Customer, b: Customer) =>
  (Object.keys(a) as Array<keyof Customer>).every((k) => a[k] === b[k]);

export function customerSink(ctx: ImportContext): RowSink {
  const shopId = ctx.shop.id;
  const writer = createWriter<NormalizedCustomer>(ctx, async (trx, units) => {
    const stored = await storedProfiles(trx, shopId, units);
    const outcomes: Outcome[] = [];
    for (const unit of units) {
      const result = await upsertCustomer(trx, ctx.clock, shopId, unit.payload, ctx.source);
      const id = result.customer.id;
      const before = stored.byId.get(id);
      const consents = stored.consents.get(id) ?? new Map<string, number>();
      const consentsChanged = Object.entries(unit.payload.consents ?? {}).some(
        ([channel, granted]) => granted !== undefined && consents.get(channel) !== (granted ? 1 : 0),
      );
      outcomes.push(
        result.created
          ? "created"
          : result.merged > 0 || consentsChanged || !before || !sameProfile(before, result.customer)
            ? "updated"
            : "unchanged",
      );
      // A later row of the same chunk compares with what this one left.
      stored.byId.set(id, result.customer);
      for (const [channel, granted] of Object.entries(unit.payload.consents ?? {})) {
        if (granted !== undefined) consents.set(channel, granted ? 1 : 0);
      }
      stored.consents.set(id, consents);
    }
    return outcomes;
  });

  return {
    async add(row: MappedRow) {
      if (row.issues.length > 0) return ctx.report.reject([row.line], rowIssues(row), "row");
      const normalized = normalizeCustomerRow(ctx, nest(valuesOf(row.values)), row.line);
      if ("issues" in normalized) return ctx.report.reject([row.line], normalized.issues, "row");
      const c = normalized.customer.columns;
      await writer.add({
        lines: [row.line],
        label: `customer ${c.external_id ?? c.email ?? c.phone ?? c.line_user_id}`,
        payload: normalized.customer,
      });
    },
    finish: () => writer.flush(),
  };
}
