// The Shopify adapter: connection settings, webhook verification and the mapping of Shopify's
// customers, orders, products, inventory levels and checkouts onto Kizuna's data.
export {
  connectedShopIds,
  connectShopify,
  disconnectShopify,
  loadShopifyCredentials,
  normalizeShopDomain,
  SHOPIFY_WEBHOOK_PATH,
  type ShopifyConnectionInput,
  type ShopifyStatus,
  shopifyStatus,
  shopifyWebhookUrl,
} from "./connection.js";
export { SHOPIFY } from "./provider.js";
export { shopifySettingsRoutes, shopifyWebhookRoutes } from "./routes.js";
export { shopifyHmac, verifyShopifyHmac } from "./signature.js";
export { SHOPIFY_TOPICS, type ShopifyTopic } from "./topics.js";
export { type DeliveryResult, handleShopifyDelivery, type ShopifyDelivery } from "./webhooks.js";
