// Saving a message template: checked in full before it is stored, so a mistake shows in the editor, not
// as a failed send. Unknown variables, Liquid and MJML errors, an SMS or LINE body over its limit, and a
// promotional email without the opt-out link or the sender's identity (特定電子メール法) are refused,
// each with the field it concerns.
import type { Clock } from "../core/clock.js";
import { toIso } from "../core/clock.js";
import { ValidationError } from "../core/errors.js";
import type { Channel, Db, Template } from "../db/index.js";
import { compileTemplate } from "./render/compile.js";
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
      await compileTemplate({ channel: input.channel, subject: input.subject ?? null, body: input.body });
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
