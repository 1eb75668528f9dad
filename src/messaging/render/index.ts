// Renders a batch of claimed messages: finds each message's template (in the shop's language, else the
// other one), compiles it once per version (cached), builds the batch's scopes in a few queries, and
// renders each message with its own unsubscribe, preference and tracked links. A message that cannot
// be rendered (no template, a promotional mail that would go out without the legally required opt-out or
// sender identity) gets a reason instead of content.
import { anyOf, type Channel, type Db, fromJson, type Message, type Template } from "../../db/index.js";
import type { ShopForMessages } from "../../shops/profile.js";
import type { RenderedContent } from "../channels/types.js";
import type { LinkBuilder, RecipientRef } from "../links.js";
import { type CompiledTemplate, htmlLiquid, TemplateCache, textLiquid } from "./compile.js";
import { PopularProductsCache } from "./recommendations.js";
import { renderBounded } from "./sandbox.js";
import { buildScopes } from "./scope.js";
import { LinkTracker } from "./tracking.js";

export type RenderOutcome =
  | { ok: true; content: RenderedContent; unsubscribeUrl: string }
  | { ok: false; reason: string };

/** A batch made ready to render (see Renderer.prepare). */
export interface PreparedBatch {
  /** The messages that cannot be rendered, and why (no template, no sender identity…). */
  refused: ReadonlyMap<number, RenderOutcome & { ok: false }>;
  /** Renders one of the batch's other messages; a failure comes back as an outcome, never thrown. */
  renderOne(m: Message): Promise<RenderOutcome>;
}

export interface RenderHooks {
  /** Shortens and tracks the links of an SMS (the SMS channel's short links). */
  smsLinks?(shopId: number, messageId: number, text: string): Promise<string>;
  /** LINE message objects for a text, with a product carousel when there are recommendations. */
  lineMessages?(text: string, products: Array<Record<string, string>>, altText: string): RenderedContent;
}

const LOCALES = ["ja", "en"];

export class Renderer {
  private readonly cache = new TemplateCache();
  private readonly popular = new PopularProductsCache();

  constructor(
    private readonly db: Db,
    private readonly links: LinkBuilder,
    private readonly hooks: RenderHooks = {},
  ) {}

  /** Renders every message of the batch (see prepare). */
  async render(shop: ShopForMessages, messages: Message[], now: Date): Promise<Map<number, RenderOutcome>> {
    const batch = await this.prepare(shop, messages, now);
    const outcomes = new Map<number, RenderOutcome>(batch.refused);
    for (const m of messages) if (!outcomes.has(m.id)) outcomes.set(m.id, await batch.renderOne(m));
    return outcomes;
  }

  /**
   * Does the batch's shared work — templates, their compiled forms, every message's scope, in a few
   * queries — and says which messages cannot be rendered at all. Each other message is then rendered
   * on its own with `renderOne`, when it is about to be sent, so that rendering a batch and sending it
   * overlap.
   */
  async prepare(shop: ShopForMessages, messages: Message[], now: Date): Promise<PreparedBatch> {
    const refused = new Map<number, RenderOutcome & { ok: false }>();
    const templates = await this.templatesFor(shop, messages);
    const compiled = new Map<number, CompiledTemplate>();
    const ready: Message[] = [];
    const locales = new Map<number, string>();
    for (const m of messages) {
      const template = templates.get(`${m.template_key}:${m.channel}`);
      if (!template) {
        refused.set(m.id, { ok: false, reason: `no ${m.channel} template "${m.template_key}"` });
        continue;
      }
      try {
        compiled.set(m.id, await this.cache.get(template));
      } catch (err) {
        refused.set(m.id, { ok: false, reason: `template "${m.template_key}": ${(err as Error).message}` });
        continue;
      }
      if (m.message_class === "promotional" && m.channel === "email" && !shop.profile) {
        refused.set(m.id, {
          ok: false,
          reason: "compliance: the shop's sender identity (address, contact) is not set",
        });
        continue;
      }
      locales.set(m.id, template.locale);
      ready.push(m);
    }
    const byLocale = new Map<string, Message[]>();
    for (const m of ready) {
      const l = locales.get(m.id)!;
      byLocale.set(l, [...(byLocale.get(l) ?? []), m]);
    }
    const scopes = new Map<number, Record<string, unknown>>();
    for (const [locale, group] of byLocale) {
      const uses = new Set(group.flatMap((m) => compiled.get(m.id)!.variables));
      const built = await buildScopes(
        this.db,
        shop,
        locale,
        group,
        { cart: uses.has("cart"), recommendations: uses.has("recommendations") },
        now,
        this.popular,
      );
      for (const m of group) scopes.set(m.id, built.get(m.id)!);
    }
    return {
      refused,
      renderOne: async (m) => {
        const template = compiled.get(m.id);
        const scope = scopes.get(m.id);
        if (!template || !scope) return refused.get(m.id) ?? { ok: false, reason: "not prepared" };
        try {
          return await this.renderOne(shop, m, template, scope);
        } catch (err) {
          return { ok: false, reason: `rendering: ${(err as Error).message.split("\n")[0]}` };
        }
      },
    };
  }

