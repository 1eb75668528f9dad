// Storefront events ingestion: POST /v1/events takes a batch `{events: [...]}` or one bare event,
// from the storefront snippet (public key, possibly as a beacon) or from a server (either key).
import type { FastifyInstance, FastifySchemaCompiler } from "fastify";
import { validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { shopIdOf } from "../http/auth.js";
import type { RoutePlugin } from "../http/context.js";
import { draftEvents } from "./ingest.js";
import {
  type EventsBody,
  eventBatchSchema,
  eventsBodySchema,
  ingestResultSchema,
  isBatchBody,
  MAX_EVENTS_PER_BATCH,
  storefrontEventSchema,
} from "./schema.js";
import { EventWriter } from "./writer.js";

const tags = ["events"];

// The body is a batch or a single event. Validating it as a zod union would report a failure as
// "no union member matched"; choosing the schema by shape reports `events[3].type` instead.
const validateBatch = validatorCompiler({
  schema: eventBatchSchema,
  method: "POST",
  url: "",
  httpPart: "body",
});
const validateSingle = validatorCompiler({
  schema: storefrontEventSchema,
  method: "POST",
  url: "",
  httpPart: "body",
});
type RouteSchemaDef<T> = Parameters<FastifySchemaCompiler<T>>[0];

function eventsValidatorCompiler(route: RouteSchemaDef<unknown>) {
  if (route.httpPart === "body") {
    return (body: unknown) => (isBatchBody(body) ? validateBatch(body) : validateSingle(body));
  }
  // Fastify hands each part's schema as declared below: a zod schema.
  return validatorCompiler(route as RouteSchemaDef<z.ZodType>);
}

export const eventRoutes: RoutePlugin = async (instance, { ctx }) => {
  const app = (instance as FastifyInstance).withTypeProvider<ZodTypeProvider>();
  const { db, clock } = ctx;
  const writer = new EventWriter(db, clock);
  app.addHook("onClose", () => writer.drain());

  // sendBeacon sends a string body as text/plain; so does the snippet's fetch, which keeps its
  // requests "simple" in CORS terms (no preflight). Here text/plain is parsed as JSON.
  app.addContentTypeParser("text/plain", { parseAs: "string" }, app.getDefaultJsonParser("error", "error"));

  app.post(
    "/events",
    {
      // Authenticated by onRequest below rather than the shared hook: it also takes `?key=`.
      config: { auth: "public", publicKeyInQuery: true },
      validatorCompiler: eventsValidatorCompiler,
      schema: {
        tags,
        summary: `Record storefront events: a batch of up to ${MAX_EVENTS_PER_BATCH} (all or nothing) or one event`,
        description:
          "Either API key as a bearer token, or the public key as `?key=` (for navigator.sendBeacon). " +
          "A JSON body may be sent as text/plain. Events with an eventId seen before are counted as duplicates.",
        querystring: z.object({
          key: z.string().optional().describe("The public key, when no header can be set"),
        }),
        body: eventsBodySchema,
        response: { 200: ingestResultSchema },
      },
    },
    async (request) => {
      const shopId = shopIdOf(request);
      const body: EventsBody = request.body;
      const drafts =
        "events" in body
          ? draftEvents(body.events, clock.now(), {
              sentAt: body.sentAt,
              fieldPrefix: (i) => `events[${i}].`,
            })
          : draftEvents([body], clock.now(), { fieldPrefix: () => "" });
      return writer.write(shopId, drafts);
    },
  );
};
