// The recipient's side of every message: /u/<token> unsubscribes (a GET only shows the button, since
// link scanners follow links; a POST, including an RFC 8058 one-click POST, unsubscribes at once) and
// /p/<token> is the preference centre. The signed token is the credential: no login, no cookies, and
// nothing changes except on POST, so there is no session for another site to ride on.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { getConsents } from "../../customers/index.js";
import type { AppContext, RoutePlugin } from "../../http/context.js";
import { type RecipientRef, readRecipientToken, recipientToken } from "../links.js";
import { CONSENT_SOURCES, resubscribe, savePreferenceCentre, unsubscribe } from "./changes.js";
import type { Locale } from "./copy.js";
import { formFields, isOneClickUnsubscribe, registerFormParsers } from "./form.js";
import { localeOf, PAGE_HEADERS, ROUTE_OPTIONS, sendPage, type TokenRoute } from "./page-http.js";
import {
  errorPage,
  linkErrorPage,
  type PreferencesPageInput,
  preferencesPage,
  unsubscribedPage,
  unsubscribePage,
} from "./pages.js";
import { getPreferences, shopCategories } from "./preferences.js";
import { loadRecipient, type Recipient } from "./recipient.js";
import { readPreferenceForm } from "./schema.js";

type Purpose = "unsubscribe" | "preferences";

function sendText(reply: FastifyReply, status: number, text: string) {
  return reply.code(status).type("text/plain; charset=utf-8").send(`${text}\n`);
}

/** A link's own URL and its sibling's, relative to /u/ or /p/ so any PUBLIC_URL path prefix holds. */
function hrefs(ctx: AppContext, ref: RecipientRef, locale: Locale) {
  const query = `?lang=${locale}`;
  return {
    unsubscribe: `../u/${recipientToken(ctx.secret, "unsubscribe", ref)}${query}`,
    preferences: `../p/${recipientToken(ctx.secret, "preferences", ref)}${query}`,
  };
}

type Resolved = { ok: true; ref: RecipientRef; recipient: Recipient } | { ok: false; status: 400 | 404 };

async function resolve(ctx: AppContext, purpose: Purpose, token: string): Promise<Resolved> {
  const ref = readRecipientToken(ctx.secret, purpose, token);
  if (!ref) return { ok: false, status: 400 };
  const recipient = await loadRecipient(ctx.db, ref);
  return recipient ? { ok: true, ref, recipient } : { ok: false, status: 404 };
}

function sendLinkError(reply: FastifyReply, locale: Locale, status: 400 | 404) {
  return sendPage(reply, status, linkErrorPage(locale, status === 400 ? "invalid" : "gone"));
}

async function preferencesView(
  ctx: AppContext,
  recipient: Recipient,
): Promise<Pick<PreferencesPageInput, "granted" | "categories" | "chosenCategories" | "frequency">> {
  const { db } = ctx;
  const shopId = recipient.shop.id;
  const [consents, preferences, categories] = await Promise.all([
    getConsents(db, shopId, recipient.customerId),
    getPreferences(db, shopId, recipient.customerId),
    shopCategories(db, shopId),
  ]);
  return {
    granted: new Set(recipient.reachable.filter((c) => consents[c]?.granted === true)),
    categories,
    chosenCategories: new Set(preferences.categories),
    frequency: preferences.frequency,
  };
}

