// The confirmation link: GET /c/<token> only shows the confirm button (mail scanners and link previews
// fetch links, and must not sign anyone up); POST /c/<token> grants the consent. The signed token is the
// credential: no login and no cookies, so there is no session for another site to ride on.
import type { FastifyError, FastifyInstance, FastifyRequest } from "fastify";
import type { RoutePlugin } from "../../http/context.js";
import { registerFormParsers } from "../preferences/form.js";
import {
  localeOf,
  PAGE_HEADERS,
  ROUTE_OPTIONS,
  sendPage,
  type TokenRoute,
} from "../preferences/page-http.js";
import { errorPage, linkErrorPage } from "../preferences/pages.js";
import { closedPage, confirmedPage, confirmPage } from "./pages.js";
import { type ConfirmationState, confirmationState, confirmRequest } from "./requests.js";
import { readConfirmationToken } from "./token.js";

/** The page for what the link's request is now: the button while it waits, else how it ended. */
function pageFor(
  request: FastifyRequest<TokenRoute>,
  found: ConfirmationState,
): { status: number; html: string } {
  if (found.state === "invalid" || found.state === "gone") {
    const status = found.state === "invalid" ? 400 : 404;
    return { status, html: linkErrorPage(localeOf(request), found.state) };
  }
  const { shop } = found.request;
  const locale = localeOf(request, shop.locale);
  switch (found.state) {
    case "confirmed":
      return { status: 200, html: confirmedPage(locale, shop.name) };
    case "expired":
    case "withdrawn":
      return { status: 410, html: closedPage(locale, shop.name, found.state) };
    case "pending":
      return {
        status: 200,
        html: confirmPage({
          locale,
          shopName: shop.name,
          // Relative, so the page works under whatever path PUBLIC_URL puts it.
          confirmHref: `../c/${encodeURIComponent(request.params.token)}?lang=${locale}`,
        }),
      };
  }
}

export const optInRoutes: RoutePlugin = async (instance, { ctx }) => {
  const app = instance as FastifyInstance;
  registerFormParsers(app);
  app.addHook("onSend", async (_request, reply) => {
    reply.headers(PAGE_HEADERS);
  });
  app.setErrorHandler<FastifyError>((err, request, reply) => {
    const status =
      err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    // Only the kind of failure: a database error's message may quote the customer's data.
    if (status === 500) request.log.error({ code: err.code, name: err.name }, "opt-in page failed");
    return sendPage(reply, status, errorPage(localeOf(request as FastifyRequest<TokenRoute>)));
  });

  app.get<TokenRoute>("/c/:token", ROUTE_OPTIONS, async (request, reply) => {
    const ref = readConfirmationToken(ctx.secret, request.params.token);
    const page = pageFor(request, await confirmationState(ctx.db, ctx.clock, ref));
    return sendPage(reply, page.status, page.html);
  });

  app.post<TokenRoute>("/c/:token", ROUTE_OPTIONS, async (request, reply) => {
    const ref = readConfirmationToken(ctx.secret, request.params.token);
    const page = pageFor(request, await confirmRequest(ctx.db, ctx.clock, ref));
    return sendPage(reply, page.status, page.html);
  });
};
