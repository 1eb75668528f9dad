// What every recipient page's route shares (unsubscribe, preference centre, opt-in confirmation): the
// token in the path, the language choice, and headers for pages that carry a credential in their URL.
import type { FastifyReply, FastifyRequest } from "fastify";
import { chooseLocale, type Locale } from "./copy.js";

export interface TokenRoute {
  Params: { token: string };
  Querystring: { lang?: unknown };
}

/** Pages hold a credential in their URL: never cached, never framed, never sent on as a referrer. */
export const PAGE_HEADERS = {
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
};

export const ROUTE_OPTIONS = { config: { auth: "none" as const }, schema: { hide: true } };

export function localeOf(request: FastifyRequest<TokenRoute>, shopLocale?: string): Locale {
  const lang = request.query?.lang;
  return chooseLocale(
    typeof lang === "string" ? lang : undefined,
    request.headers["accept-language"],
    shopLocale,
  );
}

export function sendPage(reply: FastifyReply, status: number, html: string) {
  return reply.code(status).type("text/html; charset=utf-8").send(html);
}
