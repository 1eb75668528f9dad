// Input schemas for storefront events: the shape of one event and of a batch, checked at the edge.
// Rules that need the clock (how old or how far ahead an event may be) live in ingest.ts.
import { z } from "zod";
import { EVENT_TYPES, type EventType } from "../db/schema.js";

/** Every event type except "restock", which only the catalogue records when stock comes back. */
export const STOREFRONT_EVENT_TYPES = EVENT_TYPES.filter(
  (t): t is Exclude<EventType, "restock"> => t !== "restock",
);
export type StorefrontEventType = (typeof STOREFRONT_EVENT_TYPES)[number];

/** Event types about one product: they name it by SKU. */
export const SKU_EVENT_TYPES: ReadonlySet<string> = new Set<StorefrontEventType>([
  "product_view",
  "cart_add",
  "cart_remove",
  "favourite",
  "restock_request",
]);

export const MAX_EVENTS_PER_BATCH = 1000;

// PostgreSQL rejects NUL in text and jsonb; refusing it here keeps one bad string from failing a
// transaction that other requests share (see writer.ts).
const text = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((s) => !s.includes("\u0000"), "must not contain NUL characters");

export const storefrontEventSchema = z
  .object({
    type: z.enum(STOREFRONT_EVENT_TYPES),
    customerId: text(128).optional().describe("The shop's member id; an unknown one creates a bare profile"),
    visitorId: text(128).optional().describe("The anonymous visitor id the snippet keeps in the browser"),
    sku: text(128)
      .optional()
      .describe("Required for product_view, cart_add, cart_remove, favourite, restock_request"),
    properties: z
      .record(z.string(), z.unknown())
      .optional()
      .describe("Free-form details, at most 8 KB as JSON"),
    occurredAt: z.iso
      .datetime({ offset: true })
      .optional()
      .describe(
        "Defaults to the time of receipt; at most 90 days back, and at most 5 minutes ahead (stored as the time of receipt)",
      ),
    eventId: text(128)
      .optional()
      .describe("Idempotency key: an event sent again with the same id is stored once"),
  })
  .strict()
  .superRefine((event, ctx) => {
    if (!event.customerId && !event.visitorId) {
      ctx.addIssue({ code: "custom", path: ["customerId"], message: "give customerId or visitorId" });
    }
    if (SKU_EVENT_TYPES.has(event.type) && !event.sku) {
      ctx.addIssue({ code: "custom", path: ["sku"], message: `required for ${event.type} events` });
    }
  });
export type StorefrontEventInput = z.infer<typeof storefrontEventSchema>;

export const eventBatchSchema = z
  .object({
    events: z.array(storefrontEventSchema).min(1).max(MAX_EVENTS_PER_BATCH),
    sentAt: z.iso
      .datetime({ offset: true })
      .optional()
      .describe(
        "The sender's clock when the batch left it: occurredAt times are shifted by the difference " +
          "to the server's clock, so a browser with a wrong clock still records the right time",
      ),
  })
  .strict();
export type EventBatchInput = z.infer<typeof eventBatchSchema>;

/** The events endpoint takes a batch `{events: [...]}` or one bare event object. */
export const eventsBodySchema = z.union([eventBatchSchema, storefrontEventSchema]);
export type EventsBody = z.infer<typeof eventsBodySchema>;

export function isBatchBody(body: unknown): boolean {
  return typeof body === "object" && body !== null && "events" in body;
}

export const ingestResultSchema = z.object({
  accepted: z.number().describe("Events stored"),
  duplicates: z.number().describe("Events skipped because an event with the same eventId was stored before"),
});
