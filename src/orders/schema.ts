// Order input and output at the edge (camelCase JSON). Money is integer minor units of the currency.
import { z } from "zod";
import { customerInputSchema } from "../customers/index.js";
import { ORDER_CHANNELS, ORDER_STATUSES } from "../db/index.js";

const money = z.number().int().min(0);

export const orderItemInputSchema = z
  .object({
    sku: z.string().min(1).max(128),
    name: z.string().max(500).nullable().optional(),
    quantity: z.number().int().min(1).max(1_000_000),
    unitPrice: money,
    lineTotal: money.optional().describe("Defaults to quantity × unitPrice"),
  })
  .strict();

export const orderInputSchema = z
  .object({
    externalId: z
      .string()
      .min(1)
      .max(128)
      .describe("The shop's order number; re-sending it updates the order"),
    customerId: z.string().min(1).max(128).optional().describe("The shop's member id of the buyer"),
    customer: customerInputSchema
      .optional()
      .describe("The buyer's profile, upserted with the order (guest checkouts: email or phone)"),
    channel: z.enum(ORDER_CHANNELS).default("online"),
    storeId: z.string().max(128).nullable().optional().describe("For store orders: which store"),
    status: z.enum(ORDER_STATUSES).default("completed"),
    orderedAt: z.iso.datetime({ offset: true }),
    shippedAt: z.iso.datetime({ offset: true }).nullable().optional(),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, "must be an ISO 4217 code")
      .optional(),
    subtotal: money.optional().describe("Defaults to the sum of line totals"),
    discount: money.default(0),
    shipping: money.default(0),
    tax: money.default(0).describe("Tax added on top; 0 where prices include tax (usual in Japan)"),
    total: money.optional().describe("Defaults to subtotal − discount + shipping + tax"),
    couponCode: z.string().max(128).nullable().optional(),
    pointsUsed: z.number().int().min(0).default(0),
    items: z.array(orderItemInputSchema).min(1).max(1000),
  })
  .strict();

export type OrderInput = z.input<typeof orderInputSchema>;
export type ParsedOrderInput = z.output<typeof orderInputSchema>;

export const orderOutputSchema = z.object({
  id: z.number(),
  externalId: z.string(),
  customerId: z.string().nullable(),
  channel: z.string(),
  storeId: z.string().nullable(),
  status: z.string(),
  orderedAt: z.string(),
  shippedAt: z.string().nullable(),
  currency: z.string(),
  subtotal: z.number(),
  discount: z.number(),
  shipping: z.number(),
  tax: z.number(),
  total: z.number(),
  couponCode: z.string().nullable(),
  pointsUsed: z.number(),
  items: z.array(
    z.object({
      sku: z.string(),
      name: z.string().nullable(),
      quantity: z.number(),
      unitPrice: z.number(),
      lineTotal: z.number(),
    }),
  ),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export type OrderOutput = z.infer<typeof orderOutputSchema>;
