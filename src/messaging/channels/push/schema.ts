// Input and output shapes of the web push endpoints, validated with zod.
import { z } from "zod";
import { isPushServiceUrl, pushKeysSchema } from "./subscription.js";

const text = (max: number) => z.string().min(1).max(max);

export const vapidPublicKeyOutputSchema = z.object({
  publicKey: z
    .string()
    .describe("The shop's VAPID public key (base64url): the applicationServerKey to subscribe with"),
});

export const subscriptionInputSchema = z
  .object({
    endpoint: z
      .string()
      .max(2048)
      .refine((url) => isPushServiceUrl(url), { message: "must be an https URL of a browser push service" })
      .describe("PushSubscription.endpoint"),
    keys: pushKeysSchema.describe("PushSubscription keys: p256dh and auth, base64url"),
    expirationTime: z
      .number()
      .nullable()
      .optional()
      .describe("As PushSubscription.toJSON() gives it; ignored"),
    visitorId: text(128).optional().describe("The anonymous visitor id the snippet keeps in the browser"),
    customerId: text(128).optional().describe("The shop's member id, when the visitor is logged in"),
  })
  .strict();

export const subscriptionOutputSchema = z.object({
  subscriptionId: z.number(),
  customerId: z.number().nullable().describe("Kizuna's id of the customer the subscription belongs to"),
  created: z.boolean(),
});

export const revokeInputSchema = z.object({ endpoint: z.string().min(1).max(2048) }).strict();

export const revokeOutputSchema = z.object({
  revoked: z.boolean().describe("false when no active subscription had that endpoint"),
});
