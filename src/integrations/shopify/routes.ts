// Shopify's HTTP surface: the webhook endpoint Shopify posts to (HMAC-verified, no API key) and the
// settings endpoints a shop uses to connect its store (secret API key).
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { UnauthorizedError, ValidationError } from "../../core/errors.js";
import { sha256Hex } from "../../core/secrets.js";
import { WEBHOOK_OUTCOMES } from "../../db/index.js";
import { shopIdOf } from "../../http/auth.js";
import type { RoutePlugin } from "../../http/context.js";
import { connectShopify, disconnectShopify, loadShopifyCredentials, shopifyStatus } from "./connection.js";
import { verifyShopifyHmac } from "./signature.js";
import { handleShopifyDelivery } from "./webhooks.js";

const tags = ["integrations"];

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() || undefined;
}

// PostgreSQL refuses NUL in text and jsonb; a stray one in a product description must not fail a delivery.
const withoutNul = (_key: string, value: unknown) =>
  typeof value === "string" && value.includes("\u0000") ? value.replaceAll("\u0000", "") : value;

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString("utf8"), withoutNul);
  } catch {
    throw ValidationError.field("body", "is not JSON");
  }
}

export const shopifyWebhookRoutes: RoutePlugin = async (instance, { ctx }) => {
  const app = (instance as FastifyInstance).withTypeProvider<ZodTypeProvider>();
  // The signature covers the exact bytes Shopify sent, so in this scope (and only here) bodies stay raw
  // Buffers; JSON is parsed once the signature holds.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));

  app.post(
    "/:shopId",
    {
      config: { auth: "none" },
      schema: {
        tags,
        summary: "Shopify webhook endpoint (signed with X-Shopify-Hmac-Sha256; no API key)",
        params: z.object({ shopId: z.coerce.number().int().positive() }),
        response: {
          200: z.object({ ok: z.literal(true), outcome: z.enum([...WEBHOOK_OUTCOMES, "duplicate"]) }),
        },
      },
    },
    async (request) => {
      const { shopId } = request.params;
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const credentials = await loadShopifyCredentials(ctx.db, ctx.secret, shopId);
      if (
        !credentials ||
        !verifyShopifyHmac(raw, header(request, "x-shopify-hmac-sha256"), credentials.webhookSecret)
      ) {
        throw new UnauthorizedError("missing or invalid X-Shopify-Hmac-Sha256 signature");
      }
      if (header(request, "x-shopify-shop-domain")?.toLowerCase() !== credentials.shopDomain) {
        throw new UnauthorizedError("X-Shopify-Shop-Domain is not the store connected to this shop");
      }
      const topic = header(request, "x-shopify-topic") ?? "unknown";
      // Shopify always sends a webhook id; without one, identical bodies count as one delivery.
      const webhookId =
        header(request, "x-shopify-webhook-id")?.slice(0, 200) ?? `sha256:${sha256Hex(`${topic}\n${raw}`)}`;
      const outcome = await handleShopifyDelivery(ctx, {
        shopId,
        shopDomain: credentials.shopDomain,
        topic,
        webhookId,
        test: header(request, "x-shopify-test")?.toLowerCase() === "true",
        payload: parseJson(raw),
      });
      return { ok: true as const, outcome };
    },
  );
};

const connectBodySchema = z
  .object({
    shopDomain: z.string().min(1).max(255).describe("The store's myshopify.com domain"),
    webhookSecret: z
      .string()
      .min(1)
      .max(256)
      .optional()
      .describe("The app's client secret that signs webhooks; optional when one is already set"),
  })
  .strict();

const statusSchema = z.object({
  provider: z.literal("shopify"),
  connected: z.boolean(),
  shopDomain: z.string().nullable(),
  webhookSecretSet: z.boolean().describe("The secret itself is never returned"),
  webhookUrl: z.string().describe("Paste into Shopify as the webhook URL"),
  topics: z.array(z.string()).describe("Topics to subscribe to"),
  webhooks: z.object({
    received: z.number(),
    byOutcome: z.record(z.string(), z.number()),
    byTopic: z.record(z.string(), z.number()),
    lastReceivedAt: z.string().nullable(),
  }),
  connectedAt: z.string().nullable(),
  updatedAt: z.string().nullable(),
});

/**
 * How Shopify reaches this instance: PUBLIC_URL when configured, else as the admin calling the API
 * sees it (a proxy's forwarded headers first).
 */
function publicBaseUrl(request: FastifyRequest, configured?: string): string {
  if (configured) return configured.replace(/\/+$/, "");
  const proto = header(request, "x-forwarded-proto")?.split(",")[0].trim() || request.protocol;
  const host = header(request, "x-forwarded-host")?.split(",")[0].trim() || request.host;
  return `${proto}://${host}`;
}

export const shopifySettingsRoutes: RoutePlugin = async (instance, { ctx }) => {
  const app = (instance as FastifyInstance).withTypeProvider<ZodTypeProvider>();
  const { db, clock } = ctx;

  app.get(
    "/integrations/shopify",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "The shop's Shopify connection: store, webhook URL to paste, deliveries received",
        response: { 200: statusSchema },
      },
    },
    async (request) => shopifyStatus(db, shopIdOf(request), publicBaseUrl(request, ctx.publicUrl)),
  );

  app.put(
    "/integrations/shopify",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "Connect (or reconnect) the shop's Shopify store; the secret is stored encrypted",
        body: connectBodySchema,
        response: { 200: statusSchema },
      },
    },
    async (request) => {
      const shopId = shopIdOf(request);
      await connectShopify(db, clock, ctx.secret, shopId, request.body);
      return shopifyStatus(db, shopId, publicBaseUrl(request, ctx.publicUrl));
    },
  );

  app.delete(
    "/integrations/shopify",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "Disconnect the Shopify store: its webhooks are refused from now on",
        response: { 200: z.object({ disconnected: z.boolean() }) },
      },
    },
    async (request) => ({ disconnected: await disconnectShopify(db, shopIdOf(request)) }),
  );
};
