// Limits on the endpoints anyone on the internet can call without a secret: storefront ingestion (the
// public key is in every shop's page source), tracking links, the recipient pages and provider webhooks.
// Each group gets a request rate per client and a body size; the authenticated API keeps the app's own.
import rateLimit, { normalizeIP } from "@fastify/rate-limit";
import type { FastifyInstance, FastifyRequest, onRequestHookHandler, RouteOptions } from "fastify";
import { KizunaError } from "../../core/errors.js";

/** Requests per minute one client may make to each group; 0 turns a group's limit off. */
export interface PublicRateLimits {
  /** /v1/events, /v1/identify, push subscriptions: per shop (public key) and client IP. */
  storefront: number;
  /** Open pixel, click redirects, SMS short links: per client IP. */
  tracking: number;
  /** Unsubscribe, preference centre and opt-in confirmation pages: per client IP. */
  pages: number;
  /** LINE, email (bounces, inbound mail) and Shopify webhooks: per client IP. */
  webhooks: number;
}

// Sized for a real shop: a storefront seen through one NAT (an office, a mobile carrier's CGNAT) sends a
// few requests per page view, so 100/s from one address is busy browsing, not an attack. Mail image
// proxies (Gmail, Apple Mail Privacy Protection) fetch open pixels for many recipients from few
// addresses. Gmail's and Yahoo's one-click unsubscribes arrive from their servers, so the pages allow
// 5/s per address: a burst of genuine unsubscribes after a campaign passes, a script hammering a page
// is answered 429 within seconds. Providers retry webhooks that are answered 429.
export const DEFAULT_RATE_LIMITS: PublicRateLimits = {
  storefront: 6000,
  tracking: 3000,
  pages: 300,
  webhooks: 6000,
};

const WINDOW_MS = 60_000;

type Group = keyof PublicRateLimits;

interface RouteLimit {
  group: Group;
  /** Largest body the route takes, unless the route declares its own (the raw bounce mail's 10 MB). */
  bodyLimit?: number;
}

// Tracking routes are GET and HEAD only: Fastify reads no body for them, so they need no body limit.
// /v1/events keeps the app's 5 MB for batches of 1,000 events.
const KB = 1024;
const ROUTES: Array<{ match: RegExp; limit: RouteLimit }> = [
  { match: /^\/v1\/events$/, limit: { group: "storefront" } },
  { match: /^\/v1\/identify$/, limit: { group: "storefront", bodyLimit: 64 * KB } },
  { match: /^\/v1\/push\/subscriptions$/, limit: { group: "storefront", bodyLimit: 16 * KB } },
  { match: /^\/(t\/[oc]|s)\//, limit: { group: "tracking" } },
  // A page posts a few form fields; the preference centre's categories fit many times over.
  { match: /^\/[upc]\//, limit: { group: "pages", bodyLimit: 16 * KB } },
  // LINE sends a few events per delivery.
  { match: /^\/hooks\/line\//, limit: { group: "webhooks", bodyLimit: 1024 * KB } },
  // Shopify keeps the app's 5 MB: a product with its 2,048 variants runs to megabytes, and deliveries
  // refused too often make Shopify drop the subscription.
  { match: /^\/webhooks\/shopify\//, limit: { group: "webhooks" } },
  { match: /^\/(hooks|webhooks)\//, limit: { group: "webhooks", bodyLimit: 1024 * KB } },
];

/** The limits of a route by its URL, or null for the authenticated API. */
export function publicRouteLimit(url: string): RouteLimit | null {
  return ROUTES.find((r) => r.match.test(url))?.limit ?? null;
}

/** Too many requests from one client: a 429 in the error shape (with Retry-After, set by the limiter). */
export class RateLimitedError extends KizunaError {
  /** Read by Fastify and by the recipient pages' error handler, which answer with this status. */
  readonly statusCode = 429;

  constructor(retryAfter: string) {
    super(`too many requests; retry in ${retryAfter}`, "rate_limited", 429);
  }
}

function clientAddress(request: FastifyRequest): string {
  return normalizeIP(request.ip);
}

// The storefront's key: the shop as well as the address, so one shop's traffic never spends another's.
// Auth runs first (an app-wide onRequest hook), so the principal is known here.
function storefrontKey(request: FastifyRequest): string {
  return `${request.principal?.shopId ?? "-"}|${clientAddress(request)}`;
}

/**
 * Registers the limits: call before any route is added. The counters live in this process's memory;
 * several API processes behind a load balancer each count on their own, so a client may make up to
 * that many times the limit in all (a shared store, e.g. Redis, would be needed for one count).
 */
export async function registerPublicLimits(
  app: FastifyInstance,
  settings: Partial<PublicRateLimits> | false = {},
): Promise<void> {
  const limits = settings === false ? null : { ...DEFAULT_RATE_LIMITS, ...settings };
  if (limits) {
    await app.register(rateLimit, {
      global: false,
      timeWindow: WINDOW_MS,
      errorResponseBuilder: (_request, context) => new RateLimitedError(context.after),
    });
  }
  // One handler per group, made once: the routes of a group share one count per client.
  const handlers = new Map<Group, onRequestHookHandler>();
  const handlerFor = (group: Group): onRequestHookHandler | null => {
    const max = limits?.[group] ?? 0;
    if (max <= 0) return null;
    let handler = handlers.get(group);
    if (!handler) {
      handler = app.rateLimit({
        max,
        timeWindow: WINDOW_MS,
        keyGenerator: group === "storefront" ? storefrontKey : clientAddress,
        // A server calling with the secret key (or a signed-in admin) is the shop itself, not the public.
        allowList:
          group === "storefront"
            ? (request) => request.principal !== null && request.principal.kind !== "public"
            : undefined,
      }) as onRequestHookHandler;
      handlers.set(group, handler);
    }
    return handler;
  };

  app.addHook("onRoute", (route: RouteOptions) => {
    const limit = publicRouteLimit(route.url);
    if (!limit) return;
    if (limit.bodyLimit !== undefined) route.bodyLimit ??= limit.bodyLimit;
    const handler = handlerFor(limit.group);
    if (!handler) return;
    const existing = route.onRequest;
    route.onRequest = [...(Array.isArray(existing) ? existing : existing ? [existing] : []), handler];
  });
}