export const preferenceRoutes: RoutePlugin = async (instance, { ctx }) => {
  const app = instance as FastifyInstance;
  registerFormParsers(app);
  app.addHook("onSend", async (_request, reply) => {
    reply.headers(PAGE_HEADERS);
  });
  app.setErrorHandler<FastifyError>((err, request, reply) => {
    const status =
      err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    // Only the kind of failure: a database error's message may quote the customer's data.
    if (status === 500) request.log.error({ code: err.code, name: err.name }, "recipient page failed");
    const locale = localeOf(request as FastifyRequest<TokenRoute>);
    return sendPage(reply, status, errorPage(locale));
  });

  app.get<TokenRoute>("/u/:token", ROUTE_OPTIONS, async (request, reply) => {
    const found = await resolve(ctx, "unsubscribe", request.params.token);
    if (!found.ok) return sendLinkError(reply, localeOf(request), found.status);
    const { ref, recipient } = found;
    const locale = localeOf(request, recipient.shop.locale);
    const links = hrefs(ctx, ref, locale);
    return sendPage(
      reply,
      200,
      unsubscribePage({
        locale,
        shopName: recipient.shop.name,
        channel: recipient.channel,
        unsubscribeHref: links.unsubscribe,
        preferencesHref: links.preferences,
      }),
    );
  });

  app.post<TokenRoute>("/u/:token", ROUTE_OPTIONS, async (request, reply) => {
    const oneClick = isOneClickUnsubscribe(formFields(request.body));
    const found = await resolve(ctx, "unsubscribe", request.params.token);
    if (!found.ok) {
      if (oneClick)
        return sendText(reply, found.status, found.status === 400 ? "invalid link" : "unknown recipient");
      return sendLinkError(reply, localeOf(request), found.status);
    }
    const { ref, recipient } = found;
    const source = oneClick ? CONSENT_SOURCES.oneClick : CONSENT_SOURCES.unsubscribeLink;
    await unsubscribe(ctx.db, ctx.clock, ref, recipient, source);
    if (oneClick) return sendText(reply, 200, "unsubscribed");
    const locale = localeOf(request, recipient.shop.locale);
    return sendPage(
      reply,
      200,
      unsubscribedPage({
        locale,
        shopName: recipient.shop.name,
        channel: recipient.channel,
        preferencesHref: hrefs(ctx, ref, locale).preferences,
      }),
    );
  });

  app.get<TokenRoute>("/p/:token", ROUTE_OPTIONS, async (request, reply) => {
    const found = await resolve(ctx, "preferences", request.params.token);
    if (!found.ok) return sendLinkError(reply, localeOf(request), found.status);
    const { ref, recipient } = found;
    const locale = localeOf(request, recipient.shop.locale);
    return sendPage(
      reply,
      200,
      preferencesPage({
        locale,
        shopName: recipient.shop.name,
        reachable: recipient.reachable,
        preferencesHref: hrefs(ctx, ref, locale).preferences,
        ...(await preferencesView(ctx, recipient)),
      }),
    );
  });

  app.post<TokenRoute>("/p/:token", ROUTE_OPTIONS, async (request, reply) => {
    const found = await resolve(ctx, "preferences", request.params.token);
    if (!found.ok) return sendLinkError(reply, localeOf(request), found.status);
    const { ref, recipient } = found;
    const locale = localeOf(request, recipient.shop.locale);
    const page = async (status: number, extra: Pick<PreferencesPageInput, "notice" | "issues">) =>
      sendPage(
        reply,
        status,
        preferencesPage({
          locale,
          shopName: recipient.shop.name,
          reachable: recipient.reachable,
          preferencesHref: hrefs(ctx, ref, locale).preferences,
          ...(await preferencesView(ctx, recipient)),
          ...extra,
        }),
      );

    const read = readPreferenceForm(formFields(request.body));
    if (!read.ok) return page(400, { issues: read.issues });
    const { form } = read;
    if (form.action === "resubscribe") {
      await resubscribe(ctx.db, ctx.clock, recipient, form.channel);
      return page(200, { notice: "resubscribed" });
    }
    // Only categories the shop still has: a stale form cannot store names nobody can untick.
    const offered = new Set(await shopCategories(ctx.db, recipient.shop.id));
    await savePreferenceCentre(ctx.db, ctx.clock, recipient, {
      channels: form.channel,
      categories: form.category.filter((c) => offered.has(c)),
      frequency: form.frequency,
    });
    return page(200, { notice: "saved" });
  });
};
