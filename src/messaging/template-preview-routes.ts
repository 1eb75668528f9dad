// The template editor's API beyond the list and the save: one template's source to edit, and a preview: a draft (not yet saved) rendered for one real customer of the caller's
// shop, with the same compiler, scope and sandboxed Liquid the delivery worker uses. Nothing is queued or
// recorded: links stay as written (no click tokens, no open pixel, no short links), and the unsubscribe
// and preference links are inert placeholders, so a click in the preview counts for nobody.
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { NotFoundError } from "../core/errors.js";
import { CHANNELS, type Message } from "../db/index.js";
import { shopIdOf } from "../http/auth.js";
import type { RoutePlugin } from "../http/context.js";
import { loadShopForMessages } from "../shops/profile.js";
import { smsSegments } from "./channels/sms/segments.js";
import { compileTemplate, htmlLiquid, textLiquid } from "./render/compile.js";
import { renderBounded } from "./render/sandbox.js";
import { buildScopes } from "./render/scope.js";
import { validateTemplate } from "./templates.js";

const previewBody = z.object({
  channel: z.enum(CHANNELS),
  locale: z.enum(["ja", "en"]).optional(),
  messageClass: z.enum(["promotional", "transactional"]).default("transactional"),
  subject: z.string().max(500).nullish(),
  preheader: z.string().max(500).nullish(),
  body: z.string().min(1).max(500_000),
  customer: z.string().min(1).max(256).describe("The customer's external id"),
});

const previewView = z.object({
  subject: z.string().nullable(),
  preheader: z.string().nullable(),
  html: z.string().nullable(),
  text: z.string(),
  sms: z
    .object({
      encoding: z.enum(["gsm7", "ucs2"]),
      length: z.number(),
      segments: z.number(),
      perSegment: z.number(),
    })
    .nullable(),
});

export const templateSource = z.object({
  key: z.string(),
  channel: z.enum(CHANNELS),
  locale: z.string(),
  messageClass: z.enum(["promotional", "transactional"]),
  subject: z.string().nullable(),
  preheader: z.string().nullable(),
  body: z.string(),
  updatedAt: z.string(),
});

/** A message as the renderer's scope builder sees one, for a customer with no event behind it. */
function draftMessage(
  shopId: number,
  customerId: number,
  input: z.infer<typeof previewBody>,
  now: string,
): Message {
  return {
    id: 0,
    shop_id: shopId,
    customer_id: customerId,
    channel: input.channel,
    template_key: "preview",
    message_class: input.messageClass,
    status: "queued",
    status_reason: null,
    idempotency_key: "preview",
    scenario_id: null,
    scenario_version: null,
    run_id: null,
    step_id: null,
    campaign_id: null,
    variant: null,
    payload: "{}",
    queued_at: now,
    sent_at: null,
    opened_at: null,
    clicked_at: null,
    updated_at: now,
    due_at: null,
    attempts: 0,
    address: null,
    provider_id: null,
    delivered_at: null,
    converted_at: null,
  } as Message;
}

export const templatePreviewRoutes: RoutePlugin = async (instance, { ctx }) => {
  const app = (instance as FastifyInstance).withTypeProvider<ZodTypeProvider>();
  const { db, clock } = ctx;
  const base = (ctx.publicUrl ?? "").replace(/\/+$/, "");

  app.get(
    "/templates/:key/:channel/:locale",
    {
      config: { auth: "secret" },
      schema: {
        tags: ["templates"],
        summary: "One template with its source, for the editor",
        params: z.object({
          key: z.string().min(1).max(128),
          channel: z.enum(CHANNELS),
          locale: z.enum(["ja", "en"]),
        }),
        response: { 200: templateSource },
      },
    },
    async (request) => {
      const { key, channel, locale } = request.params;
      const t = await db
        .selectFrom("templates")
        .selectAll()
        .where("shop_id", "=", shopIdOf(request))
        .where("key", "=", key)
        .where("channel", "=", channel)
        .where("locale", "=", locale)
        .executeTakeFirst();
      if (!t) throw new NotFoundError(`${channel} template ${key} (${locale})`);
      return {
        key: t.key,
        channel: t.channel,
        locale: t.locale,
        messageClass: t.message_class,
        subject: t.subject,
        preheader: t.preheader,
        body: t.body,
        updatedAt: t.updated_at,
      };
    },
  );

  app.post(
    "/templates/preview",
    {
      config: { auth: "secret" },
      schema: {
        tags: ["templates"],
        summary: "Render a draft template for one customer, without saving or sending",
        description:
          "Checked like a save (unknown variables, Liquid and MJML errors, each with its field); links are " +
          "not tracked. SMS answers carry the segment count.",
        body: previewBody,
        response: { 200: previewView },
      },
    },
    async (request) => {
      const shopId = shopIdOf(request);
      const input = request.body;
      const shop = await loadShopForMessages(db, shopId);
      if (!shop) throw new NotFoundError("shop");
      const customer = await db
        .selectFrom("customers")
        .select("id")
        .where("shop_id", "=", shopId)
        .where("external_id", "=", input.customer)
        .executeTakeFirst();
      if (!customer) throw new NotFoundError(`customer ${input.customer}`);
      // The compliance checks are the save's business: a draft without its opt-out link still previews.
      await validateTemplate({
        ...input,
        key: "preview",
        locale: input.locale ?? shop.locale,
        messageClass: "transactional",
      });
      const compiled = await compileTemplate({
        channel: input.channel,
        subject: input.subject ?? null,
        body: input.body,
      });
      const now = clock.now();
      const message = draftMessage(shopId, customer.id, input, now.toISOString());
      const uses = new Set(compiled.variables);
      const scopes = await buildScopes(
        db,
        shop,
        input.locale ?? shop.locale,
        [message],
        { cart: uses.has("cart"), recommendations: uses.has("recommendations") },
        now,
      );
      const scope = {
        ...scopes.get(0),
        unsubscribeUrl: `${base}/u/preview`,
        preferencesUrl: `${base}/p/preview`,
        confirmUrl: `${base}/c/preview`,
      };
      const preheader = input.preheader
        ? renderBounded(textLiquid, textLiquid.parse(input.preheader), scope)
        : null;
      if (compiled.kind === "email") {
        const html = renderBounded(htmlLiquid, compiled.html, scope);
        const text = renderBounded(textLiquid, compiled.text, scope).replace(/\n{3,}/g, "\n\n");
        const subject = renderBounded(textLiquid, compiled.subject, scope).replace(/\s+/g, " ").trim();
        return { subject, preheader, html, text, sms: null };
      }
      const text = renderBounded(textLiquid, compiled.body, scope).trim();
      const subject = compiled.title ? renderBounded(textLiquid, compiled.title, scope) : null;
      return {
        subject,
        preheader,
        html: null,
        text,
        sms: input.channel === "sms" ? smsSegments(text) : null,
      };
    },
  );
};
