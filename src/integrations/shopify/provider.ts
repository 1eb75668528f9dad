// The provider name under which Shopify's connection, receipts and versions are stored.
export const SHOPIFY = "shopify";
