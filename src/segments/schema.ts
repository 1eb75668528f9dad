// A segment's rule: a JSON tree of all / any / not over leaves that each ask one question about a
// customer (profile, consent, orders in a window, RFM, storefront behaviour, message engagement, points,
// predictions). Validated here; compiled to SQL in compile.ts. An invalid rule is refused with the path
// of the node at fault, e.g. `rule.conditions[1].withinDays`.
import { z } from "zod";
import { CHANNELS, EVENT_TYPES, ORDER_CHANNELS } from "../db/index.js";

export const PROFILE_FIELDS = [
  "gender",
  "prefecture",
  "member_rank",
  "email",
  "phone",
  "line_user_id",
  "postal_code",
  "birthday",
  "external_id",
] as const;

export const RFM_GROUP_NAMES = [
  "champions",
  "loyal",
  "potential",
  "new",
  "needs_attention",
  "at_risk",
  "dormant",
] as const;

const days = z.number().int().min(1).max(3650);
const count = z.number().int().min(0);
const score = z.number().int().min(1).max(5);
const scalar = z.union([z.string().max(500), z.number(), z.boolean()]);

/** At least one of min / max, and min ≤ max. */
function range<T extends z.ZodRawShape>(shape: T) {
  return z
    .object({ ...shape, min: z.number().optional(), max: z.number().optional() })
    .strict()
    .superRefine((v, ctx) => {
      const { min, max } = v as { min?: number; max?: number };
      if (min === undefined && max === undefined) {
        ctx.addIssue({ code: "custom", path: ["min"], message: "give min, max or both" });
      }
      if (min !== undefined && max !== undefined && min > max) {
        ctx.addIssue({ code: "custom", path: ["max"], message: "max is below min" });
      }
    });
}

