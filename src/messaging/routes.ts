// The delivery pipeline's API: channel settings (credentials go in, never come out), the connection
// test and resuming a paused channel; the shop's sender identity; message templates, checked in full on
// save; and one message's history, state by state.
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { NotFoundError } from "../core/errors.js";
import { CHANNELS } from "../db/index.js";
import { shopIdOf } from "../http/auth.js";
import type { RoutePlugin } from "../http/context.js";
import { loadShopForMessages, saveShopProfile, shopProfileSchema } from "../shops/profile.js";
import { getChannelSettings, resumeChannel, saveChannelSettings, testChannel } from "./channels/settings.js";
import { sendRates } from "./deliverability.js";
import { messageHistory } from "./history.js";
import { templatePreviewRoutes, templateSource } from "./template-preview-routes.js";
import { saveTemplate } from "./templates.js";

const channelParams = z.object({ channel: z.enum(CHANNELS) });
const channelView = z.object({
  channel: z.enum(CHANNELS),
  provider: z.string(),
  settings: z.record(z.string(), z.unknown()),
  secretsSet: z.array(z.string()).describe("Which credentials are stored; their values are never returned"),
  paused: z.object({ at: z.string(), reason: z.string() }).nullable(),
  updatedAt: z.string(),
});
const templateParams = z.object({
  key: z.string().min(1).max(128),
  channel: z.enum(CHANNELS),
  locale: z.enum(["ja", "en"]),
});
const templateBody = z.object({
  messageClass: z.enum(["promotional", "transactional"]),
  subject: z.string().max(500).nullish(),
  preheader: z.string().max(500).nullish(),
  body: z.string().min(1).max(500_000),
});
// A template as the API shows it: the one schema, shared with the preview routes' GET of one template.
const templateView = templateSource;

