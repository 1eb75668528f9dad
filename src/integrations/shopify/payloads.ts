// The parts of Shopify's webhook payloads (REST Admin API resources: Customer, Order, Product,
// InventoryLevel, Checkout) that Kizuna reads. Objects are loose: Shopify adds fields with every API
// version, and unknown fields are simply not read.
import { z } from "zod";
import { ValidationError } from "../../core/errors.js";

/** Shopify ids are JSON numbers; kept as their decimal text. */
const id = z.union([z.number().int(), z.string().min(1)]).transform((v) => String(v));
const amount = z.union([z.string(), z.number()]);
const text = z.string().nullish();
const timestamp = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "must be a date-time");
const moneySet = z.looseObject({ shop_money: z.looseObject({ amount, currency_code: z.string() }) });

export const addressSchema = z.looseObject({
  address1: text,
  address2: text,
  city: text,
  province: text,
  province_code: text,
  zip: text,
  country_code: text,
});

const marketingConsent = z.looseObject({ state: text }).nullish();

export const customerSchema = z.looseObject({
  id,
  admin_graphql_api_id: text,
  email: text,
  phone: text,
  first_name: text,
  last_name: text,
  tags: text,
  state: text,
  created_at: timestamp.nullish(),
  updated_at: timestamp.nullish(),
  /** Deprecated since API 2022-04 but still sent by older subscriptions. */
  accepts_marketing: z.boolean().nullish(),
  email_marketing_consent: marketingConsent,
  sms_marketing_consent: marketingConsent,
  default_address: addressSchema.nullish(),
});
export type ShopifyCustomer = z.infer<typeof customerSchema>;

const lineItemSchema = z.looseObject({
  id: id.nullish(),
  sku: text,
  variant_id: id.nullish(),
  title: text,
  name: text,
  quantity: z.number().int(),
  price: amount,
  price_set: moneySet.nullish(),
});
export type ShopifyLineItem = z.infer<typeof lineItemSchema>;

export const orderSchema = z.looseObject({
  id,
  name: text,
  email: text,
  test: z.boolean().nullish(),
  created_at: timestamp,
  processed_at: timestamp.nullish(),
  updated_at: timestamp.nullish(),
  cancelled_at: timestamp.nullish(),
  financial_status: text,
  fulfillment_status: text,
  currency: z.string(),
  total_price: amount,
  total_line_items_price: amount.nullish(),
  total_discounts: amount.nullish(),
  total_tax: amount.nullish(),
  taxes_included: z.boolean().nullish(),
  total_shipping_price_set: moneySet.nullish(),
  shipping_lines: z.array(z.looseObject({ price: amount })).nullish(),
  discount_codes: z.array(z.looseObject({ code: z.string() })).nullish(),
  source_name: text,
  location_id: id.nullish(),
  customer: customerSchema.nullish(),
  line_items: z.array(lineItemSchema),
  fulfillments: z.array(z.looseObject({ created_at: timestamp.nullish(), status: text })).nullish(),
});
export type ShopifyOrder = z.infer<typeof orderSchema>;

const variantSchema = z.looseObject({
  id,
  title: text,
  sku: text,
  price: amount,
  inventory_item_id: id.nullish(),
  inventory_quantity: z.number().int().nullish(),
  /** "shopify" when Shopify tracks the stock, null when it does not (older API versions). */
  inventory_management: text,
  image_id: id.nullish(),
});
export type ShopifyVariant = z.infer<typeof variantSchema>;

export const productSchema = z.looseObject({
  id,
  title: z.string(),
  handle: text,
  product_type: text,
  vendor: text,
  status: text,
  tags: text,
  updated_at: timestamp.nullish(),
  image: z.looseObject({ src: z.string() }).nullish(),
  images: z.array(z.looseObject({ id, src: z.string() })).nullish(),
  variants: z.array(variantSchema),
});
export type ShopifyProduct = z.infer<typeof productSchema>;

export const inventoryLevelSchema = z.looseObject({
  inventory_item_id: id,
  location_id: id,
  available: z.number().int().nullish(),
  updated_at: timestamp.nullish(),
});
export type ShopifyInventoryLevel = z.infer<typeof inventoryLevelSchema>;

const checkoutLineSchema = z.looseObject({
  sku: text,
  variant_id: id.nullish(),
  title: text,
  variant_title: text,
  quantity: z.number().int(),
  price: amount,
});

export const checkoutSchema = z.looseObject({
  token: z.string().min(1),
  email: text,
  phone: text,
  created_at: timestamp,
  updated_at: timestamp.nullish(),
  completed_at: timestamp.nullish(),
  currency: text,
  presentment_currency: text,
  total_price: amount.nullish(),
  abandoned_checkout_url: text,
  customer: customerSchema.nullish(),
  line_items: z.array(checkoutLineSchema),
});
export type ShopifyCheckout = z.infer<typeof checkoutSchema>;

/** Parses a payload, or throws a ValidationError naming the fields at fault (never their values). */
export function parsePayload<T>(schema: z.ZodType<T>, payload: unknown): T {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return parsed.data;
  throw new ValidationError(
    parsed.error.issues.map((i) => ({ field: i.path.join(".") || "body", message: i.message })),
  );
}

/** The numeric id inside a GraphQL id ("gid://shopify/Customer/207119551" → "207119551"). */
export function idFromGid(gid: string | null | undefined): string | undefined {
  const match = gid ? /\/(\d+)(?:\?.*)?$/.exec(gid) : null;
  return match?.[1];
}

/** Shopify keeps tags as one comma-separated string ("VIP, リピーター"). */
export function tagList(tags: string | null | undefined): string[] {
  return (tags ?? "")
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
}
