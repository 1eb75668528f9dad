// The scenario definition: what a shop switches on or builds in the editor. A trigger says who enters
// and when, a graph of steps says what happens to them, exit goals end a run early (and count as
// conversions), guardrails keep the shop from tiring its customers. Stored as JSON, one row per
// version (store.ts); checked here for shape and in validate.ts for the graph and its references.
import { z } from "zod";
import { CHANNELS, EVENT_TYPES, ORDER_CHANNELS } from "../db/schema.js";
import { conditionSchema } from "./conditions.js";

const stepId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, "lower-case letters, digits, - and _ only");

/** A local wall-clock time in the shop's time zone. */
export const localTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time "HH:MM"');

export const durationSchema = z
  .object({
    days: z.number().int().min(0, "must be 0 or more").max(3650).optional(),
    hours: z
      .number()
      .int()
      .min(0, "must be 0 or more")
      .max(24 * 3650)
      .optional(),
    minutes: z
      .number()
      .int()
      .min(0, "must be 0 or more")
      .max(60 * 24 * 3650)
      .optional(),
  })
  .strict()
  .refine(
    (d) => d.days !== undefined || d.hours !== undefined || d.minutes !== undefined,
    "give days, hours or minutes",
  );
export type Duration = z.infer<typeof durationSchema>;

export function durationMs(d: Duration): number {
  return ((d.days ?? 0) * 24 * 60 + (d.hours ?? 0) * 60 + (d.minutes ?? 0)) * 60_000;
}

export const channelSchema = z.enum(CHANNELS);
const storefrontEventType = z.enum(EVENT_TYPES);

// ---- Triggers -------------------------------------------------------------------------------------

/** Where a date trigger's date comes from. */
export const dateSourceSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("birthday") }).strict(),
  /** A custom date attribute on the profile, e.g. a child's school entry ("YYYY-MM-DD"). */
  z.object({ kind: z.literal("attribute"), attribute: z.string().min(1).max(64) }).strict(),
  /** The membership anniversary: the day the profile was created, every year after the first. */
  z.object({ kind: z.literal("member_since") }).strict(),
  /** The next expiry of points still held. */
  z.object({ kind: z.literal("points_expiry") }).strict(),
  /** The end of a product's warranty: shipped (or ordered) + the product's warranty months. */
  z.object({ kind: z.literal("warranty_end") }).strict(),
  /** A consumable's replenishment date: shipped (or ordered) + the product's replenishment days. */
  z.object({ kind: z.literal("replenishment") }).strict(),
  /** The day an order shipped (or was placed, for store orders). `firstOnly`: the first order only. */
  z.object({ kind: z.literal("shipped"), firstOnly: z.boolean().optional() }).strict(),
  /** The day of the customer's latest order: with an offset, "N days since the last order". */
  z.object({ kind: z.literal("last_order") }).strict(),
]);
export type DateSource = z.infer<typeof dateSourceSchema>;