export const messagingRoutes: RoutePlugin = async (instance, { ctx }) => {
  const app = (instance as FastifyInstance).withTypeProvider<ZodTypeProvider>();
  const { db, clock, secret } = ctx;
  const tags = ["channels"];
  await instance.register(templatePreviewRoutes, { ctx });

  app.get(
    "/channels",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "Every channel's settings (credentials are never returned)",
        response: { 200: z.object({ channels: z.array(channelView) }) },
      },
    },
    async (request) => {
      const shopId = shopIdOf(request);
      const views = await Promise.all(CHANNELS.map((c) => getChannelSettings(db, shopId, c, secret)));
      return { channels: views.filter((v) => v !== null) };
    },
  );

  app.put(
    "/channels/:channel",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "Set a channel's provider, settings and credentials (sealed with the instance secret)",
        description: "Omit `secrets` to keep the stored ones. Saving lifts an automatic pause.",
        params: channelParams,
        body: z.object({
          provider: z.string().min(1),
          settings: z.record(z.string(), z.unknown()),
          secrets: z.record(z.string(), z.unknown()).optional(),
        }),
        response: { 200: channelView },
      },
    },
    async (request) =>
      saveChannelSettings(db, clock, secret, shopIdOf(request), request.params.channel, request.body),
  );

  app.post(
    "/channels/:channel/test",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "Check the connection and credentials without sending",
        params: channelParams,
        response: { 200: z.object({ ok: z.boolean(), error: z.string().optional() }) },
      },
    },
    async (request) => {
      return testChannel(db, secret, shopIdOf(request), request.params.channel);
    },
  );

  app.post(
    "/channels/:channel/resume",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "Resume a channel that paused itself; its waiting messages go out again",
        params: channelParams,
        response: { 200: channelView },
      },
    },
    async (request) => {
      const shopId = shopIdOf(request);
      if (!(await resumeChannel(db, clock, shopId, request.params.channel))) {
        throw new NotFoundError(`${request.params.channel} settings`);
      }
      return (await getChannelSettings(db, shopId, request.params.channel, secret))!;
    },
  );

  app.get(
    "/shop/profile",
    {
      config: { auth: "secret" },
      schema: {
        tags: ["shop"],
        summary: "The sender identity messages show (required for promotional email)",
        response: { 200: z.object({ name: z.string(), profile: shopProfileSchema.nullable() }) },
      },
    },
    async (request) => {
      const shop = await loadShopForMessages(db, shopIdOf(request));
      if (!shop) throw new NotFoundError("shop");
      return { name: shop.name, profile: shop.profile };
    },
  );

  app.put(
    "/shop/profile",
    {
      config: { auth: "secret" },
      schema: {
        tags: ["shop"],
        summary: "Set the sender identity",
        body: shopProfileSchema,
        response: { 200: shopProfileSchema },
      },
    },
    async (request) => {
      await saveShopProfile(db, shopIdOf(request), request.body);
      return request.body;
    },
  );

  app.get(
    "/templates",
    {
      config: { auth: "secret" },
      schema: {
        tags: ["templates"],
        summary: "The shop's message templates",
        response: { 200: z.object({ templates: z.array(templateView.omit({ body: true })) }) },
      },
    },
    async (request) => {
      const rows = await db
        .selectFrom("templates")
        .selectAll()
        .where("shop_id", "=", shopIdOf(request))
        .orderBy("key")
        .orderBy("channel")
        .orderBy("locale")
        .execute();
      return {
        templates: rows.map((t) => ({
          key: t.key,
          channel: t.channel,
          locale: t.locale,
          messageClass: t.message_class,
          subject: t.subject,
          preheader: t.preheader,
          updatedAt: t.updated_at,
        })),
      };
    },
  );

  app.put(
    "/templates/:key/:channel/:locale",
    {
      config: { auth: "secret" },
      schema: {
        tags: ["templates"],
        summary: "Create or replace a template; refused with the field named if it cannot be sent",
        description:
          "Checked on save: unknown variables, Liquid and MJML errors, LINE length, and for promotional " +
          "messages the opt-out link ({{ unsubscribeUrl }}) and, in email, the sender's name and address.",
        params: templateParams,
        body: templateBody,
        response: { 200: templateView },
      },
    },
    async (request) => {
      const t = await saveTemplate(db, clock, shopIdOf(request), { ...request.params, ...request.body });
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

  app.get(
    "/deliverability",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "Bounce, complaint and unsubscribe rates per send (campaign or scenario step)",
        querystring: z.object({ days: z.coerce.number().int().min(1).max(365).default(7) }),
        response: {
          200: z.object({
            since: z.string(),
            sends: z.array(
              z.object({
                send: z.string(),
                sent: z.number(),
                bounced: z.number(),
                complaints: z.number(),
                unsubscribes: z.number(),
                opened: z.number(),
                clicked: z.number(),
                bounceRate: z.number(),
                complaintRate: z.number(),
                unsubscribeRate: z.number(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const since = new Date(clock.now().getTime() - request.query.days * 86_400_000).toISOString();
      return { since, sends: await sendRates(db, shopIdOf(request), { since }) };
    },
  );

  app.get(
    "/messages/:id",
    {
      config: { auth: "secret" },
      schema: {
        tags: ["messages"],
        summary: "One message: where it is, and every state it went through with the reason",
        params: z.object({ id: z.coerce.number().int().positive() }),
        response: {
          200: z.object({
            id: z.number(),
            customerId: z.number(),
            channel: z.string(),
            template: z.string(),
            status: z.string(),
            reason: z.string().nullable(),
            attempts: z.number(),
            queuedAt: z.string(),
            sentAt: z.string().nullable(),
            openedAt: z.string().nullable(),
            clickedAt: z.string().nullable(),
            events: z.array(
              z.object({
                type: z.string(),
                reason: z.string().nullable(),
                detail: z.unknown(),
                at: z.string(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      return messageHistory(db, shopIdOf(request), request.params.id);
    },
  );
};
