// Segment endpoints: a live count and sample while a rule is edited, save (create or new version),
// read, archive, refresh now, page through members, and a customer's segments.
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { NotFoundError } from "../core/errors.js";
import { findByExternalId } from "../customers/index.js";
import { shopIdOf } from "../http/auth.js";
import type { RoutePlugin } from "../http/context.js";
import { installStarterSegments } from "./library.js";
import { segmentKeySchema } from "./schema.js";
import {
  archiveSegment,
  customerSegments,
  findSegment,
  listSegments,
  previewRule,
  refreshSegment,
  saveSegment,
  segmentMembers,
  toSegmentView,
} from "./segments.js";

const tags = ["segments"];
const keyParams = z.object({ key: segmentKeySchema });

const segmentSchema = z.object({
  key: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  rule: z.unknown().describe("The rule tree (see POST /v1/segments/preview)"),
  version: z.number(),
  status: z.enum(["active", "archived"]),
  members: z.number(),
  refreshedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

// Rules are validated by the segment module (parseOrThrow), whose errors name the node at fault
// (`rule.conditions[1].withinDays`); the HTTP schema only says a rule is an object.
const ruleBody = z
  .object({ type: z.string() })
  .passthrough()
  .describe("A segment rule: all/any/not over leaves");

export const segmentRoutes: RoutePlugin = async (instance, { ctx }) => {
  const app = (instance as FastifyInstance).withTypeProvider<ZodTypeProvider>();
  const { db, clock } = ctx;

  app.get(
    "/segments",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "The shop's segments with their member counts",
        response: { 200: z.object({ segments: z.array(segmentSchema) }) },
      },
    },
    async (request) => ({ segments: await listSegments(db, shopIdOf(request)) }),
  );

  app.post(
    "/segments/preview",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "How many customers a rule matches now, and the first of them (nothing is saved)",
        body: z.object({ rule: ruleBody, sample: z.number().int().min(0).max(100).default(10) }).strict(),
        response: {
          200: z.object({
            count: z.number(),
            sample: z.array(
              z.object({
                id: z.number(),
                externalId: z.string().nullable(),
                name: z.string().nullable(),
                email: z.string().nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => previewRule(db, clock, shopIdOf(request), request.body.rule, request.body.sample),
  );

  app.put(
    "/segments/:key",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "Create the segment or change it (a new version); membership is refreshed at once",
        params: keyParams,
        body: z.object({ name: z.string(), description: z.string().optional(), rule: ruleBody }).strict(),
        response: { 200: segmentSchema },
      },
    },
    async (request) =>
      saveSegment(db, clock, shopIdOf(request), { ...request.body, key: request.params.key }),
  );

  app.post(
    "/segments/starter",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "Install the ready-made segments the shop does not have yet (VIP, F2 candidates, dormant…)",
        response: { 200: z.object({ installed: z.array(segmentSchema) }) },
      },
    },
    async (request) => ({ installed: await installStarterSegments(db, clock, shopIdOf(request)) }),
  );

  app.get(
    "/segments/:key",
    {
      config: { auth: "secret" },
      schema: { tags, summary: "One segment", params: keyParams, response: { 200: segmentSchema } },
    },
    async (request) => toSegmentView(await findSegment(db, shopIdOf(request), request.params.key)),
  );

  app.delete(
    "/segments/:key",
    {
      config: { auth: "secret" },
      schema: { tags, summary: "Archive the segment: every member exits now", params: keyParams },
    },
    async (request, reply) => {
      await archiveSegment(db, clock, shopIdOf(request), request.params.key);
      return reply.code(204).send();
    },
  );

  app.post(
    "/segments/:key/refresh",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "Re-evaluate the rule now (the worker does it every 15 minutes)",
        params: keyParams,
        response: { 200: z.object({ entered: z.number(), exited: z.number(), members: z.number() }) },
      },
    },
    async (request) =>
      refreshSegment(db, clock, await findSegment(db, shopIdOf(request), request.params.key)),
  );

  app.get(
    "/segments/:key/members",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "Current members in customer id order; pass the last id as `after` for the next page",
        params: keyParams,
        querystring: z.object({
          after: z.coerce.number().int().min(0).optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: {
          200: z.object({
            members: z.array(
              z.object({ customerId: z.number(), externalId: z.string().nullable(), enteredAt: z.string() }),
            ),
          }),
        },
      },
    },
    async (request) => ({
      members: await segmentMembers(db, shopIdOf(request), request.params.key, request.query),
    }),
  );

  app.get(
    "/customers/:externalId/segments",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "The segments a customer is in now",
        params: z.object({ externalId: z.string().min(1) }),
        response: {
          200: z.object({
            segments: z.array(z.object({ key: z.string(), name: z.string(), enteredAt: z.string() })),
          }),
        },
      },
    },
    async (request) => {
      const shopId = shopIdOf(request);
      const customer = await findByExternalId(db, shopId, request.params.externalId);
      if (!customer) throw new NotFoundError(`customer ${request.params.externalId}`);
      return { segments: await customerSegments(db, shopId, customer.id) };
    },
  );
};
