// Order rows: one row per line item; the rows with the same externalId make one order. By default an
// order's rows must follow each other (the file streams through in constant memory); with
// "orderRows": "scattered" they may be anywhere and orders are held until the end of the file.
// An order is written whole or not at all: one bad row rejects its order.
import { ensureProducts } from "../catalog/index.js";
import { orderInputSchema, type ParsedOrderInput, upsertOrder, upsertOrders } from "../orders/index.js";
import {
  createWriter,
  type ImportContext,
  type LocatedIssue,
  type RowSink,
  rowIssues,
  schemaIssues,
} from "./context.js";
import { normalizeCustomerRow } from "./customers.js";
import { ITEM_FIELDS } from "./fields.js";
import { type FieldValue, type MappedRow, nest, type Value } from "./plan.js";
import type { Outcome } from "./report.js";

interface OrderGroup {
  externalId: string;
  rows: MappedRow[];
}

interface ItemDraft {
  line: number;
  sku?: Value;
  name?: Value;
  quantity?: Value;
  unitPrice?: Value;
  lineTotal?: Value;
}

const isItemField = (field: string) => Object.hasOwn(ITEM_FIELDS, field);

function itemOf(row: MappedRow): ItemDraft {
  const get = (field: string) => row.values.get(field)?.value;
  const item: ItemDraft = {
    line: row.line,
    sku: get("sku"),
    name: get("name"),
    quantity: get("quantity"),
    unitPrice: get("unitPrice"),
    lineTotal: get("lineTotal"),
  };
  // Files that state only the line total (CDNOW) get the unit price it implies.
  if (
    item.unitPrice === undefined &&
    typeof item.lineTotal === "number" &&
    typeof item.quantity === "number"
  ) {
    if (item.quantity > 0) item.unitPrice = Math.round(item.lineTotal / item.quantity);
  }
  return item;
}

/** Lines with the same SKU become one: quantities and line totals added. */
function mergeSameSku(items: ItemDraft[]): ItemDraft[] {
  const bySku = new Map<Value, ItemDraft>();
  const out: ItemDraft[] = [];
  for (const item of items) {
    const { sku, quantity, unitPrice } = item;
    if (typeof quantity !== "number" || typeof unitPrice !== "number" || sku === undefined) {
      out.push(item); // left for validation to reject
      continue;
    }
    const lineTotal = typeof item.lineTotal === "number" ? item.lineTotal : quantity * unitPrice;
    const seen = bySku.get(sku);
    if (!seen) {
      const first = { ...item, lineTotal };
      bySku.set(sku, first);
      out.push(first);
      continue;
    }
    const q = (seen.quantity as number) + quantity;
    const total = (seen.lineTotal as number) + lineTotal;
    seen.unitPrice = seen.unitPrice === unitPrice ? unitPrice : Math.round(total / q);
    seen.quantity = q;
    seen.lineTotal = total;
  }
  return out;
}

