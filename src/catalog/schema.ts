// Product input and output at the edge (camelCase JSON).
import { z } from "zod";

// Product links end up in emails and the admin: only web addresses, never javascript: or data: URLs.
const webUrl = () => z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).max(2000);

export const productInputSchema = z
  .object({
    sku: z.string().min(1).max(128),
    name: z.string().min(1).max(500),
    categoryPath: z
      .string()
      .max(500)
      .nullable()
      .optional()
      .describe('Slash-separated, e.g. "スキンケア/化粧水"'),
    price: z
      .number()
      .int()
      .min(0)
      .describe("Integer minor units of the currency (JPY has none: ¥1,280 is 1280)"),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, "must be an ISO 4217 code")
      .optional()
      .describe("Defaults to the shop's currency"),
    stock: z.number().int().min(0).nullable().optional().describe("Units on hand; null when not tracked"),
    url: webUrl().nullable().optional(),
    imageUrl: webUrl().nullable().optional(),
    replenishmentDays: z.number().int().min(1).max(3650).nullable().optional(),
    warrantyMonths: z.number().int().min(1).max(600).nullable().optional(),
    consumable: z.boolean().optional(),
    attributes: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export type ProductInput = z.infer<typeof productInputSchema>;

export const productOutputSchema = z.object({
  id: z.number(),
  sku: z.string(),
  name: z.string(),
  categoryPath: z.string().nullable(),
  price: z.number(),
  currency: z.string(),
  stock: z.number().nullable(),
  url: z.string().nullable(),
  imageUrl: z.string().nullable(),
  replenishmentDays: z.number().nullable(),
  warrantyMonths: z.number().nullable(),
  consumable: z.boolean(),
  attributes: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export type ProductOutput = z.infer<typeof productOutputSchema>;
