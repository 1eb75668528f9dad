// Input and output shapes of customer data at the edge (camelCase JSON), validated with zod.
import { z } from "zod";
import { CHANNELS } from "../db/index.js";

const text = (max: number) => z.string().max(max);
const optionalText = (max: number) => text(max).nullable().optional();

export const channelSchema = z.enum(CHANNELS);

export const consentMapSchema = z
  .object(
    Object.fromEntries(CHANNELS.map((c) => [c, z.boolean().optional()])) as Record<
      (typeof CHANNELS)[number],
      z.ZodOptional<z.ZodBoolean>
    >,
  )
  .strict()
  .describe("Consent per channel: true = opted in, false = opted out; omitted channels are unchanged");

export const customerInputSchema = z
  .object({
    externalId: text(128).min(1).optional().describe("The shop's own member id; the primary identity key"),
    email: optionalText(254),
    phone: optionalText(32).describe("Japanese numbers without +81 are accepted; stored in E.164"),
    lineUserId: optionalText(64).describe("LINE user id (U + 32 hex characters)"),
    firstName: optionalText(100),
    lastName: optionalText(100),
    firstNameKana: optionalText(100),
    lastNameKana: optionalText(100),
    birthday: optionalText(10).describe("YYYY-MM-DD"),
    gender: optionalText(16).describe("female, male, other or unknown (女性/男性 accepted)"),
    postalCode: optionalText(10),
    prefecture: optionalText(16),
    address: optionalText(500),
    memberRank: optionalText(64),
    attributes: z
      .record(z.string(), z.unknown())
      .optional()
      .describe("Custom attributes, merged into the stored ones"),
    consents: consentMapSchema.optional(),
    createdAt: z.iso
      .datetime({ offset: true })
      .optional()
      .describe("When the customer signed up, if earlier than now"),
  })
  .strict();

export type CustomerInput = z.infer<typeof customerInputSchema>;

export const consentStateSchema = z.object({
  granted: z.boolean(),
  source: z.string(),
  updatedAt: z.string(),
});

export const customerOutputSchema = z.object({
  id: z.number(),
  externalId: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  lineUserId: z.string().nullable(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  firstNameKana: z.string().nullable(),
  lastNameKana: z.string().nullable(),
  birthday: z.string().nullable(),
  gender: z.string().nullable(),
  postalCode: z.string().nullable(),
  prefecture: z.string().nullable(),
  address: z.string().nullable(),
  memberRank: z.string().nullable(),
  attributes: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export type CustomerOutput = z.infer<typeof customerOutputSchema>;

export const pointEntryInputSchema = z
  .object({
    kind: z.enum(["earn", "spend", "expire", "adjust"]),
    points: z.number().int().describe("Positive; spend and expire are subtracted. For adjust, signed."),
    expiresAt: z.iso.datetime({ offset: true }).optional().describe("For earn: when these points expire"),
    reason: text(200).optional(),
    orderExternalId: text(128).optional(),
    // min(1): an empty key would skip the idempotency check and then collide with the last empty one.
    externalId: text(128).min(1).optional().describe("Idempotency key: an entry sent twice is recorded once"),
    occurredAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

export type PointEntryInput = z.infer<typeof pointEntryInputSchema>;

export const pointBalanceSchema = z.object({
  balance: z.number(),
  nextExpiryAt: z.string().nullable(),
  nextExpiryPoints: z.number(),
});