  private async renderOne(
    shop: ShopForMessages,
    m: Message,
    template: CompiledTemplate,
    scope: Record<string, unknown>,
  ): Promise<RenderOutcome> {
    const ref: RecipientRef = {
      shopId: m.shop_id,
      customerId: m.customer_id,
      channel: m.channel,
      messageId: m.id,
    };
    const unsubscribeUrl = this.links.unsubscribeUrl(ref);
    const preferencesUrl = this.links.preferencesUrl(ref);
    // A double opt-in confirmation carries its signed link; it is a credential, so never tracked.
    const optInToken = fromJson<{ optIn?: { token?: unknown } }>(m.payload).optIn?.token;
    const confirmUrl = typeof optInToken === "string" ? this.links.confirmUrl(optInToken) : "";
    const untracked = new Set([unsubscribeUrl, confirmUrl]);
    const full = { ...scope, unsubscribeUrl, preferencesUrl, confirmUrl };
    if (template.kind === "email") {
      const tracker = new LinkTracker(this.links, m.shop_id, m.id, untracked);
      const html = renderBounded(htmlLiquid, template.html, full);
      if (m.message_class === "promotional") {
        const missing = complianceGaps(html, unsubscribeUrl, shop);
        if (missing) return { ok: false, reason: `compliance: ${missing}` };
      }
      const text = renderBounded(textLiquid, template.text, full).replace(/\n{3,}/g, "\n\n");
      const subject = renderBounded(textLiquid, template.subject, full).replace(/\s+/g, " ").trim();
      return {
        ok: true,
        unsubscribeUrl,
        content: { kind: "email", subject, html: tracker.html(html), text: tracker.text(text) },
      };
    }
    const body = renderBounded(textLiquid, template.body, full).trim();
    switch (m.channel as Channel) {
      case "sms": {
        const text = this.hooks.smsLinks ? await this.hooks.smsLinks(m.shop_id, m.id, body) : body;
        return { ok: true, unsubscribeUrl, content: { kind: "text", text } };
      }
      case "line": {
        const tracker = new LinkTracker(this.links, m.shop_id, m.id, untracked);
        const text = tracker.bare(body);
        const products = ((scope.recommendations as Array<Record<string, string>> | undefined) ?? []).map(
          (p) => ({
            ...p,
            url: tracker.track(p.url),
          }),
        );
        const content = this.hooks.lineMessages
          ? this.hooks.lineMessages(text, products, body.slice(0, 400))
          : { kind: "line" as const, messages: [{ type: "text", text }] };
        return { ok: true, unsubscribeUrl, content };
      }
      case "push": {
        const title = template.title ? renderBounded(textLiquid, template.title, full) : shop.name;
        const url = body.match(/https?:\/\/\S+/)?.[0] ?? shop.profile?.url ?? "";
        return { ok: true, unsubscribeUrl, content: { kind: "push", title, body, url } };
      }
      default:
        return { ok: true, unsubscribeUrl, content: { kind: "text", text: body } };
    }
  }

  /** The batch's templates by key and channel, in the shop's language where there is one. */
  private async templatesFor(shop: ShopForMessages, messages: Message[]): Promise<Map<string, Template>> {
    const keys = [...new Set(messages.map((m) => m.template_key))];
    const rows = await this.db
      .selectFrom("templates")
      .selectAll()
      .where("shop_id", "=", shop.id)
      .where(anyOf(this.db, "key", keys))
      .execute();
    const preference = [shop.locale, ...LOCALES.filter((l) => l !== shop.locale)];
    const rank = (t: Template) => {
      const i = preference.indexOf(t.locale);
      return i < 0 ? preference.length : i;
    };
    const chosen = new Map<string, Template>();
    for (const t of rows) {
      const key = `${t.key}:${t.channel}`;
      const current = chosen.get(key);
      if (!current || rank(t) < rank(current)) chosen.set(key, t);
    }
    return chosen;
  }
}

/**
 * What 特定電子メール法 requires that a rendered promotional mail lacks: the opt-out link, and the
 * sender's name and address. Null when it has them.
 */
export function complianceGaps(html: string, unsubscribeUrl: string, shop: ShopForMessages): string | null {
  if (!html.includes(unsubscribeUrl)) return "no unsubscribe link";
  if (!shop.profile) return "the shop's sender identity is not set";
  const escapedName = shop.name.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  if (!html.includes(escapedName)) return "the sender's name is missing";
  const escapedAddress = shop.profile.address
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
  if (!html.includes(escapedAddress)) return "the sender's address is missing";
  return null;
}
