// Turns a stored template into what rendering a message needs, once per template version: Liquid parsed
// ahead of time, and for email the MJML compiled to responsive HTML (with the Liquid still inside it)
// plus a plain-text version derived from that HTML. Rendering a message is then only Liquid over
// prepared trees — never MJML per message.
import { convert } from "html-to-text";
import type { Liquid, Template as LiquidTemplate } from "liquidjs";
import mjml2html from "mjml";
import type { Template } from "../../db/index.js";
import { sandboxLiquid } from "./sandbox.js";
import { TemplateSourceError } from "./vocabulary.js";

/** HTML and subjects: `| escape` in the templates does the escaping. */
export const htmlLiquid = sandboxLiquid();

/**
 * The plain-text part is made from the email's HTML, whose output tags say `| escape`: in text, escaping
 * would show "&amp;", so here escape passes values through as they are.
 */
export const textLiquid = sandboxLiquid();
textLiquid.registerFilter("escape", (v: unknown) => v);
textLiquid.registerFilter("escape_once", (v: unknown) => v);

interface Compiled {
  /** The top-level variables the template uses (cart, recommendations...), so a batch loads only those. */
  variables: string[];
}

export interface CompiledEmail extends Compiled {
  kind: "email";
  subject: LiquidTemplate[];
  html: LiquidTemplate[];
  text: LiquidTemplate[];
  /** The compiled HTML before rendering: checked for an unsubscribe link and the sender's identity. */
  htmlSource: string;
}

export interface CompiledText extends Compiled {
  kind: "text";
  /** Push notifications use the subject as their title. */
  title: LiquidTemplate[] | null;
  body: LiquidTemplate[];
}

export type CompiledTemplate = CompiledEmail | CompiledText;

// MJML elements whose content is HTML passed through as it is: Liquid inside them needs no protection.
const ENDING_TAGS = new Set([
  "mj-text",
  "mj-button",
  "mj-raw",
  "mj-table",
  "mj-title",
  "mj-preview",
  "mj-style",
  "mj-navbar-link",
  "mj-accordion-title",
  "mj-accordion-text",
  "mj-social-element",
]);

/**
 * Liquid block tags that sit between MJML elements ({% for %} around sections, {% if %} around a block)
 * would be dropped by the MJML parser; wrapped in <mj-raw> they pass through to the HTML where they
 * stood, and Liquid then repeats or removes the compiled markup between them.
 */
export function protectLiquidInMjml(source: string): string {
  let insideEnding = 0;
  return source.replace(
    /<(\/?)(mj-[a-z-]+)[^>]*?(\/?)>|\{%-?[\s\S]*?-?%\}/g,
    (token, close, name, selfClose) => {
      if (name) {
        if (ENDING_TAGS.has(name) && !selfClose) insideEnding += close ? -1 : 1;
        return token;
      }
      return insideEnding > 0 ? token : `<mj-raw>${token}</mj-raw>`;
    },
  );
}

const TEXT_OPTIONS = {
  wordwrap: false as const,
  selectors: [
    { selector: "img", format: "skip" },
    // The preheader is for the inbox list, hidden in the HTML; it would open the text part as noise.
    { selector: "div[style*='display:none']", format: "skip" },
    {
      selector: "a",
      options: { hideLinkHrefIfSameAsText: true, linkBrackets: ["<", ">"] as [string, string] },
    },
    { selector: "table", format: "block" },
    { selector: "tr", format: "block" },
    { selector: "td", format: "block" },
  ],
};

function parse(engine: Liquid, field: string, source: string): LiquidTemplate[] {
  try {
    return engine.parse(source);
  } catch (err) {
    throw new TemplateSourceError(field, (err as Error).message.split("\n")[0]);
  }
}

/**
 * MJML's output is indented for reading: about a third of each mail is leading whitespace, sent and
 * stored by every receiver. Dropping the indentation after line breaks changes nothing a browser or mail
 * client shows (HTML collapses whitespace), except inside <pre>, which MJML does not produce.
 */
export function compactHtml(html: string): string {
  if (/<pre[\s>]/i.test(html)) return html;
  return html.replace(/\n[ \t]+/g, "\n").replace(/\n{2,}/g, "\n");
}

/** MJML (a body starting with <mjml>) to HTML; other bodies are taken as HTML already. */
export async function emailHtml(body: string): Promise<string> {
  if (!/^\s*<mjml[\s>]/.test(body)) return body;
  const { html, errors } = await mjml2html(protectLiquidInMjml(body), { validationLevel: "soft" });
  const serious = errors.filter((e) => !/mj-raw/.test(e.message));
  if (serious.length > 0) {
    throw new TemplateSourceError(
      "body",
      `MJML: ${serious.map((e) => e.formattedMessage ?? e.message).join("; ")}`,
    );
  }
  return compactHtml(html);
}

/** The plain-text version of a compiled email, with its Liquid tags kept. */
export function emailText(html: string): string {
  // A linked picture would leave a bare URL line in the text: drop picture links before converting.
  const withoutPictureLinks = html.replace(/<a\b[^>]*>\s*<img\b[^>]*>\s*<\/a>/gi, "");
  return convert(withoutPictureLinks, TEXT_OPTIONS)
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

export async function compileTemplate(
  template: Pick<Template, "channel" | "subject" | "body">,
): Promise<CompiledTemplate> {
  const sources = [template.subject ?? "", template.body];
  const variables = [...new Set(sources.flatMap((s) => htmlLiquid.globalVariablesSync(s)))];
  if (template.channel === "email") {
    const html = await emailHtml(template.body);
    return {
      kind: "email",
      variables,
      subject: parse(htmlLiquid, "subject", template.subject ?? ""),
      html: parse(htmlLiquid, "body", html),
      text: parse(textLiquid, "body", emailText(html)),
      htmlSource: html,
    };
  }
  return {
    kind: "text",
    variables,
    title: template.subject ? parse(textLiquid, "subject", template.subject) : null,
    body: parse(textLiquid, "body", template.body),
  };
}

/** Compiled templates by id and version (updated_at): an edit makes a new entry, the old one ages out. */
export class TemplateCache {
  private readonly entries = new Map<string, Promise<CompiledTemplate>>();

  constructor(private readonly maxEntries = 500) {}

  get(template: Template): Promise<CompiledTemplate> {
    const key = `${template.id}@${template.updated_at}`;
    let entry = this.entries.get(key);
    if (!entry) {
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
      entry = compileTemplate(template);
      // A template that fails to compile is not cached: fixing it must take effect.
      entry.catch(() => this.entries.delete(key));
      this.entries.set(key, entry);
    }
    return entry;
  }
}