export function orderSink(ctx: ImportContext): RowSink {
  const scattered = ctx.mapping.orderRows === "scattered";
  const merge = ctx.mapping.sameSkuLines === "merge";
  const guestsOnly = ctx.mapping.buyerDetails === "guests";
  /** Consecutive mode: orders already passed, with their first line. */
  const ended = new Map<string, number>();
  /** Scattered mode: every order of the file; consecutive mode: none (see `current`). */
  const open = new Map<string, OrderGroup>();
  let current: OrderGroup | undefined;

  const knownSkus = new Set<string>();

  const writer = createWriter<ParsedOrderInput>(
    ctx,
    async (trx, units) => {
      const { clock, shop, source } = ctx;
      // A single order is the writer's row-by-row retry of a failed chunk: the plain path.
      const results =
        units.length === 1
          ? [await upsertOrder(trx, clock, shop.id, shop.currency, units[0].payload, source)]
          : await upsertOrders(
              trx,
              clock,
              shop.id,
              shop.currency,
              units.map((u) => u.payload),
              source,
            );
      return results.map((r): Outcome => (r.created ? "created" : r.changed ? "updated" : "unchanged"));
    },
    {
      // Orders that bring a buyer profile all go to one lane: profiles found by email or phone have no
      // unique key to stop two transactions creating the same person. Orders naming only a member id
      // are spread by it (the unique member id settles any race).
      laneOf: ({ payload }) => (payload.customer ? "" : `${payload.customerId ?? payload.externalId}`),
      // New products first, created just as upsertOrder would (ensureProducts, first mention wins),
      // so that parallel chunks do not race to create them.
      beforeBatch: async (trx, units) => {
        for (const { payload } of units) {
          const items = payload.items.filter((i) => !knownSkus.has(i.sku));
          if (items.length === 0) continue;
          await ensureProducts(trx, ctx.clock, ctx.shop.id, items, payload.currency ?? ctx.shop.currency);
          for (const item of items) knownSkus.add(item.sku);
        }
      },
    },
  );

  const complete = async (group: OrderGroup): Promise<void> => {
    const lines = group.rows.map((r) => r.line);
    const what = `order ${group.externalId}`;
    const rowProblems = group.rows.flatMap(rowIssues);
    if (rowProblems.length > 0) return ctx.report.reject(lines, rowProblems, what);

    // Order fields: the first row that has a value gives it.
    const header = new Map<string, FieldValue & { line: number }>();
    for (const row of group.rows) {
      for (const [field, value] of row.values) {
        if (!isItemField(field) && !header.has(field)) header.set(field, { ...value, line: row.line });
      }
    }
    const drafts = group.rows.map(itemOf);
    const items = merge ? mergeSameSku(drafts) : drafts;
    const input = nest([...header].map(([field, v]) => [field, v.value]));
    if (guestsOnly && input.customerId !== undefined) delete input.customer;
    input.items = items.map(({ line: _line, ...item }) =>
      Object.fromEntries(Object.entries(item).filter(([, v]) => v !== undefined)),
    );

    const locate = (field: string) => {
      const item = /^items\.(\d+)\.(.+)$/.exec(field);
      if (item) return { line: items[Number(item[1])]?.line ?? lines[0], column: ctx.plan.columnOf(item[2]) };
      return { line: header.get(field)?.line ?? lines[0], column: ctx.plan.columnOf(field) };
    };
    // "items.2.quantity" is the quantity of the row the third line came from.
    const located = (issues: LocatedIssue[]) =>
      issues.map((issue) => ({
        ...issue,
        ...(issue.field ? locate(issue.field) : {}),
        field: issue.field?.replace(/^items\.\d+\./, "") ?? null,
      }));

    const parsed = orderInputSchema.safeParse(input);
    if (!parsed.success) {
      return ctx.report.reject(lines, located(schemaIssues(parsed.error, ctx, lines[0])), what);
    }
    // The buyer's profile is checked now, so a bad email rejects the order before any writing.
    const buyer = parsed.data.customer;
    if (buyer) {
      const checked = normalizeCustomerRow(
        ctx,
        { ...buyer, externalId: buyer.externalId ?? parsed.data.customerId },
        lines[0],
        "customer.",
      );
      if ("issues" in checked) return ctx.report.reject(lines, located(checked.issues), what);
    }
    await writer.add({ lines, label: what, payload: parsed.data, locate });
  };

  const rejectUngrouped = (row: MappedRow, reason: string) =>
    ctx.report.reject(
      [row.line],
      [
        ...rowIssues(row),
        { line: row.line, field: "externalId", column: ctx.plan.columnOf("externalId"), reason },
      ],
      "row",
    );

  return {
    async add(row: MappedRow) {
      const externalId = row.values.get("externalId")?.value;
      if (externalId === undefined) return rejectUngrouped(row, "required: the order number");
      const key = String(externalId);
      if (scattered) {
        const group = open.get(key);
        if (group) group.rows.push(row);
        else open.set(key, { externalId: key, rows: [row] });
        return;
      }
      if (current?.externalId === key) {
        current.rows.push(row);
        return;
      }
      if (current) {
        ended.set(current.externalId, current.rows[0].line);
        const done = current;
        current = undefined;
        await complete(done);
      }
      const began = ended.get(key);
      if (began !== undefined) {
        return rejectUngrouped(
          row,
          `order ${key} began at line ${began} and other orders came between; an order's rows must be ` +
            'consecutive (or set "orderRows": "scattered" in the mapping)',
        );
      }
      current = { externalId: key, rows: [row] };
    },
    async finish() {
      if (current) await complete(current);
      current = undefined;
      if (open.size > 0) ctx.onFinalWrite?.(open.size);
      for (const group of open.values()) await complete(group);
      open.clear();
      await writer.flush();
    },
  };
}