export const triggerSchema = z.discriminatedUnion("type", [
  /** A storefront event, optionally only for some SKUs or a category. */
  z
    .object({
      type: z.literal("event"),
      eventTypes: z.array(storefrontEventType).min(1),
      skus: z.array(z.string().min(1)).optional(),
      categoryPrefix: z.string().min(1).optional(),
    })
    .strict(),
  /**
   * An order placed, optionally only on some channels (e.g. store), only a first order, or only the
   * n-th delivery of a subscription (an order with a product whose attributes say `subscription: true`).
   */
  z
    .object({
      type: z.literal("order"),
      channels: z.array(z.enum(ORDER_CHANNELS)).min(1).optional(),
      firstOrderOnly: z.boolean().optional(),
      subscriptionDeliveries: z.array(z.number().int().min(1).max(1000)).min(1).optional(),
    })
    .strict(),
  /** A new member: a profile created (by the API, an import or a platform webhook). */
  z.object({ type: z.literal("signup") }).strict(),
  /** Entered by a campaign when it is sent (campaigns/), never by the trigger pass. */
  z.object({ type: z.literal("campaign") }).strict(),
  /** A date on the profile or derived from data, moved by offsetDays, entered at a local time. */
  z
    .object({
      type: z.literal("date"),
      source: dateSourceSchema,
      offsetDays: z.number().int().min(-3650).max(3650).default(0),
      at: localTimeSchema.default("09:00"),
    })
    .strict(),
  /** A recurring schedule for an audience (e.g. weekly recommendations to active customers). */
  z
    .object({
      type: z.literal("schedule"),
      every: z.enum(["day", "week", "month"]),
      /** 0 = Sunday … 6 = Saturday, for weekly schedules. */
      weekday: z.number().int().min(0).max(6).optional(),
      /** 1–28, for monthly schedules (every month has it). */
      dayOfMonth: z.number().int().min(1).max(28).optional(),
      at: localTimeSchema.default("10:00"),
    })
    .strict(),
  /** A customer entering a segment (segments/), as the segment's refresh records it. */
  z
    .object({
      type: z.literal("segment_entry"),
      segment: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "a segment key"),
    })
    .strict(),
  /** A product back in stock, fanned out to the customers who showed interest in it. */
  z
    .object({
      type: z.literal("restock"),
      interest: z.array(z.enum(["viewed", "favourited", "requested"])).min(1),
      lookbackDays: z.number().int().min(1).max(365).default(60),
    })
    .strict(),
]);
export type Trigger = z.infer<typeof triggerSchema>;

// ---- Steps ----------------------------------------------------------------------------------------

const next = stepId.optional().describe("The step after this one; none = the run ends");

const actionSchema = z.discriminatedUnion("type", [
  z
    .object({
      type: z.literal("issue_coupon"),
      kind: z.enum(["amount", "percent"]),
      /** Minor units for "amount", whole percent for "percent". */
      value: z.number().int().positive(),
      expiresInDays: z.number().int().min(1).max(3650),
      minOrder: z.number().int().min(0).optional(),
      prefix: z
        .string()
        .regex(/^[A-Z0-9]{1,12}$/)
        .optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal("add_points"),
      points: z.number().int().positive(),
      expiresInDays: z.number().int().min(1).max(3650).optional(),
      reason: z.string().max(200).optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal("set_attribute"),
      name: z.string().min(1).max(64),
      value: z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]),
    })
    .strict(),
  z.object({ type: z.literal("add_tag"), tag: z.string().min(1).max(64) }).strict(),
]);
export type ScenarioAction = z.infer<typeof actionSchema>;

export const sendTimeSchema = z.discriminatedUnion("type", [
  /** Send at this local time (the next one, if it has passed today). */
  z.object({ type: z.literal("fixed"), at: localTimeSchema }).strict(),
  /** Each customer's usual hour (of buying and opening), else the shop's busiest hour. */
  z.object({ type: z.literal("best_hour") }).strict(),
]);
export type SendTime = z.infer<typeof sendTimeSchema>;

export const stepSchema = z.discriminatedUnion("type", [
  z.object({ id: stepId, type: z.literal("wait"), duration: durationSchema, next }).strict(),
  /** Waits until the local time is inside [from, to) (on the given weekdays, if any). */
  z
    .object({
      id: stepId,
      type: z.literal("wait_until"),
      from: localTimeSchema,
      to: localTimeSchema,
      weekdays: z.array(z.number().int().min(0).max(6)).min(1).optional(),
      next,
    })
    .strict(),
  /** Waits for an event (or an order) since the step began; goes to `timeoutNext` if none comes in time. */
  z
    .object({
      id: stepId,
      type: z.literal("wait_for_event"),
      eventTypes: z.array(z.union([storefrontEventType, z.literal("order")])).min(1),
      timeout: durationSchema,
      next,
      timeoutNext: stepId.optional(),
    })
    .strict(),
  z
    .object({ id: stepId, type: z.literal("branch"), condition: conditionSchema, yes: next, no: next })
    .strict()
    .describe("Goes to `yes` when the condition holds, else to `no`"),
  z
    .object({
      id: stepId,
      type: z.literal("send"),
      /** Template key; a template must exist under this key for every channel listed. */
      template: z.string().min(1).max(128),
      /** In order of preference: the first the customer is reachable on, with consent, is used. */
      channels: z.array(channelSchema).min(1),
      messageClass: z.enum(["promotional", "transactional"]).default("promotional"),
      sendTime: sendTimeSchema.optional(),
      next,
    })
    .strict(),
  z.object({ id: stepId, type: z.literal("action"), action: actionSchema, next }).strict(),
  /**
   * A/B winner: the arm (of the run's split) with the best click or conversion rate so far, its
   * template sent. For a campaign's remaining audience after the test.
   */
  z
    .object({
      id: stepId,
      type: z.literal("send_winner"),
      arms: z
        .array(z.object({ arm: z.string().min(1).max(32), template: z.string().min(1).max(128) }).strict())
        .min(2),
      metric: z.enum(["clicks", "conversions"]),
      channels: z.array(channelSchema).min(1),
      messageClass: z.enum(["promotional", "transactional"]).default("promotional"),
      next,
    })
    .strict(),
  /** Random split: A/B arms by weight; a holdout arm gets nothing and measures lift. */
  z
    .object({
      id: stepId,
      type: z.literal("split"),
      arms: z
        .array(
          z
            .object({
              name: z.string().min(1).max(32),
              weight: z.number().int().min(1).max(1000),
              next,
              holdout: z.boolean().optional(),
            })
            .strict(),
        )
        .min(2),
    })
    .strict(),
  z.object({ id: stepId, type: z.literal("end") }).strict(),
]);
export type Step = z.infer<typeof stepSchema>;
export type StepType = Step["type"];

