// Postal DM endpoints (secret key): export the due postal messages as a print vendor's CSV, list the
// batches exported so far, and download a batch's CSV again.
import type { FastifyInstance, FastifyReply } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { shopIdOf } from "../../http/auth.js";
import type { RoutePlugin } from "../../http/context.js";
import { listPostalBatches } from "./batches.js";
import { CSV_ENCODINGS, csvContentType } from "./csv.js";
import {
  exportPostalBatch,
  MAX_POSTAL_EXPORT_LIMIT,
  POSTAL_CSV_COLUMNS,
  type PostalExport,
  postalBatchCsv,
} from "./export.js";

const tags = ["postal"];

export const POSTAL_BATCH_HEADER = "x-kizuna-batch-id";

const encodingSchema = z
  .enum(CSV_ENCODINGS)
  .default("utf8")
  .describe("utf8 (with a BOM, for Excel) or cp932 (Shift_JIS, for print vendors' systems)");

const exportInputSchema = z
  .object({
    limit: z
      .number()
      .int()
      .min(1)
      .max(MAX_POSTAL_EXPORT_LIMIT)
      .optional()
      .describe("At most this many messages"),
    encoding: encodingSchema,
  })
  .strict();

const batchesOutputSchema = z.object({
  batches: z.array(z.object({ batchId: z.string(), rows: z.number(), exportedAt: z.string() })),
});

function sendCsv(reply: FastifyReply, result: PostalExport) {
  if (result.batchId) reply.header(POSTAL_BATCH_HEADER, result.batchId);
  const file = (result.batchId ?? "postal-empty").replace(/[^A-Za-z0-9._-]/g, "_");
  return reply
    .header("x-kizuna-rows", String(result.rows))
    .header("x-kizuna-skipped", String(result.skipped.length))
    .header("content-disposition", `attachment; filename="${file}.csv"`)
    .header("cache-control", "no-store")
    .type(csvContentType(result.encoding))
    .send(result.csv);
}

export const postalRoutes: RoutePlugin = async (instance, { ctx }) => {
  const app = (instance as FastifyInstance).withTypeProvider<ZodTypeProvider>();
  const { db, clock } = ctx;

  app.post(
    "/v1/postal/exports",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "Export the due postal DMs as a CSV for the print vendor; they are recorded as sent",
        description:
          `Columns: ${POSTAL_CSV_COLUMNS.join(", ")}. The batch id is in the X-Kizuna-Batch-Id header ` +
          "(absent when nothing was due); X-Kizuna-Rows and X-Kizuna-Skipped count the rows written and the " +
          "messages left out for want of an address (recorded as failed).",
        body: exportInputSchema.default({ encoding: "utf8" }),
      },
    },
    async (request, reply) => {
      const { limit, encoding } = request.body;
      return sendCsv(
        reply,
        await exportPostalBatch(db, clock, { shopId: shopIdOf(request), limit, encoding }),
      );
    },
  );

  app.get(
    "/v1/postal/exports/:batchId",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "A batch's CSV again, with the customers' current addresses; records nothing",
        params: z.object({ batchId: z.string().min(1).max(64) }),
        querystring: z.object({ encoding: encodingSchema }).strict(),
      },
    },
    async (request, reply) =>
      sendCsv(
        reply,
        await postalBatchCsv(db, shopIdOf(request), request.params.batchId, request.query.encoding),
      ),
  );

  app.get(
    "/v1/postal/exports",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "Postal DM batches exported so far, the latest first",
        response: { 200: batchesOutputSchema },
      },
    },
    async (request) => ({ batches: await listPostalBatches(db, shopIdOf(request)) }),
  );
};
