// The template editor's API beyond the list and the save: one template's source to edit, a preview of a
// draft (not yet saved) rendered for one real customer of the caller's shop (draft-render.ts), and a
// test send of that draft to the marketer's own address (test-send.ts).
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { NotFoundError } from "../core/errors.js";
import { CHANNELS } from "../db/index.js";
import { shopIdOf } from "../http/auth.js";
import type { RoutePlugin } from "../http/context.js";
import { draftInputSchema, renderDraft, renderedDraftSchema } from "./draft-render.js";
import { sendTest, TEST_SEND_CHANNELS, testSendSchema } from "./test-send.js";

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

export const templatePreviewRoutes: RoutePlugin = async (instance, { ctx }) => {
  const app = (instance as FastifyInstance).withTypeProvider<ZodTypeProvider>();
  const { db, clock, secret } = ctx;
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
        body: draftInputSchema,
        response: { 200: renderedDraftSchema },
      },
    },
    async (request) => renderDraft(db, clock, base, shopIdOf(request), request.body),
  );

  app.post(
    "/templates/test-send",
    {
      config: { auth: "secret" },
      schema: {
        tags: ["templates"],
        summary: "Send a draft, rendered for one customer, to your own address through the shop's provider",
        description:
          `Channels: ${TEST_SEND_CHANNELS.join(", ")}. Marked as a test in the subject or text; nothing is ` +
          "queued or counted and links are not tracked. `status` is the provider's answer.",
        body: testSendSchema,
        response: {
          200: z.object({
            status: z.enum(["sent", "deferred", "failed"]),
            reason: z.string().optional(),
            subject: z.string().nullable(),
          }),
        },
      },
    },
    async (request) => sendTest(db, clock, secret, base, shopIdOf(request), request.body),
  );
};
