// API key authentication as one hook: each route declares who may call it in `config.auth`.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { ForbiddenError, UnauthorizedError } from "../core/errors.js";
import type { Db } from "../db/index.js";
import { type ApiPrincipal, authenticateApiKey } from "../shops/index.js";

/** secret: server-to-server only; public: the storefront key is enough; none: open endpoint. */
export type AuthLevel = "secret" | "public" | "none";

declare module "fastify" {
  interface FastifyContextConfig {
    auth?: AuthLevel;
    /**
     * Also accept the public key as `?key=`: navigator.sendBeacon cannot set an Authorization header.
     * Never the secret key, which in a URL would end up in logs and browser history.
     */
    publicKeyInQuery?: boolean;
  }
  interface FastifyRequest {
    principal: ApiPrincipal | null;
  }
}

/** The shop of an authenticated request; every shop-scoped query takes it from here. */
export function shopIdOf(request: FastifyRequest): number {
  if (!request.principal) throw new UnauthorizedError();
  return request.principal.shopId;
}

// The events endpoint takes thousands of requests a second; a short cache spares a lookup per request.
// A revoked key stops working within CACHE_TTL_MS.
const CACHE_TTL_MS = 30_000;
const CACHE_MAX = 10_000;

function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  return header ? (/^Bearer\s+(\S+)$/i.exec(header)?.[1] ?? null) : null;
}

function queryKey(request: FastifyRequest): string | null {
  const key = (request.query as { key?: unknown } | undefined)?.key;
  return typeof key === "string" && key !== "" ? key : null;
}

export function registerApiKeyAuth(app: FastifyInstance, db: Db): void {
  const cache = new Map<string, { principal: ApiPrincipal | null; until: number }>();

  async function principalFor(token: string): Promise<ApiPrincipal | null> {
    const now = Date.now();
    const hit = cache.get(token);
    if (hit && hit.until > now) return hit.principal;
    const principal = await authenticateApiKey(db, token);
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(token, { principal, until: now + CACHE_TTL_MS });
    return principal;
  }

  app.decorateRequest("principal", null);
  app.addHook("onRequest", async (request) => {
    const config = request.routeOptions.config;
    const level = config?.auth ?? "none";
    if (level === "none") return;
    const bearer = bearerToken(request);
    const fromQuery = !request.headers.authorization && config?.publicKeyInQuery ? queryKey(request) : null;
    const token = bearer ?? fromQuery;
    if (!token) {
      throw new UnauthorizedError(
        config?.publicKeyInQuery
          ? "missing Authorization: Bearer <API key> (or ?key=<public key>)"
          : "missing Authorization: Bearer <API key>",
      );
    }
    const principal = await principalFor(token);
    if (!principal) throw new UnauthorizedError("invalid or revoked API key");
    if (fromQuery && principal.kind !== "public") {
      throw new UnauthorizedError(
        "?key= takes the public key only; send the secret key in the Authorization header",
      );
    }
    if (level === "secret" && principal.kind !== "secret") {
      throw new ForbiddenError(
        "this endpoint needs the secret API key; the public key only sends storefront events",
      );
    }
    request.principal = principal;
  });
}
