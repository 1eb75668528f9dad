// Privacy endpoints under /v1/customers (secret key): everything about one customer as one JSON
// document, and erasure. The customer is named by external id or "#<id>" (percent-encoded: %23<id>).
import { Readable } from "node:stream";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { shopIdOf } from "../http/auth.js";
import type { RoutePlugin } from "../http/context.js";
import { eraseCustomer } from "./erase.js";
import { customerExport } from "./export.js";
import { customerByRef } from "./resolve.js";

const tags = ["customers"];
const params = z.object({
  externalId: z
    .string()
    .min(1)
    .max(128)
    .describe('The external id, or "#" and the numeric id (%23 in a URL)'),
});

/** Who asked, as the erasure record keeps it: the key's or the user's id, never a key or an address. */
function sourceOf(request: FastifyRequest): string {
  const p: object | null = request.principal;
  if (p && "userId" in p) return `user:${String(p.userId)}`;
  if (p && "keyId" in p) return `api_key:${String(p.keyId)}`;
  return "api";
}

export const privacyRoutes: RoutePlugin = async (instance, { ctx }) => {
  const app = (instance as FastifyInstance).withTypeProvider<ZodTypeProvider>();
  const { db, clock } = ctx;

  app.get(
    "/customers/:externalId/export",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary:
          "Everything stored about a customer, as one JSON document (APPI disclosure, GDPR access and portability)",
        params,
      },
    },
    async (request, reply) => {
      const shopId = shopIdOf(request);
      const customer = await customerByRef(db, shopId, request.params.externalId);
      return reply
        .type("application/json; charset=utf-8")
        .header("content-disposition", `attachment; filename="customer-${customer.id}.json"`)
        .header("cache-control", "no-store")
        .send(Readable.from(customerExport(db, clock, shopId, customer)));
    },
  );

  app.delete(
    "/customers/:externalId",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary:
          "Erase a customer: personal data removed in one transaction, orders and message statistics kept anonymous",
        params,
        response: {
          200: z.object({
            erased: z.object({
              customerId: z.number(),
              erasedAt: z.string(),
              source: z.string(),
              tables: z.record(z.string(), z.number()),
            }),
          }),
        },
      },
    },
    async (request) => {
      const shopId = shopIdOf(request);
      const customer = await customerByRef(db, shopId, request.params.externalId);
      const erased = await eraseCustomer(db, clock, shopId, customer, {
        source: sourceOf(request),
        secret: ctx.secret,
      });
      return { erased };
    },
  );
};
