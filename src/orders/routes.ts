// Order endpoints: upsert (single and batch, idempotent on the order number) and read back.
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { inTransaction } from "../db/index.js";
import { shopIdOf } from "../http/auth.js";
import type { RoutePlugin } from "../http/context.js";
import { getShop } from "../shops/index.js";
import { upsertOrders } from "./batch.js";
import { getOrder, upsertOrder } from "./orders.js";
import { orderInputSchema, orderOutputSchema } from "./schema.js";

const MAX_BATCH = 500;
const tags = ["orders"];
const resultSchema = z.object({
  externalId: z.string(),
  id: z.number(),
  created: z.boolean(),
  changed: z.boolean(),
});

export const orderRoutes: RoutePlugin = async (instance, { ctx }) => {
  const app = (instance as FastifyInstance).withTypeProvider<ZodTypeProvider>();
  const { db, clock } = ctx;

  app.post(
    "/orders",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "Create or update an order with its items (idempotent on externalId)",
        body: orderInputSchema,
        response: { 200: resultSchema },
      },
    },
    async (request) => {
      const shopId = shopIdOf(request);
      const shop = await getShop(db, shopId);
      const r = await inTransaction(db, (trx) =>
        upsertOrder(trx, clock, shopId, shop.currency, request.body, "api"),
      );
      return { externalId: r.order.external_id, id: r.order.id, created: r.created, changed: r.changed };
    },
  );

  app.post(
    "/orders/batch",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: `Create or update up to ${MAX_BATCH} orders in one transaction (all or nothing)`,
        body: z.object({ orders: z.array(orderInputSchema).min(1).max(MAX_BATCH) }).strict(),
        response: { 200: z.object({ results: z.array(resultSchema) }) },
      },
    },
    async (request) => {
      const shopId = shopIdOf(request);
      const shop = await getShop(db, shopId);
      const { orders } = request.body;
      const written = await inTransaction(db, (trx) =>
        upsertOrders(
          trx,
          clock,
          shopId,
          shop.currency,
          orders,
          "api",
          orders.map((_, i) => `orders[${i}].`),
        ),
      );
      const results = written.map((r) => ({
        externalId: r.order.external_id,
        id: r.order.id,
        created: r.created,
        changed: r.changed,
      }));
      return { results };
    },
  );

  app.get(
    "/orders/:externalId",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "An order with its items",
        params: z.object({ externalId: z.string().min(1).max(128) }),
        response: { 200: orderOutputSchema },
      },
    },
    async (request) => getOrder(db, shopIdOf(request), request.params.externalId),
  );
};
