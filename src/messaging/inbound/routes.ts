// The HTTP ways in for bounces and complaints, for shops whose mail server or email service cannot
// reach the SMTP listener: a raw bounce mail (message/rfc822, as an MTA pipe or a provider's inbound
// hook forwards it) and a JSON event (ESP-style). Both are signed with the shop's inbound secret
// (signature.ts) instead of an API key, and shown to the shop with the addresses to set up.
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { UnauthorizedError, ValidationError } from "../../core/errors.js";
import { parseOrThrow } from "../../core/zod-errors.js";
import { shopIdOf } from "../../http/auth.js";
import type { AppContext, RoutePlugin } from "../../http/context.js";
import { deliveryStats } from "../../integrations/receipts.js";
import { shopInboundAddresses } from "./addresses.js";
import { applyInboundReport, INBOUND_OUTCOMES, INBOUND_PROVIDER, type InboundResult } from "./apply.js";
import { parseInboundMail } from "./dsn.js";
import { baseAddress } from "./fields.js";
import { INBOUND_SIGNATURE_HEADER, inboundWebhookSecret, verifyInboundSignature } from "./signature.js";
import { bounceEventSchema, reportFromEvent } from "./webhook-events.js";

/** Where a shop's raw bounce mail is posted: this plus the shop id. */
export const INBOUND_MAIL_PATH = "/hooks/email/inbound";
/** Where a shop's JSON bounce events are posted: this plus the shop id. */
export const BOUNCE_EVENTS_PATH = "/hooks/email/bounces";

/** A bounce carries the original message back; 10 MB covers the largest mail a shop sends. */
const RAW_MAIL_LIMIT = 10 * 1024 * 1024;
const EVENT_LIMIT = 64 * 1024;

const tags = ["channels"];
const hookParams = z.object({ shopId: z.coerce.number().int().positive() });
const hookResponse = z.object({
  ok: z.literal(true),
  outcome: z.enum(INBOUND_OUTCOMES),
  messageId: z.number().nullable().describe("The message the report was about, when it named one"),
});

function rawBody(body: unknown): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.alloc(0);
}

function requireSignature(ctx: AppContext, shopId: number, raw: Buffer, request: FastifyRequest): void {
  const value = request.headers[INBOUND_SIGNATURE_HEADER.toLowerCase()];
  const header = Array.isArray(value) ? value[0] : value;
  if (!verifyInboundSignature(inboundWebhookSecret(ctx.secret, shopId), raw, header)) {
    throw new UnauthorizedError(`missing or invalid ${INBOUND_SIGNATURE_HEADER} signature`);
  }
}

function answer(ctx: AppContext, shopId: number, kind: string, result: InboundResult) {
  // Ids and outcomes only: reports carry addresses, which are never logged.
  ctx.logger.info(
    { shopId, kind, outcome: result.outcome, messageId: result.messageId },
    "inbound email report",
  );
  return { ok: true as const, outcome: result.outcome, messageId: result.messageId };
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    throw ValidationError.field("body", "is not JSON");
  }
}

