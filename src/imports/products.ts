// Product rows: each row is one product, validated like the API's input and upserted by SKU.
import { type ProductInput, productInputSchema, upsertProduct } from "../catalog/index.js";
import { createWriter, type ImportContext, type RowSink, rowIssues, schemaIssues } from "./context.js";
import { type MappedRow, nest, valuesOf } from "./plan.js";
import type { Outcome } from "./report.js";

export function productSink(ctx: ImportContext): RowSink {
  const writer = createWriter<ProductInput>(ctx, async (trx, units) => {
    const outcomes: Outcome[] = [];
    for (const unit of units) {
      const result = await upsertProduct(trx, ctx.clock, ctx.shop.id, unit.payload, ctx.shop.currency);
      outcomes.push(result.created ? "created" : result.changed ? "updated" : "unchanged");
    }
    return outcomes;
  });

  return {
    async add(row: MappedRow) {
      if (row.issues.length > 0) return ctx.report.reject([row.line], rowIssues(row), "row");
      const parsed = productInputSchema.safeParse(nest(valuesOf(row.values)));
      if (!parsed.success) {
        return ctx.report.reject([row.line], schemaIssues(parsed.error, ctx, row.line), "row");
      }
      await writer.add({ lines: [row.line], label: `product ${parsed.data.sku}`, payload: parsed.data });
    },
    finish: () => writer.flush(),
  };
}
