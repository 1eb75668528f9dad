// Campaign endpoints: preview the audience, create a draft, schedule (now or later), cancel, read with
// its report.
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { CAMPAIGN_STATUSES } from "../db/index.js";
import { shopIdOf } from "../http/auth.js";
import type { RoutePlugin } from "../http/context.js";
import { cancelCampaign, createCampaign, getCampaign, listCampaigns, scheduleCampaign } from "./campaigns.js";
import { campaignInputSchema } from "./definition.js";
import { campaignReport, previewAudience } from "./report.js";

const tags = ["campaigns"];
const idParams = z.object({ id: z.coerce.number().int().positive() });

const campaignSchema = z.object({
  id: z.number(),
  name: z.string(),
  status: z.enum(CAMPAIGN_STATUSES),
  definition: z.unknown(),
  scheduledAt: z.string().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  createdAt: z.string(),
});

const armSchema = z.object({
  arm: z.string(),
  runs: z.number(),
  sent: z.number(),
  suppressed: z.number(),
  opened: z.number(),
  clicked: z.number(),
  converted: z.number(),
  revenue: z.number(),
  conversionRate: z.number(),
});

const reportSchema = z.object({
  id: z.number(),
  status: z.string(),
  entered: z.number(),
  arms: z.array(armSchema),
  winner: z.string().nullable(),
  lift: z.object({ conversionRate: z.number(), incrementalRevenue: z.number() }).nullable(),
});

export const campaignRoutes: RoutePlugin = async (instance, { ctx }) => {
  const app = (instance as FastifyInstance).withTypeProvider<ZodTypeProvider>();
  const { db, clock } = ctx;

  app.post(
    "/campaigns/preview",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "How many a campaign would reach now: matching, reachable with consent, not held by caps",
        body: campaignInputSchema,
        response: {
          200: z.object({
            matching: z.number(),
            reachable: z.number(),
            sendable: z.number(),
            holdout: z.number(),
          }),
        },
      },
    },
    async (request) => previewAudience(db, clock, shopIdOf(request), request.body),
  );

  app.post(
    "/campaigns",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "Create a campaign draft",
        body: campaignInputSchema,
        response: { 201: campaignSchema },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createCampaign(db, clock, shopIdOf(request), request.body)),
  );

  app.get(
    "/campaigns",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "The shop's campaigns, newest first",
        response: { 200: z.object({ campaigns: z.array(campaignSchema) }) },
      },
    },
    async (request) => ({ campaigns: await listCampaigns(db, shopIdOf(request)) }),
  );

  app.get(
    "/campaigns/:id",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "A campaign and its results per arm (variants, rest, holdout), winner and lift",
        params: idParams,
        response: { 200: campaignSchema.extend({ report: reportSchema }) },
      },
    },
    async (request) => {
      const shopId = shopIdOf(request);
      const campaign = await getCampaign(db, shopId, request.params.id);
      return { ...campaign, report: await campaignReport(db, shopId, request.params.id) };
    },
  );

  app.post(
    "/campaigns/:id/schedule",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "Schedule a draft for `at`, or now",
        params: idParams,
        body: z.object({ at: z.iso.datetime({ offset: true }).optional() }).strict(),
        response: { 200: campaignSchema },
      },
    },
    async (request) => scheduleCampaign(db, clock, shopIdOf(request), request.params.id, request.body.at),
  );

  app.post(
    "/campaigns/:id/cancel",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary:
          "Cancel: a scheduled campaign never starts; one under way stops and unsent messages are withdrawn",
        params: idParams,
        response: { 200: campaignSchema },
      },
    },
    async (request) => cancelCampaign(db, clock, shopIdOf(request), request.params.id),
  );
};
