// Customer endpoints: upsert (single and batch), read back, search, consents, points, identify.
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { ForbiddenError, NotFoundError, ValidationError } from "../core/errors.js";
import { inTransaction } from "../db/index.js";
import { shopIdOf } from "../http/auth.js";
import type { RoutePlugin } from "../http/context.js";
import { getConsents, setConsents } from "./consents.js";
import { findByExternalId } from "./identity.js";
import { normalizeCustomerInput } from "./normalize-input.js";
import { recordPointEntry } from "./points.js";
import { customerToOutput, getCustomerProfile, searchCustomers } from "./profile.js";
import {
  consentMapSchema,
  customerInputSchema,
  customerOutputSchema,
  pointBalanceSchema,
  pointEntryInputSchema,
} from "./schema.js";
import { ensureCustomerByExternalId, upsertCustomer } from "./upsert.js";
import { linkVisitor } from "./visitors.js";

const MAX_BATCH = 1000;
const tags = ["customers"];
const externalIdParams = z.object({ externalId: z.string().min(1).max(128) });

export const customerRoutes: RoutePlugin = async (instance, { ctx }) => {
  const app = (instance as FastifyInstance).withTypeProvider<ZodTypeProvider>();
  const { db, clock } = ctx;
  const recordConsents = ctx.recordConsents ?? setConsents;

  app.post(
    "/customers",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "Create or update a customer (matched by externalId, then email, then phone)",
        body: customerInputSchema,
        response: {
          200: z.object({ customer: customerOutputSchema, created: z.boolean(), merged: z.number() }),
        },
      },
    },
    async (request) => {
      const shopId = shopIdOf(request);
      const input = normalizeCustomerInput(request.body, clock);
      const result = await inTransaction(db, (trx) =>
        upsertCustomer(trx, clock, shopId, input, "api", recordConsents),
      );
      return { customer: customerToOutput(result.customer), created: result.created, merged: result.merged };
    },
  );

  app.post(
    "/customers/batch",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: `Create or update up to ${MAX_BATCH} customers in one transaction (all or nothing)`,
        body: z.object({ customers: z.array(customerInputSchema).min(1).max(MAX_BATCH) }).strict(),
        response: {
          200: z.object({
            results: z.array(
              z.object({ id: z.number(), externalId: z.string().nullable(), created: z.boolean() }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const shopId = shopIdOf(request);
      const inputs = request.body.customers.map((c, i) =>
        normalizeCustomerInput(c, clock, `customers[${i}].`),
      );
      const results = await inTransaction(db, async (trx) => {
        const out = [];
        for (const input of inputs) {
          const r = await upsertCustomer(trx, clock, shopId, input, "api", recordConsents);
          out.push({ id: r.customer.id, externalId: r.customer.external_id, created: r.created });
        }
        return out;
      });
      return { results };
    },
  );

  app.get(
    "/customers",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "Search customers by email, phone, or name / kana / external id",
        querystring: z
          .object({
            email: z.string().optional(),
            phone: z.string().optional(),
            q: z.string().min(1).optional(),
            limit: z.coerce.number().int().min(1).max(100).default(20),
          })
          .strict(),
        response: { 200: z.object({ customers: z.array(customerOutputSchema) }) },
      },
    },
    async (request) => {
      const { email, phone, q, limit } = request.query;
      if (!email && !phone && !q) throw ValidationError.field("q", "give email, phone or q");
      const rows = await searchCustomers(db, shopIdOf(request), { email, phone, q, limit });
      return { customers: rows.map(customerToOutput) };
    },
  );

  app.get(
    "/customers/:externalId",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "A customer's profile, consents, points, recent orders and events",
        params: externalIdParams,
      },
    },
    async (request) => getCustomerProfile(db, shopIdOf(request), request.params.externalId, clock.now()),
  );

  app.post(
    "/customers/:externalId/consents",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "Record consent per channel (logged with its source and time)",
        params: externalIdParams,
        body: z
          .object({ consents: consentMapSchema, source: z.string().min(1).max(100).default("api") })
          .strict(),
      },
    },
    async (request) => {
      const shopId = shopIdOf(request);
      const customer = await findByExternalId(db, shopId, request.params.externalId);
      if (!customer) throw new NotFoundError(`customer ${request.params.externalId}`);
      await inTransaction(db, (trx) =>
        recordConsents(trx, clock, shopId, customer.id, request.body.consents, request.body.source),
      );
      return { consents: await getConsents(db, shopId, customer.id) };
    },
  );

  app.post(
    "/customers/:externalId/points",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "Add a point ledger entry (earn, spend, expire, adjust); idempotent on externalId",
        params: externalIdParams,
        body: pointEntryInputSchema,
        response: { 200: z.object({ recorded: z.boolean(), points: pointBalanceSchema }) },
      },
    },
    async (request) => {
      const shopId = shopIdOf(request);
      const customer = await findByExternalId(db, shopId, request.params.externalId);
      if (!customer) throw new NotFoundError(`customer ${request.params.externalId}`);
      return inTransaction(db, async (trx) => {
        const recorded = await recordPointEntry(trx, clock, shopId, customer.id, request.body);
        const row = await trx
          .selectFrom("point_balances")
          .selectAll()
          .where("shop_id", "=", shopId)
          .where("customer_id", "=", customer.id)
          .executeTakeFirst();
        return {
          recorded,
          points: {
            balance: row?.balance ?? 0,
            nextExpiryAt: row?.next_expiry_at ?? null,
            nextExpiryPoints: row?.next_expiry_points ?? 0,
          },
        };
      });
    },
  );

  app.post(
    "/identify",
    {
      config: { auth: "public" },
      schema: {
        tags,
        summary:
          "Link a storefront visitor to a customer: their earlier anonymous events become the customer's. " +
          "With the secret key, profile fields may be sent too and duplicate profiles are merged.",
        body: z
          .object({
            visitorId: z.string().min(1).max(128).optional(),
            externalId: z.string().min(1).max(128),
            customer: customerInputSchema.omit({ externalId: true }).optional(),
          })
          .strict(),
        response: {
          200: z.object({
            customerId: z.number(),
            created: z.boolean(),
            merged: z.number(),
            eventsLinked: z.number(),
          }),
        },
      },
    },
    async (request) => {
      const shopId = shopIdOf(request);
      const { visitorId, externalId, customer } = request.body;
      if (customer && request.principal?.kind !== "secret") {
        throw new ForbiddenError(
          "customer: profile fields need the secret key; the public key may only link a visitor",
        );
      }
      const input = customer
        ? normalizeCustomerInput({ ...customer, externalId }, clock, "customer.")
        : undefined;
      return inTransaction(db, async (trx) => {
        let result: { id: number; created: boolean; merged: number };
        if (input) {
          const r = await upsertCustomer(trx, clock, shopId, input, "api:identify", recordConsents);
          result = { id: r.customer.id, created: r.created, merged: r.merged };
        } else {
          const before = await findByExternalId(trx, shopId, externalId);
          const c = before ?? (await ensureCustomerByExternalId(trx, clock, shopId, externalId));
          result = { id: c.id, created: !before, merged: 0 };
        }
        const eventsLinked = visitorId ? await linkVisitor(trx, clock, shopId, visitorId, result.id) : 0;
        return { customerId: result.id, created: result.created, merged: result.merged, eventsLinked };
      });
    },
  );
};
