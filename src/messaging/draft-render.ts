// A draft template (not necessarily saved) rendered for one real customer of a shop, with the same
// compiler, scope and sandboxed Liquid the delivery worker uses. Nothing is queued or recorded: links
// stay as written (no click tokens, no open pixel, no short links), and the unsubscribe and preference
// links are inert placeholders, so a click counts for nobody. The editor's preview shows it; a test
// send sends it to the marketer's own address.
import { z } from "zod";
import type { Clock } from "../core/clock.js";
import { NotFoundError } from "../core/errors.js";
import { CHANNELS, type Db, type Message } from "../db/index.js";
import { loadShopForMessages } from "../shops/profile.js";
import { lineMessages } from "./channels/line/flex.js";
import { smsSegments } from "./channels/sms/segments.js";
import { compileTemplate, htmlLiquid, textLiquid } from "./render/compile.js";
import { renderBounded } from "./render/sandbox.js";
import { buildScopes } from "./render/scope.js";
import { validateTemplate } from "./templates.js";

export const draftInputSchema = z.object({
  channel: z.enum(CHANNELS),
  locale: z.enum(["ja", "en"]).optional(),
  messageClass: z.enum(["promotional", "transactional"]).default("transactional"),
  subject: z.string().max(500).nullish(),
  preheader: z.string().max(500).nullish(),
  body: z.string().min(1).max(500_000),
  customer: z.string().min(1).max(256).describe("The customer's external id"),
});

export const renderedDraftSchema = z.object({
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
  line: z
    .array(z.record(z.string(), z.unknown()))
    .nullable()
    .describe("LINE: the message objects as sent (text, then a Flex carousel of recommended products)"),
});

export type DraftInput = z.infer<typeof draftInputSchema>;
export type RenderedDraft = z.infer<typeof renderedDraftSchema>;

/** A message as the renderer's scope builder sees one, for a customer with no event behind it. */
function draftMessage(shopId: number, customerId: number, input: DraftInput, now: string): Message {
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

/** Checked like a save (unknown variables, Liquid and MJML errors, each with its field), then rendered. */
export async function renderDraft(
  db: Db,
  clock: Clock,
  publicBase: string,
  shopId: number,
  input: DraftInput,
): Promise<RenderedDraft> {
  const base = publicBase;
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
    return { subject, preheader, html, text, sms: null, line: null };
  }
  const text = renderBounded(textLiquid, compiled.body, scope).trim();
  const subject = compiled.title ? renderBounded(textLiquid, compiled.title, scope) : null;
  return {
    subject,
    preheader,
    html: null,
    text,
    sms: input.channel === "sms" ? smsSegments(text) : null,
    line:
      input.channel === "line"
        ? draftLineMessages(text, (scope as Record<string, unknown>).recommendations)
        : null,
  };
}

/** What the worker would send on LINE: the text and, when the template recommends products, their cards. */
function draftLineMessages(text: string, recommendations: unknown): Array<Record<string, unknown>> {
  const products = ((recommendations as Array<Record<string, string>> | undefined) ?? []).map((p) => ({
    name: p.name,
    price: p.price,
    url: p.url,
    imageUrl: p.imageUrl,
  }));
  return lineMessages(text, products, text.slice(0, 400)) as unknown as Array<Record<string, unknown>>;
}
