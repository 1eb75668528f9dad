// Catalogue endpoints: upsert products (single and batch), read by SKU, set stock.
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { inTransaction } from "../db/index.js";
import { shopIdOf } from "../http/auth.js";
import type { RoutePlugin } from "../http/context.js";
import { getShop } from "../shops/index.js";
import { getProduct, productToOutput, setStock, upsertProduct } from "./products.js";
import { productInputSchema, productOutputSchema } from "./schema.js";

const MAX_BATCH = 1000;
const tags = ["products"];
const skuParams = z.object({ sku: z.string().min(1).max(128) });
const upsertResponse = z.object({
  product: productOutputSchema,
  created: z.boolean(),
  changed: z.boolean(),
  restocked: z.boolean(),
});

export const catalogRoutes: RoutePlugin = async (instance, { ctx }) => {
  const app = (instance as FastifyInstance).withTypeProvider<ZodTypeProvider>();
  const { db, clock } = ctx;

  app.post(
    "/products",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "Create or update a product by SKU; a stock change from 0 to positive records a restock",
        body: productInputSchema,
        response: { 200: upsertResponse },
      },
    },
    async (request) => {
      const shopId = shopIdOf(request);
      const shop = await getShop(db, shopId);
      const r = await inTransaction(db, (trx) =>
        upsertProduct(trx, clock, shopId, request.body, shop.currency),
      );
      return { ...r, product: productToOutput(r.product) };
    },
  );

  app.post(
    "/products/batch",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: `Create or update up to ${MAX_BATCH} products in one transaction (all or nothing)`,
        body: z.object({ products: z.array(productInputSchema).min(1).max(MAX_BATCH) }).strict(),
        response: {
          200: z.object({
            results: z.array(
              z.object({
                sku: z.string(),
                created: z.boolean(),
                changed: z.boolean(),
                restocked: z.boolean(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const shopId = shopIdOf(request);
      const shop = await getShop(db, shopId);
      const results = await inTransaction(db, async (trx) => {
        const out = [];
        for (const p of request.body.products) {
          const r = await upsertProduct(trx, clock, shopId, p, shop.currency);
          out.push({ sku: r.product.sku, created: r.created, changed: r.changed, restocked: r.restocked });
        }
        return out;
      });
      return { results };
    },
  );

  app.get(
    "/products/:sku",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "A product by SKU",
        params: skuParams,
        response: { 200: productOutputSchema },
      },
    },
    async (request) => productToOutput(await getProduct(db, shopIdOf(request), request.params.sku)),
  );

  app.put(
    "/products/:sku/stock",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "Set the stock of a product (inventory feeds); 0 → positive records a restock",
        params: skuParams,
        body: z.object({ stock: z.number().int().min(0) }).strict(),
        response: { 200: upsertResponse },
      },
    },
    async (request) => {
      const shopId = shopIdOf(request);
      const r = await inTransaction(db, (trx) =>
        setStock(trx, clock, shopId, request.params.sku, request.body.stock),
      );
      return { ...r, product: productToOutput(r.product) };
    },
  );
};
