// Scenario endpoints: the one-click library, custom scenarios and their versions, status changes, and
// per-step counts for the flow view.
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { SCENARIO_STATUSES } from "../db/index.js";
import { shopIdOf } from "../http/auth.js";
import type { RoutePlugin } from "../http/context.js";
import { enableLibraryScenario, LIBRARY } from "./library/index.js";
import { scenarioStepStats } from "./stats.js";
import { createScenario, getScenario, listScenarios, setScenarioStatus, updateScenario } from "./store.js";

const tags = ["scenarios"];
const keyParams = z.object({ key: z.string().min(1).max(64) });

const definitionDoc =
  "A scenario definition: {name, trigger, audience?, reentry?, start, steps[], exitGoals?, guardrails?}. " +
  "Problems are reported per step, e.g. `definition.steps.wait-1.duration.days`.";

const scenarioSchema = z.object({
  id: z.number(),
  key: z.string(),
  name: z.string(),
  libraryKey: z.string().nullable(),
  status: z.enum(SCENARIO_STATUSES),
  version: z.number(),
  activatedAt: z.string().nullable(),
  definition: z.unknown(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const librarySchema = z.object({
  key: z.string(),
  name: z.object({ ja: z.string(), en: z.string() }),
  summary: z.object({ ja: z.string(), en: z.string() }),
  expectedEffect: z.object({ ja: z.string(), en: z.string() }),
  channels: z.array(z.string()),
  enabled: z.boolean().describe("Switched on in this shop"),
});

const stepStatsSchema = z.object({
  stepId: z.string(),
  type: z.string(),
  entered: z.number().describe("Runs that completed this step"),
  sent: z.number(),
  suppressed: z.number(),
  opened: z.number(),
  clicked: z.number(),
  converted: z.number().describe("Conversions credited to this step's messages"),
  revenue: z.number(),
});

/** A ValidationError from the definition names `steps.x`; in a request body it sits under `definition`. */
async function underDefinition<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const issues = (err as { issues?: Array<{ field: string }> }).issues;
    if (Array.isArray(issues)) {
      for (const issue of issues) if (issue.field !== "key") issue.field = `definition.${issue.field}`;
    }
    throw err;
  }
}

export const scenarioRoutes: RoutePlugin = async (instance, { ctx }) => {
  const app = (instance as FastifyInstance).withTypeProvider<ZodTypeProvider>();
  const { db, clock } = ctx;

  app.get(
    "/scenario-library",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "The ready-made scenarios, for the gallery",
        response: { 200: z.object({ scenarios: z.array(librarySchema) }) },
      },
    },
    async (request) => {
      const enabled = new Set(
        (await listScenarios(db, shopIdOf(request)))
          .filter((s) => s.status === "active")
          .map((s) => s.libraryKey),
      );
      return {
        scenarios: LIBRARY.map((s) => ({
          key: s.key,
          name: s.name,
          summary: s.summary,
          expectedEffect: s.expectedEffect,
          channels: s.channels,
          enabled: enabled.has(s.key),
        })),
      };
    },
  );

  app.post(
    "/scenarios/from-template/:key",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary:
          "Switch a library scenario on (with its default templates); switching on again changes nothing",
        params: keyParams,
        response: { 200: scenarioSchema },
      },
    },
    async (request) => enableLibraryScenario(db, clock, shopIdOf(request), request.params.key),
  );

  app.get(
    "/scenarios",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "The shop's scenarios",
        response: { 200: z.object({ scenarios: z.array(scenarioSchema) }) },
      },
    },
    async (request) => ({ scenarios: await listScenarios(db, shopIdOf(request)) }),
  );

  app.post(
    "/scenarios",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "Create a custom scenario (a draft unless activate is true)",
        body: z
          .object({
            key: z.string().describe("lower-case letters, digits, - and _"),
            definition: z.unknown().describe(definitionDoc),
            activate: z.boolean().default(false),
          })
          .strict(),
        response: { 201: scenarioSchema },
      },
    },
    async (request, reply) => {
      const created = await underDefinition(() =>
        createScenario(db, clock, shopIdOf(request), {
          key: request.body.key,
          definition: request.body.definition,
          activate: request.body.activate,
        }),
      );
      return reply.status(201).send(created);
    },
  );

  app.get(
    "/scenarios/:key",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "A scenario, its current definition and per-step counts (all versions together)",
        params: keyParams,
        response: { 200: scenarioSchema.extend({ steps: z.array(stepStatsSchema) }) },
      },
    },
    async (request) => {
      const shopId = shopIdOf(request);
      const scenario = await getScenario(db, shopId, request.params.key);
      return { ...scenario, steps: await scenarioStepStats(db, shopId, scenario) };
    },
  );

  app.put(
    "/scenarios/:key",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "Save a new version: new entrants take it, runs under way finish on theirs",
        params: keyParams,
        body: z.object({ definition: z.unknown().describe(definitionDoc) }).strict(),
        response: { 200: scenarioSchema },
      },
    },
    async (request) =>
      underDefinition(() =>
        updateScenario(db, clock, shopIdOf(request), request.params.key, request.body.definition),
      ),
  );

  app.post(
    "/scenarios/:key/status",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "Activate, pause (runs hold where they are) or archive a scenario",
        params: keyParams,
        body: z.object({ status: z.enum(SCENARIO_STATUSES).exclude(["draft"]) }).strict(),
        response: { 200: scenarioSchema },
      },
    },
    async (request) =>
      setScenarioStatus(db, clock, shopIdOf(request), request.params.key, request.body.status),
  );
};
