// The Kizuna fields a CSV column can fill, per kind of import, with the type each cell is read as.
// Names are those of the API's input schemas (camelCase); `attributes.<key>`, `consents.<channel>`
// and, on orders, `customer.<field>` reach into the nested objects.
import { CHANNELS } from "../db/index.js";

export const IMPORT_KINDS = ["customers", "orders", "products"] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export type FieldType = "text" | "integer" | "money" | "timestamp" | "date" | "boolean";

const CUSTOMER_FIELDS: Record<string, FieldType> = {
  externalId: "text",
  email: "text",
  phone: "text",
  lineUserId: "text",
  firstName: "text",
  lastName: "text",
  firstNameKana: "text",
  lastNameKana: "text",
  birthday: "date",
  gender: "text",
  postalCode: "text",
  prefecture: "text",
  address: "text",
  memberRank: "text",
  createdAt: "timestamp",
};

const PRODUCT_FIELDS: Record<string, FieldType> = {
  sku: "text",
  name: "text",
  categoryPath: "text",
  price: "money",
  currency: "text",
  stock: "integer",
  url: "text",
  imageUrl: "text",
  replenishmentDays: "integer",
  warrantyMonths: "integer",
  consumable: "boolean",
};

/** Fields of the order itself: every row of one order carries the same (the first non-empty wins). */
export const ORDER_FIELDS: Record<string, FieldType> = {
  externalId: "text",
  customerId: "text",
  channel: "text",
  storeId: "text",
  status: "text",
  orderedAt: "timestamp",
  shippedAt: "timestamp",
  currency: "text",
  subtotal: "money",
  discount: "money",
  shipping: "money",
  tax: "money",
  total: "money",
  couponCode: "text",
  pointsUsed: "integer",
};

/** Fields of one line item: one per row. */
export const ITEM_FIELDS: Record<string, FieldType> = {
  sku: "text",
  name: "text",
  quantity: "integer",
  unitPrice: "money",
  lineTotal: "money",
};

const ATTRIBUTE = /^attributes\.[^.]+$/;

function customerFieldType(field: string): FieldType | undefined {
  if (Object.hasOwn(CUSTOMER_FIELDS, field)) return CUSTOMER_FIELDS[field];
  if (ATTRIBUTE.test(field)) return "text";
  if (field.startsWith("consents.") && (CHANNELS as readonly string[]).includes(field.slice(9))) {
    return "boolean";
  }
  return undefined;
}

export function fieldType(kind: ImportKind, field: string): FieldType | undefined {
  switch (kind) {
    case "customers":
      return customerFieldType(field);
    case "products":
      if (Object.hasOwn(PRODUCT_FIELDS, field)) return PRODUCT_FIELDS[field];
      return ATTRIBUTE.test(field) ? "text" : undefined;
    case "orders":
      if (Object.hasOwn(ORDER_FIELDS, field)) return ORDER_FIELDS[field];
      if (Object.hasOwn(ITEM_FIELDS, field)) return ITEM_FIELDS[field];
      return field.startsWith("customer.") ? customerFieldType(field.slice(9)) : undefined;
  }
}

/** For error messages: the fields a kind accepts. */
export function fieldNames(kind: ImportKind): string[] {
  switch (kind) {
    case "customers":
      return [...Object.keys(CUSTOMER_FIELDS), "attributes.<key>", "consents.<channel>"];
    case "products":
      return [...Object.keys(PRODUCT_FIELDS), "attributes.<key>"];
    case "orders":
      return [...Object.keys(ORDER_FIELDS), ...Object.keys(ITEM_FIELDS), "customer.<customer field>"];
  }
}

/**
 * Fields a file must be able to fill (from a column, a derived value or a default), as alternatives:
 * each inner list needs one of its fields.
 */
export const REQUIRED_FIELDS: Record<ImportKind, string[][]> = {
  customers: [["externalId", "email", "phone", "lineUserId"]],
  products: [["sku"], ["name"], ["price"]],
  orders: [["externalId"], ["orderedAt"], ["sku"], ["quantity"], ["unitPrice", "lineTotal"]],
};
