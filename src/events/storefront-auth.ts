// Authentication for the events endpoint. Like any "public" route it takes either key as a bearer
// token; in addition it takes the public key as `?key=`, because navigator.sendBeacon cannot set an
// Authorization header (and without custom headers the snippet's requests need no CORS preflight).
// The secret key is never accepted in a URL, where it would end up in logs and browser history.
import type { FastifyRequest } from "fastify";
import { UnauthorizedError } from "../core/errors.js";
import type { Db } from "../db/index.js";
import { type ApiPrincipal, authenticateApiKey } from "../shops/index.js";

// Same policy as the shared hook in src/http/auth.ts: a revoked key stops working within the TTL.
const CACHE_TTL_MS = 30_000;
const CACHE_MAX = 10_000;

export type StorefrontAuthenticator = (request: FastifyRequest) => Promise<void>;

export function storefrontAuthenticator(db: Db): StorefrontAuthenticator {
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

  return async (request) => {
    const header = request.headers.authorization;
    if (header) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      const principal = match ? await principalFor(match[1]) : null;
      if (!principal) throw new UnauthorizedError("invalid or revoked API key");
      request.principal = principal;
      return;
    }
    const key = (request.query as { key?: unknown } | undefined)?.key;
    if (typeof key !== "string" || key === "") {
      throw new UnauthorizedError("missing Authorization: Bearer <API key> (or ?key=<public key>)");
    }
    const principal = await principalFor(key);
    if (!principal) throw new UnauthorizedError("invalid or revoked API key");
    if (principal.kind !== "public") {
      throw new UnauthorizedError(
        "?key= takes the public key only; send the secret key in the Authorization header",
      );
    }
    request.principal = principal;
  };
}