/** Raw mail and JSON events: bodies stay bytes in these scopes, since the signature covers the bytes. */
const inboundHookRoutes: RoutePlugin = async (instance, { ctx }) => {
  const app = (instance as FastifyInstance).withTypeProvider<ZodTypeProvider>();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    ["message/rfc822", "application/json"],
    { parseAs: "buffer", bodyLimit: RAW_MAIL_LIMIT },
    (_request, body, done) => done(null, body),
  );

  app.post(
    `${INBOUND_MAIL_PATH}/:shopId`,
    {
      bodyLimit: RAW_MAIL_LIMIT,
      config: { auth: "none" },
      schema: {
        tags,
        summary: "A raw bounce, complaint (ARF) or unsubscribe mail, as message/rfc822",
        description: `Signed: ${INBOUND_SIGNATURE_HEADER}: sha256=<hex HMAC-SHA256 of the body with the shop's inbound secret>. Reports that name no message of the shop are acknowledged and ignored.`,
        params: hookParams,
        response: { 200: hookResponse },
      },
    },
    async (request) => {
      const { shopId } = request.params;
      const raw = rawBody(request.body);
      requireSignature(ctx, shopId, raw, request);
      const { unsubscribeAddress } = await shopInboundAddresses(ctx.db, shopId);
      const unsubscribe = unsubscribeAddress ? baseAddress(unsubscribeAddress) : null;
      const report = await parseInboundMail(raw, { isUnsubscribeAddress: (a) => a === unsubscribe });
      const result = await applyInboundReport(ctx.db, ctx.clock, report, [shopId]);
      return answer(ctx, shopId, report.kind, result);
    },
  );

  app.post(
    `${BOUNCE_EVENTS_PATH}/:shopId`,
    {
      bodyLimit: EVENT_LIMIT,
      config: { auth: "none" },
      schema: {
        tags,
        summary: "A bounce, complaint or delivery event from an email service, as JSON",
        description: `Body: {"id"?, "messageId" | "recipient", "type": "bounce"|"complaint"|"delivered", "permanent"?, "status"?, "diagnostic"?}. Signed like the raw mail hook (${INBOUND_SIGNATURE_HEADER}).`,
        params: hookParams,
        response: { 200: hookResponse },
      },
    },
    async (request) => {
      const { shopId } = request.params;
      const raw = rawBody(request.body);
      requireSignature(ctx, shopId, raw, request);
      const event = parseOrThrow(bounceEventSchema, parseJson(raw), "body");
      const report = reportFromEvent(event, raw);
      const result: InboundResult = report
        ? await applyInboundReport(ctx.db, ctx.clock, report, [shopId])
        : { outcome: "unmatched", shopId: null, messageId: null };
      return answer(ctx, shopId, event.type, result);
    },
  );
};

const inboundSetupSchema = z.object({
  rawMail: z.object({
    path: z.string().describe("POST raw bounce mail here (Content-Type: message/rfc822)"),
    url: z.string().nullable().describe("The same under PUBLIC_URL, when the instance has one"),
  }),
  bounceEvents: z.object({
    path: z.string().describe("POST JSON bounce events here (Content-Type: application/json)"),
    url: z.string().nullable(),
  }),
  signature: z.object({
    header: z.string(),
    format: z.string(),
    secret: z.string().describe("The shop's inbound secret (derived from the instance secret)"),
  }),
  addresses: z.object({
    bounceAddress: z.string().nullable().describe("Envelope sender; mail to it (with +m<id>) is read"),
    unsubscribeAddress: z.string().nullable().describe("The List-Unsubscribe mailto"),
  }),
  reports: z.object({
    received: z.number(),
    byOutcome: z.record(z.string(), z.number()),
    byTopic: z.record(z.string(), z.number()).describe("By report kind"),
    lastReceivedAt: z.string().nullable(),
  }),
});

const inboundSetupRoutes: RoutePlugin = async (instance, { ctx }) => {
  const app = (instance as FastifyInstance).withTypeProvider<ZodTypeProvider>();
  const base = ctx.publicUrl?.replace(/\/+$/, "") ?? null;
  const at = (path: string) => ({ path, url: base ? `${base}${path}` : null });

  app.get(
    "/v1/channels/email/inbound",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "How bounces, complaints and mailto unsubscribes reach Kizuna: hook URLs, secret, addresses",
        response: { 200: inboundSetupSchema },
      },
    },
    async (request) => {
      const shopId = shopIdOf(request);
      return {
        rawMail: at(`${INBOUND_MAIL_PATH}/${shopId}`),
        bounceEvents: at(`${BOUNCE_EVENTS_PATH}/${shopId}`),
        signature: {
          header: INBOUND_SIGNATURE_HEADER,
          format: "sha256=<hex HMAC-SHA256 of the request body, keyed with the secret>",
          secret: inboundWebhookSecret(ctx.secret, shopId),
        },
        addresses: await shopInboundAddresses(ctx.db, shopId),
        reports: await deliveryStats(ctx.db, shopId, INBOUND_PROVIDER),
      };
    },
  );
};

export const inboundRoutes: RoutePlugin = async (instance, { ctx }) => {
  await instance.register(inboundHookRoutes, { ctx });
  await instance.register(inboundSetupRoutes, { ctx });
};
