// Saving a message template: checked in full before it is stored, so a mistake shows in the editor, not
// as a failed send. Unknown variables, Liquid and MJML errors, an SMS or LINE body over its limit, and a
// promotional email without the opt-out link or the sender's identity (特定電子メール法) are refused,
// each with the field it concerns.
import type { Clock } from "../core/clock.js";
import { toIso } from "../core/clock.js";
import { ValidationError } from "../core/errors.js";
import type { Channel, Db, Template } from "../db/index.js";
import { type CompiledTemplate, compileTemplate, htmlLiquid, textLiquid } from "./render/compile.js";
import { renderBounded } from "./render/sandbox.js";
import { TemplateSourceError, unknownVariables } from "./render/vocabulary.js";

export interface TemplateInput {
  key: string;
  channel: Channel;
  locale: string;
  messageClass: "promotional" | "transactional";
  subject?: string | null;
  preheader?: string | null;
  body: string;
}

const LINE_TEXT_LIMIT = 5000;

/**
 * Renders each part once with no data: a template that runs past the render bounds on its own (a loop
 * over (1..100000000), a block repeated into megabytes) is refused now rather than failing every send.
 */
function trialRender(compiled: CompiledTemplate): Array<{ field: string; message: string }> {
  const parts =
    compiled.kind === "email"
      ? ([
          ["subject", textLiquid, compiled.subject],
          ["body", htmlLiquid, compiled.html],
        ] as const)
      : ([
          ["subject", textLiquid, compiled.title ?? []],
          ["body", textLiquid, compiled.body],
        ] as const);
  const issues: Array<{ field: string; message: string }> = [];
  for (const [field, engine, template] of parts) {
    try {
      renderBounded(engine, template, {});
    } catch (err) {
      issues.push({ field, message: `cannot be rendered: ${(err as Error).message.split("\n")[0]}` });
    }
  }
  return issues;
}

/** Throws a ValidationError naming each problem's field; returns nothing when the template is sound. */
export async function validateTemplate(input: TemplateInput): Promise<void> {
  const issues: Array<{ field: string; message: string }> = [];
  const sources: Array<[string, string | null | undefined]> = [
    ["subject", input.subject],
    ["preheader", input.preheader],
    ["body", input.body],
  ];
  for (const [field, source] of sources) {
    if (!source) continue;
    try {
      const unknown = unknownVariables(field, source);
      if (unknown.length > 0) {
        issues.push({
          field,
          message: `unknown variable${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`,
        });
      }
    } catch (err) {
      if (err instanceof TemplateSourceError) issues.push({ field: err.field, message: err.message });
      else throw err;
    }
  }
  if (input.channel === "email" && !input.subject?.trim())
    issues.push({ field: "subject", message: "required for email" });
  if (input.channel === "line" && input.body.length > LINE_TEXT_LIMIT) {
    issues.push({ field: "body", message: `LINE text is limited to ${LINE_TEXT_LIMIT} characters` });
  }
  if (input.messageClass === "promotional") {
    const body = input.body;
    if (!/\{\{-?\s*unsubscribeUrl\b/.test(body)) {
      issues.push({
        field: "body",
        message: "a promotional message must carry the opt-out link ({{ unsubscribeUrl }})",
      });
    }
    if (
      input.channel === "email" &&
      !(/\{\{-?\s*shop\.name\b/.test(body) && /\{\{-?\s*shop\.address\b/.test(body))
    ) {
      issues.push({
        field: "body",
        message:
          "a promotional email must show the sender's identity ({{ shop.name }} and {{ shop.address }})",
      });
    }
  }
  if (issues.length === 0) {
    try {
      const compiled = await compileTemplate({
        channel: input.channel,
        subject: input.subject ?? null,
        body: input.body,
      });
      issues.push(...trialRender(compiled));
    } catch (err) {
      if (err instanceof TemplateSourceError) issues.push({ field: err.field, message: err.message });
      else throw err;
    }
  }
  if (issues.length > 0) throw new ValidationError(issues);
}

/** Validates and stores (creates or replaces) a template; a new version for the compiled-template cache. */
export async function saveTemplate(
  db: Db,
  clock: Clock,
  shopId: number,
  input: TemplateInput,
): Promise<Template> {
  await validateTemplate(input);
  const now = toIso(clock.now());
  const values = {
    message_class: input.messageClass,
    subject: input.subject ?? null,
    preheader: input.preheader ?? null,
    body: input.body,
    updated_at: now,
  };
  await db
    .insertInto("templates")
    .values({
      shop_id: shopId,
      key: input.key,
      channel: input.channel,
      locale: input.locale,
      ...values,
      created_at: now,
    })
    .onConflict((oc) => oc.columns(["shop_id", "key", "channel", "locale"]).doUpdateSet(values))
    .execute();
  return db
    .selectFrom("templates")
    .selectAll()
    .where("shop_id", "=", shopId)
    .where("key", "=", input.key)
    .where("channel", "=", input.channel)
    .where("locale", "=", input.locale)
    .executeTakeFirstOrThrow();
}
