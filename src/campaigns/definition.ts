// A campaign as the shop describes it (who, which message or A/B variants, holdout, when), and the
// scenario it runs as: a split into holdout, test arms and the rest; the test arms are sent at once,
// the rest waits for the winner; everyone is then observed for the conversion window, so orders are
// credited to the arm (and to the holdout, for lift).
import { z } from "zod";
import { conditionSchema } from "../scenarios/conditions.js";
import { channelSchema, type ScenarioDefinitionInput } from "../scenarios/definition.js";

export const campaignInputSchema = z
  .object({
    name: z.string().min(1).max(200),
    /** Who: a condition over profile, orders, points, consent… (segments, when they land, plug in here). */
    audience: conditionSchema.optional().describe("Who receives it; omitted: every customer"),
    channels: z.array(channelSchema).min(1).describe("In order of preference, each only with consent"),
    messageClass: z.enum(["promotional", "transactional"]).default("promotional"),
    variants: z
      .array(
        z
          .object({ name: z.string().regex(/^[A-Za-z0-9_-]{1,16}$/), template: z.string().min(1).max(128) })
          .strict(),
      )
      .min(1)
      .max(5),
    /** With two or more variants: the share tested first, and when and by what the winner is chosen. */
    abTest: z
      .object({
        testPercent: z.number().int().min(2).max(100),
        winnerAfterHours: z.number().int().min(1).max(168),
        metric: z.enum(["clicks", "conversions"]),
      })
      .strict()
      .optional(),
    holdoutPercent: z.number().int().min(0).max(50).default(0),
    /** How long orders after the send count as the campaign's conversions. */
    conversionWindowHours: z.number().int().min(1).max(720).default(72),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.variants.length > 1 && !c.abTest) {
      ctx.addIssue({ code: "custom", path: ["abTest"], message: "needed with two or more variants" });
    }
    if (c.abTest && c.variants.length < 2) {
      ctx.addIssue({ code: "custom", path: ["variants"], message: "an A/B test needs two or more variants" });
    }
    if (c.abTest && c.abTest.testPercent + c.holdoutPercent > 100) {
      ctx.addIssue({
        code: "custom",
        path: ["abTest", "testPercent"],
        message: "test and holdout exceed 100%",
      });
    }
    if (new Set(c.variants.map((v) => v.name)).size !== c.variants.length) {
      ctx.addIssue({ code: "custom", path: ["variants"], message: "variant names must differ" });
    }
  });
export type CampaignInput = z.infer<typeof campaignInputSchema>;

const HOLDOUT = "holdout";
/** Step ids are lower-case: variants are numbered, not named, in the scenario. */
export const variantStep = (index: number) => `variant-${index + 1}`;
const REST = "rest";

/** The scenario definition a campaign runs as. Weights are per mille of the audience. */
export function campaignScenario(campaign: CampaignInput): ScenarioDefinitionInput {
  const holdout = campaign.holdoutPercent * 10;
  const treated = 1000 - holdout;
  const ab = campaign.variants.length > 1 ? campaign.abTest : undefined;
  const testShare = ab ? Math.min(ab.testPercent * 10, treated) : treated;
  const perVariant = Math.floor(testShare / campaign.variants.length);
  const rest = treated - perVariant * campaign.variants.length;
  const send = (id: string, template: string) => ({
    id,
    type: "send" as const,
    template,
    channels: campaign.channels,
    messageClass: campaign.messageClass,
    next: "observe",
  });

  const arms = [
    ...(holdout > 0 ? [{ name: HOLDOUT, weight: holdout, holdout: true, next: "observe" }] : []),
    ...campaign.variants.map((v, i) => ({ name: v.name, weight: perVariant, next: variantStep(i) })),
    ...(ab && rest > 0 ? [{ name: REST, weight: rest, next: "await-winner" }] : []),
  ];
  // A single arm cannot be a split: everyone gets the one message.
  const steps: ScenarioDefinitionInput["steps"] = [
    ...(arms.length > 1 ? [{ id: "split", type: "split" as const, arms }] : []),
    ...campaign.variants.map((v, i) => send(variantStep(i), v.template)),
    ...(ab && rest > 0
      ? [
          {
            id: "await-winner",
            type: "wait" as const,
            duration: { hours: ab.winnerAfterHours },
            next: "send-winner",
          },
          {
            id: "send-winner",
            type: "send_winner" as const,
            arms: campaign.variants.map((v) => ({ arm: v.name, template: v.template })),
            metric: ab.metric,
            channels: campaign.channels,
            messageClass: campaign.messageClass,
            next: "observe",
          },
        ]
      : []),
    {
      id: "observe",
      type: "wait" as const,
      duration: { hours: campaign.conversionWindowHours },
      next: "end",
    },
    { id: "end", type: "end" as const },
  ];
  return {
    name: campaign.name,
    trigger: { type: "campaign" },
    audience: campaign.audience,
    reentry: "always",
    start: arms.length > 1 ? "split" : variantStep(0),
    steps,
    exitGoals: [{ type: "order_placed" }],
  };
}
