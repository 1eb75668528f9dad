// The webhook topics the Shopify adapter understands; any other topic is acknowledged and ignored.
import type { WebhookOutcome } from "../../db/index.js";

export const SHOPIFY_TOPICS = [
  "customers/create",
  "customers/update",
  "orders/create",
  "orders/updated",
  "orders/paid",
  "orders/cancelled",
  "orders/fulfilled",
  "products/create",
  "products/update",
  "inventory_levels/update",
  "checkouts/create",
  "checkouts/update",
] as const;
export type ShopifyTopic = (typeof SHOPIFY_TOPICS)[number];

export function isShopifyTopic(topic: string): topic is ShopifyTopic {
  return (SHOPIFY_TOPICS as readonly string[]).includes(topic);
}

/** What one delivery did; "failed" is decided by the dispatcher when a handler throws. */
export type TopicOutcome = Exclude<WebhookOutcome, "failed">;