// ---- Goals and guardrails -------------------------------------------------------------------------

export const exitGoalSchema = z.discriminatedUnion("type", [
  /** Any order placed after entry ends the run and is counted as a conversion. */
  z.object({ type: z.literal("order_placed") }).strict(),
  /** A storefront event after entry ends the run (no conversion is recorded). */
  z.object({ type: z.literal("event"), eventTypes: z.array(storefrontEventType).min(1) }).strict(),
]);
export type ExitGoal = z.infer<typeof exitGoalSchema>;

const quietHoursSchema = z.object({ from: localTimeSchema, to: localTimeSchema }).strict();

export const frequencyCapSchema = z
  .object({
    /** Omitted: across all channels. */
    channel: channelSchema.optional(),
    max: z.number().int().min(1).max(1000),
    perDays: z.number().int().min(1).max(365),
  })
  .strict();
export type FrequencyCap = z.infer<typeof frequencyCapSchema>;

/** Per-shop defaults (shops.settings.guardrails) that a scenario may override. */
export const guardrailsSchema = z
  .object({
    frequencyCaps: z.array(frequencyCapSchema).optional(),
    quietHours: z.partialRecord(channelSchema, quietHoursSchema.nullable()).optional(),
  })
  .strict();
export type Guardrails = z.infer<typeof guardrailsSchema>;

export const reentrySchema = z.union([
  z.literal("never"),
  z.literal("always"),
  z.object({ afterDays: z.number().int().min(1).max(3650) }).strict(),
]);
export type Reentry = z.infer<typeof reentrySchema>;

export const scenarioDefinitionSchema = z
  .object({
    name: z.string().min(1).max(200),
    description: z.string().max(2000).optional(),
    trigger: triggerSchema,
    /** Who may enter, checked at entry (e.g. only customers with an order in the last 90 days). */
    audience: conditionSchema.optional(),
    /** Re-entry: whether a customer may enter again while or after a previous run. */
    reentry: reentrySchema.default({ afterDays: 30 }),
    start: stepId,
    steps: z.array(stepSchema).min(1).max(200),
    exitGoals: z.array(exitGoalSchema).default([]),
    guardrails: guardrailsSchema.optional(),
  })
  .strict();
export type ScenarioDefinition = z.infer<typeof scenarioDefinitionSchema>;
export type ScenarioDefinitionInput = z.input<typeof scenarioDefinitionSchema>;

/** The steps a step can lead to, in order (for the graph checks and the flow view). */
export function successors(step: Step): Array<string | undefined> {
  switch (step.type) {
    case "branch":
      return [step.yes, step.no];
    case "wait_for_event":
      return [step.next, step.timeoutNext];
    case "split":
      return step.arms.map((a) => a.next);
    case "end":
      return [];
    default:
      return [step.next];
  }
}
