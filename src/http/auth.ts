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

export function registerApiKeyAuth(app: FastifyInstance, db: Db): void {
  const cache = new Map<string, { principal: ApiPrincipal | null; until: number }>();

  async function principalFor(token: string): Promise<ApiPrincipal | null> {
    const now = Date.now();
    const hit = cache.get(token);
    if (hit && hit.until > now) return hit.principal;
    const principal = await authenticateApiKey(db, token);
    if (cache.size > 10_000) cache.clear();
    cache.set(token, { principal, until: now + CACHE_TTL_MS });
    return principal;
  }

  app.decorateRequest("principal", null);
  app.addHook("onRequest", async (request) => {
    const level = request.routeOptions.config?.auth ?? "none";
    if (level === "none") return;
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw new UnauthorizedError("missing Authorization: Bearer <API key>");
    const principal = await principalFor(match[1]);
    if (!principal) throw new UnauthorizedError("invalid or revoked API key");
    if (level === "secret" && principal.kind !== "secret") {
      throw new ForbiddenError(
        "this endpoint needs the secret API key; the public key only sends storefront events",
      );
    }
    request.principal = principal;
  });
}