const leaves = [
  /** A profile column: gender, prefecture, member rank, contact points, birthday… */
  z
    .object({
      type: z.literal("profile"),
      field: z.enum(PROFILE_FIELDS),
      op: z.enum(["eq", "neq", "in", "not_in", "exists", "missing", "starts_with"]),
      value: z.union([z.string().max(500), z.array(z.string().max(500)).min(1).max(1000)]).optional(),
    })
    .strict(),
  /** Birthday month (1–12), e.g. "birthday this month" lists. */
  z
    .object({ type: z.literal("birthday_month"), months: z.array(z.number().int().min(1).max(12)).min(1) })
    .strict(),
  /** Profile created within / before a number of days. */
  z
    .object({ type: z.literal("signed_up"), withinDays: days.optional(), olderThanDays: days.optional() })
    .strict(),
  /** A custom attribute (customers.attributes), compared as text or number. */
  z
    .object({
      type: z.literal("attribute"),
      name: z.string().regex(/^[A-Za-z0-9_]{1,64}$/, "letters, digits and _ only"),
      op: z.enum(["eq", "neq", "gt", "gte", "lt", "lte", "exists", "missing"]),
      value: scalar.optional(),
    })
    .strict(),
  /** A tag in the attributes' `tags` list (set by scenarios' add_tag action). */
  z.object({ type: z.literal("tag"), tag: z.string().min(1).max(64) }).strict(),
  /** Consent given (or, with granted: false, withheld) for a channel. */
  z
    .object({ type: z.literal("consent"), channel: z.enum(CHANNELS), granted: z.boolean().default(true) })
    .strict(),
  /** Can be sent a promotional message on the channel: an address, consent, not suppressed. */
  z.object({ type: z.literal("reachable"), channel: z.enum(CHANNELS) }).strict(),
  /**
   * Orders (not cancelled or returned): how many or how much, over the whole history or the last
   * `withinDays`, optionally only on some order channels or only with a coupon.
   */
  range({
    type: z.literal("orders"),
    measure: z.enum(["count", "revenue"]).default("count"),
    withinDays: days.optional(),
    channels: z.array(z.enum(ORDER_CHANNELS)).min(1).optional(),
    withCoupon: z.boolean().optional(),
  }),
  /** The first or the last order happened within / more than a number of days ago. */
  z
    .object({
      type: z.literal("order_date"),
      which: z.enum(["first", "last"]),
      withinDays: days.optional(),
      olderThanDays: days.optional(),
    })
    .strict(),
  /** Bought a SKU, a product of a category (prefix of the category path), at least minTimes. */
  z
    .object({
      type: z.literal("bought"),
      skus: z.array(z.string().min(1).max(128)).min(1).max(1000).optional(),
      category: z.string().min(1).max(500).optional(),
      withinDays: days.optional(),
      minTimes: z.number().int().min(1).default(1),
    })
    .strict(),
  /** RFM scores (1–5) and named groups from the analytics job. */
  z
    .object({
      type: z.literal("rfm"),
      recency: z.array(score).min(1).optional(),
      frequency: z.array(score).min(1).optional(),
      monetary: z.array(score).min(1).optional(),
      groups: z.array(z.enum(RFM_GROUP_NAMES)).min(1).optional(),
    })
    .strict(),
  /** Storefront events: e.g. viewed a SKU or a category at least 3 times in the last 7 days. */
  z
    .object({
      type: z.literal("event"),
      eventType: z.enum(EVENT_TYPES),
      skus: z.array(z.string().min(1).max(128)).min(1).max(1000).optional(),
      category: z.string().min(1).max(500).optional(),
      withinDays: days,
      minCount: z.number().int().min(1).default(1),
    })
    .strict(),
  /** Added to the cart in the last `withinDays` and has not ordered since. */
  z.object({ type: z.literal("abandoned_cart"), withinDays: days }).strict(),
  /** Opened / clicked any message (or one on a channel) in the last `withinDays`; `not` it for "never". */
  z
    .object({
      type: z.literal("engagement"),
      action: z.enum(["received", "opened", "clicked"]),
      withinDays: days,
      channel: z.enum(CHANNELS).optional(),
    })
    .strict(),
  /** Point balance. */
  range({ type: z.literal("points") }),
  /** Points that expire within `withinDays` (at least `min` of them). */
  z.object({ type: z.literal("points_expiring"), withinDays: days, min: count.default(1) }).strict(),
  /** A prediction from the analytics job: p_alive 0–1, expected orders or CLV over 365 days. */
  range({
    type: z.literal("prediction"),
    field: z.enum(["p_alive", "expected_orders_365", "predicted_clv_365"]),
  }),
  /** The predicted next order falls within the next `withinDays`. */
  z.object({ type: z.literal("next_order_due"), withinDays: days }).strict(),
  /** Member of another segment (by key), as of its last refresh. */
  z.object({ type: z.literal("segment"), key: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/) }).strict(),
] as const;

export type SegmentLeaf = z.infer<(typeof leaves)[number]>;
export type SegmentRule =
  | SegmentLeaf
  | { type: "all"; conditions: SegmentRule[] }
  | { type: "any"; conditions: SegmentRule[] }
  | { type: "not"; condition: SegmentRule };

// One discriminated union over leaves and compound nodes, so an error points at the node that is wrong
// (its path and field) rather than at "no alternative matched" somewhere above it.
export const segmentRuleSchema: z.ZodType<SegmentRule> = z.discriminatedUnion("type", [
  ...leaves,
  z
    .object({
      type: z.literal("all"),
      conditions: z
        .array(z.lazy(() => segmentRuleSchema))
        .min(1)
        .max(100),
    })
    .strict(),
  z
    .object({
      type: z.literal("any"),
      conditions: z
        .array(z.lazy(() => segmentRuleSchema))
        .min(1)
        .max(100),
    })
    .strict(),
  z.object({ type: z.literal("not"), condition: z.lazy(() => segmentRuleSchema) }).strict(),
]) as z.ZodType<SegmentRule>;

export const segmentKeySchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "lower-case letters, digits, - and _ (up to 64)");

export const segmentInputSchema = z
  .object({
    key: segmentKeySchema,
    name: z.string().min(1).max(200),
    description: z.string().max(2000).optional(),
    rule: segmentRuleSchema,
  })
  .strict();
export type SegmentInput = z.infer<typeof segmentInputSchema>;
