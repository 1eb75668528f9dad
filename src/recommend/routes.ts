// Recommendations over the API: a customer's list and a product's related products, both in stock.
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { findProductBySku } from "../catalog/index.js";
import { NotFoundError } from "../core/errors.js";
import { findByExternalId } from "../customers/index.js";
import { shopIdOf } from "../http/auth.js";
import type { RoutePlugin } from "../http/context.js";
import type { ProductCard } from "../messaging/render/recommendations.js";
import { recommendationsFor, relatedProducts } from "./service.js";

const tags = ["recommendations"];
const limitQuery = z.object({ limit: z.coerce.number().int().min(1).max(30).default(8) });
const productOut = z.object({
  sku: z.string(),
  name: z.string(),
  price: z.number().describe("Minor units"),
  currency: z.string(),
  url: z.string().nullable(),
  imageUrl: z.string().nullable(),
});
const toOut = (p: ProductCard) => ({
  sku: p.sku,
  name: p.name,
  price: Number(p.price),
  currency: p.currency,
  url: p.url,
  imageUrl: p.image_url,
});

export const recommendationRoutes: RoutePlugin = async (instance, { ctx }) => {
  const app = (instance as FastifyInstance).withTypeProvider<ZodTypeProvider>();
  const { db, clock } = ctx;

  app.get(
    "/customers/:externalId/recommendations",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "Products recommended to a customer, best first (in stock only)",
        description:
          "From the shop's last recommendation rebuild, kept current as the customer orders and browses; best sellers for a customer with no history.",
        params: z.object({ externalId: z.string().min(1).max(128) }),
        querystring: limitQuery,
        response: { 200: z.object({ products: z.array(productOut) }) },
      },
    },
    async (request) => {
      const shopId = shopIdOf(request);
      const customer = await findByExternalId(db, shopId, request.params.externalId);
      if (!customer) throw new NotFoundError(`customer ${request.params.externalId}`);
      const lists = await recommendationsFor(db, shopId, [customer.id], request.query.limit, clock.now());
      return { products: (lists.get(customer.id) ?? []).map(toOut) };
    },
  );

  app.get(
    "/products/:sku/related",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "Products like this one, and products bought in the same orders (in stock only)",
        params: z.object({ sku: z.string().min(1).max(128) }),
        querystring: limitQuery,
        response: {
          200: z.object({ similar: z.array(productOut), boughtTogether: z.array(productOut) }),
        },
      },
    },
    async (request) => {
      const shopId = shopIdOf(request);
      const product = await findProductBySku(db, shopId, request.params.sku);
      if (!product) throw new NotFoundError(`product ${request.params.sku}`);
      const related = await relatedProducts(db, shopId, product.id, request.query.limit, clock.now());
      return { similar: related.similar.map(toOut), boughtTogether: related.boughtTogether.map(toOut) };
    },
  );
};
