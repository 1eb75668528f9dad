// LINE's HTTP surface: the webhook LINE posts to (signed with the channel secret; no API key) and the
// link-code endpoint the membership card page calls (secret API key) to show its QR code.
import { validateSignature } from "@line/bot-sdk";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import QRCode from "qrcode";
import { z } from "zod";
import { KizunaError, UnauthorizedError, ValidationError } from "../../../core/errors.js";
import { shopIdOf } from "../../../http/auth.js";
import type { RoutePlugin } from "../../../http/context.js";
import { getShop } from "../../../shops/index.js";
import { loadLineChannel } from "./channel.js";
import { createLinkCode, lineLinkUrl } from "./link-codes.js";
import { sendReplies } from "./replies.js";
import { handleLineWebhook, lineWebhookBodySchema } from "./webhook.js";

/** Where LINE posts a shop's webhooks: this plus the shop id (paste into the LINE Developers console). */
export const LINE_WEBHOOK_PATH = "/hooks/line";

const tags = ["line"];

/** The shop has no usable LINE channel for what was asked. */
export class LineNotConfiguredError extends KizunaError {
  constructor(missing: string) {
    super(`LINE is not set up for this shop: ${missing}`, "line_not_configured", 409);
  }
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() || undefined;
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    throw ValidationError.field("body", "is not JSON");
  }
}

const lineWebhookRoutes: RoutePlugin = async (instance, { ctx }) => {
  const app = (instance as FastifyInstance).withTypeProvider<ZodTypeProvider>();
  // The signature covers the exact bytes LINE sent, so in this scope (and only here) bodies stay raw
  // Buffers; JSON is parsed once the signature holds.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));

  app.post(
    `${LINE_WEBHOOK_PATH}/:shopId`,
    {
      config: { auth: "none" },
      schema: {
        tags,
        summary: "LINE webhook endpoint (signed with X-Line-Signature; no API key)",
        params: z.object({ shopId: z.coerce.number().int().positive() }),
        response: { 200: z.object({ ok: z.literal(true) }) },
      },
    },
    async (request) => {
      const { shopId } = request.params;
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const signature = header(request, "x-line-signature");
      const channel = await loadLineChannel(ctx.db, ctx.secret, shopId);
      const secrets = channel?.secrets;
      if (!channel || !secrets || !signature || !validateSignature(raw, secrets.channelSecret, signature)) {
        throw new UnauthorizedError("missing or invalid X-Line-Signature");
      }
      const body = lineWebhookBodySchema.safeParse(parseJson(raw));
      if (!body.success) throw ValidationError.field("events", "must be an array of LINE webhook events");
      const summary = await handleLineWebhook(ctx, shopId, body.data.events);
      if (summary.replies.length > 0) {
        const shop = await getShop(ctx.db, shopId);
        await sendReplies(channel.settings, secrets, shop.locale, summary.replies, ctx.logger, shopId);
      }
      return { ok: true as const };
    },
  );
};

const linkCodeSchema = z.object({
  code: z.string().describe("One-time code, valid for 15 minutes"),
  expiresAt: z.string(),
  url: z.string().describe("Opens the shop's LINE chat with the link message typed in"),
  qrSvg: z.string().describe("The URL as an SVG QR code, for the membership card page"),
});

const lineLinkRoutes: RoutePlugin = async (instance, { ctx }) => {
  const app = (instance as FastifyInstance).withTypeProvider<ZodTypeProvider>();

  app.post(
    "/v1/customers/:id/line-link",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary:
          "Make a one-time code (and QR code) that links the customer's LINE account when sent to the shop",
        params: z.object({ id: z.coerce.number().int().positive().describe("Kizuna customer id") }),
        response: { 200: linkCodeSchema },
      },
    },
    async (request) => {
      const shopId = shopIdOf(request);
      const channel = await loadLineChannel(ctx.db, ctx.secret, shopId);
      if (!channel) throw new LineNotConfiguredError("no LINE channel settings");
      const { botBasicId } = channel.settings;
      if (!botBasicId) throw new LineNotConfiguredError("the LINE channel settings have no botBasicId");
      // Without the channel secret the webhook cannot verify the message that completes the link.
      if (!channel.secrets) throw new LineNotConfiguredError("the LINE channel credentials are missing");
      const link = await createLinkCode(ctx.db, ctx.clock, shopId, request.params.id);
      const url = lineLinkUrl(botBasicId, link.code);
      const qrSvg = await QRCode.toString(url, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
      return { code: link.code, expiresAt: link.expiresAt, url, qrSvg };
    },
  );
};

export const lineRoutes: RoutePlugin = async (instance, { ctx }) => {
  await instance.register(lineWebhookRoutes, { ctx });
  await instance.register(lineLinkRoutes, { ctx });
};
