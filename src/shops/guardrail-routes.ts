// The shop's default guardrails (frequency caps and quiet hours, shops.settings.guardrails) as an API:
// read with the defaults filled in, replaced with the same schema a scenario's own guardrails use.
// Writes are audit-logged by the auth hook like every other change a person or key makes.
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { CHANNELS, type Db } from "../db/index.js";
import { shopIdOf } from "../http/auth.js";
import type { RoutePlugin } from "../http/context.js";
import { frequencyCapSchema, type Guardrails, guardrailsSchema } from "../scenarios/definition.js";
import { DEFAULT_GUARDRAILS, type EffectiveGuardrails, shopGuardrails } from "../scenarios/guardrails.js";
import { saveShopSetting } from "./profile.js";

const quietHoursView = z.object({ from: z.string(), to: z.string() }).nullable();
const guardrailsView = z.object({
  frequencyCaps: z.array(frequencyCapSchema),
  quietHours: z
    .object(
      Object.fromEntries(CHANNELS.map((c) => [c, quietHoursView])) as Record<
        (typeof CHANNELS)[number],
        typeof quietHoursView
      >,
    )
    .describe("Every channel: its window in the shop's time zone, or null for none"),
  defaults: z.object({
    frequencyCaps: z.array(frequencyCapSchema),
    quietHours: z.record(z.string(), quietHoursView),
  }),
});
type GuardrailsView = z.infer<typeof guardrailsView>;

function view(rules: EffectiveGuardrails): GuardrailsView {
  const quietHours = Object.fromEntries(
    CHANNELS.map((c) => [c, rules.quietHours[c] ?? null]),
  ) as GuardrailsView["quietHours"];
  return { frequencyCaps: rules.frequencyCaps, quietHours, defaults: DEFAULT_GUARDRAILS };
}

/** Replaces the shop's guardrails in its settings document, keeping its other settings. */
export async function saveShopGuardrails(db: Db, shopId: number, guardrails: Guardrails): Promise<void> {
  await saveShopSetting(db, shopId, "guardrails", guardrails);
}

export const guardrailRoutes: RoutePlugin = async (instance, { ctx }) => {
  const app = (instance as FastifyInstance).withTypeProvider<ZodTypeProvider>();
  const { db } = ctx;
  const tags = ["shop"];

  app.get(
    "/shop/guardrails",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "The shop's frequency caps and quiet hours, defaults filled in",
        description: "Scenarios may override these; transactional messages are exempt from both.",
        response: { 200: guardrailsView },
      },
    },
    async (request) => view(await shopGuardrails(db, shopIdOf(request))),
  );

  app.put(
    "/shop/guardrails",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "Replace the shop's frequency caps and quiet hours",
        description:
          "An omitted part falls back to the defaults; a quiet-hours entry of null turns that channel's off.",
        body: guardrailsSchema,
        response: { 200: guardrailsView },
      },
    },
    async (request) => {
      const shopId = shopIdOf(request);
      await saveShopGuardrails(db, shopId, request.body);
      return view(await shopGuardrails(db, shopId));
    },
  );
};
