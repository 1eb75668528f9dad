// One Shopify webhook delivery, already verified: recognise retries, parse the payload for its topic,
// apply it in one transaction with its receipt. A delivery whose content cannot be used (a payload
// Kizuna cannot read, an identity conflict) is recorded as failed and acknowledged, since Shopify would
// otherwise retry it for two days and then remove the subscription; the status counts make it visible.
import { ZodError, type z } from "zod";
import type { Clock } from "../../core/clock.js";
import { KizunaError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import { type Db, inTransaction, type WebhookOutcome } from "../../db/index.js";
import { getShop } from "../../shops/index.js";
import { claimDelivery, type Delivery, recordFailedDelivery, setDeliveryOutcome } from "../receipts.js";
import { syncShopifyCheckout } from "./checkouts.js";
import { syncShopifyCustomer } from "./customers.js";
import { syncShopifyOrder } from "./orders.js";
import {
  checkoutSchema,
  customerSchema,
  inventoryLevelSchema,
  orderSchema,
  parsePayload,
  productSchema,
} from "./payloads.js";
import { syncShopifyInventoryLevel, syncShopifyProduct } from "./products.js";
import { SHOPIFY } from "./provider.js";
import { isShopifyTopic, type ShopifyTopic, type TopicOutcome } from "./topics.js";

export interface ShopifyDelivery {
  shopId: number;
  /** The connected store's domain (verified against the request's X-Shopify-Shop-Domain). */
  shopDomain: string;
  topic: string;
  /** X-Shopify-Webhook-Id: the same for every retry of one delivery. */
  webhookId: string;
  /** X-Shopify-Test: the admin's "send test notification" samples, counted but not imported. */
  test?: boolean;
  payload: unknown;
}

export type DeliveryResult = WebhookOutcome | "duplicate";

export interface WebhookDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
}

interface TopicEnv {
  clock: Clock;
  shopId: number;
  shopDomain: string;
  shopCurrency: string;
}

type Apply = (trx: Db, env: TopicEnv) => Promise<TopicOutcome>;
/** Parses the payload (throwing a ValidationError) and returns what applies it. */
type TopicHandler = (payload: unknown) => Apply;

function topic<T>(schema: z.ZodType<T>, run: (trx: Db, env: TopicEnv, resource: T) => Promise<TopicOutcome>) {
  return (payload: unknown): Apply => {
    const resource = parsePayload(schema, payload);
    return (trx, env) => run(trx, env, resource);
  };
}

const customer = topic(customerSchema, async (trx, env, c) => {
  const { stale } = await syncShopifyCustomer(trx, env.clock, env.shopId, c);
  return stale ? "stale" : "processed";
});
const order = topic(orderSchema, (trx, env, o) =>
  syncShopifyOrder(trx, env.clock, env.shopId, env.shopCurrency, o),
);
const product = topic(productSchema, (trx, env, p) =>
  syncShopifyProduct(trx, env.clock, env.shopId, { domain: env.shopDomain, currency: env.shopCurrency }, p),
);
const inventoryLevel = topic(inventoryLevelSchema, (trx, env, l) =>
  syncShopifyInventoryLevel(trx, env.clock, env.shopId, l),
);
const checkout = topic(checkoutSchema, (trx, env, c) =>
  syncShopifyCheckout(trx, env.clock, env.shopId, env.shopCurrency, c),
);

const HANDLERS: Record<ShopifyTopic, TopicHandler> = {
  "customers/create": customer,
  "customers/update": customer,
  "orders/create": order,
  "orders/updated": order,
  "orders/paid": order,
  "orders/cancelled": order,
  "orders/fulfilled": order,
  "products/create": product,
  "products/update": product,
  "inventory_levels/update": inventoryLevel,
  "checkouts/create": checkout,
  "checkouts/update": checkout,
};

async function acknowledgeOnly(deps: WebhookDeps, delivery: Delivery): Promise<DeliveryResult> {
  return inTransaction(deps.db, async (trx) => {
    if (!(await claimDelivery(trx, deps.clock, delivery))) return "duplicate";
    await setDeliveryOutcome(trx, delivery, "ignored");
    return "ignored";
  });
}

export async function handleShopifyDelivery(
  deps: WebhookDeps,
  input: ShopifyDelivery,
): Promise<DeliveryResult> {
  const { db, clock, logger } = deps;
  const delivery: Delivery = {
    shopId: input.shopId,
    provider: SHOPIFY,
    webhookId: input.webhookId,
    topic: input.topic,
  };
  if (!isShopifyTopic(input.topic)) {
    // Topic names only: payloads carry personal data and are never logged.
    logger.debug({ shopId: input.shopId, topic: input.topic }, "shopify webhook topic not handled; ignored");
    return acknowledgeOnly(deps, delivery);
  }
  if (input.test) return acknowledgeOnly(deps, delivery);
  try {
    const apply = HANDLERS[input.topic](input.payload);
    const shop = await getShop(db, input.shopId);
    const env: TopicEnv = {
      clock,
      shopId: shop.id,
      shopDomain: input.shopDomain,
      shopCurrency: shop.currency,
    };
    return await inTransaction(db, async (trx) => {
      if (!(await claimDelivery(trx, clock, delivery))) return "duplicate";
      const outcome = await apply(trx, env);
      if (outcome !== "processed") await setDeliveryOutcome(trx, delivery, outcome);
      return outcome;
    });
  } catch (err) {
    // Content Kizuna cannot take fails the same way on every retry; anything else (the database being
    // away) is a server error, and Shopify's retry is welcome.
    if (!(err instanceof KizunaError || err instanceof ZodError)) throw err;
    const fields =
      err instanceof KizunaError ? err.issues.map((i) => i.field) : err.issues.map((i) => i.path.join("."));
    logger.warn(
      {
        shopId: input.shopId,
        topic: input.topic,
        webhookId: input.webhookId,
        code: err instanceof KizunaError ? err.code : "validation_failed",
        fields,
      },
      "shopify webhook could not be applied; recorded as failed",
    );
    await recordFailedDelivery(db, clock, delivery);
    return "failed";
  }
}
