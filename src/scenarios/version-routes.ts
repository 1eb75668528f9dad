// A scenario's versions: the list with how many entered on each, one version's definition, and going
// back to an earlier version (saved again as the newest).
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { shopIdOf } from "../http/auth.js";
import type { RoutePlugin } from "../http/context.js";
import { getScenario } from "./store.js";
import { getScenarioVersion, listScenarioVersions, restoreScenarioVersion } from "./versions.js";

const tags = ["scenarios"];
const keyParams = z.object({ key: z.string().min(1).max(64) });
const versionParams = keyParams.extend({ version: z.coerce.number().int().positive() });

const versionSchema = z.object({
  version: z.number(),
  name: z.string(),
  steps: z.number(),
  entered: z.number().describe("Customers who entered on this version"),
  current: z.boolean(),
  createdAt: z.string(),
});

export const scenarioVersionRoutes: RoutePlugin = async (instance, { ctx }) => {
  const app = (instance as FastifyInstance).withTypeProvider<ZodTypeProvider>();
  const { db, clock } = ctx;

  app.get(
    "/scenarios/:key/versions",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "Every version of a scenario, newest first, with how many customers entered on each",
        params: keyParams,
        response: { 200: z.object({ versions: z.array(versionSchema) }) },
      },
    },
    async (request) => ({
      versions: await listScenarioVersions(db, shopIdOf(request), request.params.key),
    }),
  );

  app.get(
    "/scenarios/:key/versions/:version",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "One version's definition",
        params: versionParams,
        response: {
          200: z.object({ version: z.number(), createdAt: z.string(), definition: z.unknown() }),
        },
      },
    },
    async (request) => getScenarioVersion(db, shopIdOf(request), request.params.key, request.params.version),
  );

  app.post(
    "/scenarios/:key/versions/:version/restore",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary:
          "Go back to an earlier version: it is saved again as the newest; runs under way finish on theirs",
        params: versionParams,
      },
    },
    async (request) => {
      const shopId = shopIdOf(request);
      await restoreScenarioVersion(db, clock, shopId, request.params.key, request.params.version);
      return getScenario(db, shopId, request.params.key);
    },
  );
};
