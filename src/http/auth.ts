// Who is calling, as one hook: each route declares who may call it in `config.auth`. Two kinds of
// caller: programs with an API key (`Authorization: Bearer kz_sk_…`), and people signed in to the admin
// with a session cookie, who act for one of their shops (`X-Kizuna-Shop`) in their role there.
// Requests that change something are written to the audit log here, in one place.
import fastifyCookie from "@fastify/cookie";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { touchApiKey } from "../accounts/api-keys.js";
import { type Actor, recordAudit } from "../accounts/audit.js";
import { areaOf, forbiddenMessage, type Role, roleMayAct } from "../accounts/roles.js";
import {
  csrfTokenMatches,
  resolveSession,
  SESSION_COOKIE,
  SESSION_IDLE_MS,
  type SessionInfo,
} from "../accounts/sessions.js";
import { ForbiddenError, KizunaError, UnauthorizedError, ValidationError } from "../core/errors.js";
import { type ApiPrincipal, authenticateApiKey } from "../shops/index.js";
import type { AppContext } from "./context.js";

/**
 * secret: the secret API key or a signed-in user whose role allows the route; public: the storefront
 * key is enough; session: any signed-in user (their own account); none: open endpoint.
 */
export type AuthLevel = "secret" | "public" | "session" | "none";

export interface UserPrincipal {
  kind: "user";
  shopId: number;
  userId: number;
  role: Role;
  email: string;
}

export type Principal = ApiPrincipal | UserPrincipal;

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
    principal: Principal | null;
    /** The signed-in session behind the request, when a cookie brought one. */
    session: SessionInfo | null;
  }
  interface FastifyInstance {
    /** Forgets cached API keys, so a revoked key stops working in this process at once. */
    forgetApiKeys(): void;
  }
}

export const SHOP_HEADER = "x-kizuna-shop";
export const CSRF_HEADER = "x-csrf-token";

/** The shop of an authenticated request; every shop-scoped query takes it from here. */
export function shopIdOf(request: FastifyRequest): number {
  if (!request.principal) throw new UnauthorizedError();
  return request.principal.shopId;
}

/** The actor the audit log names for this request. */
export function actorOf(request: FastifyRequest): Actor {
  const p = request.principal;
  if (p?.kind === "user") return { kind: "user", id: p.userId, label: p.email };
  if (p) return { kind: "api_key", id: p.keyId, label: `${p.keyPrefix}…` };
  if (request.session)
    return { kind: "user", id: request.session.user.id, label: request.session.user.email };
  return { kind: "system", id: null, label: "anonymous" };
}

// The events endpoint takes thousands of requests a second; a short cache spares a lookup per request.
// A revoked key stops working at once in the process that revoked it, within CACHE_TTL_MS in others.
const CACHE_TTL_MS = 30_000;
const CACHE_MAX = 10_000;
/** A key's last use is written at most this often. */
const KEY_TOUCH_MS = 5 * 60 * 1000;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  return header ? (/^Bearer\s+(\S+)$/i.exec(header)?.[1] ?? null) : null;
}

function queryKey(request: FastifyRequest): string | null {
  const key = (request.query as { key?: unknown } | undefined)?.key;
  return typeof key === "string" && key !== "" ? key : null;
}

export function sessionCookieOptions(ctx: AppContext) {
  return {
    httpOnly: true,
    // Strict: the cookie never rides along on a request another site starts (CSRF's first line).
    sameSite: "strict" as const,
    secure: ctx.publicUrl?.startsWith("https:") ?? false,
    path: "/",
    maxAge: Math.floor(SESSION_IDLE_MS / 1000),
  };
}

export async function registerAuth(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { db, clock } = ctx;
  const cache = new Map<string, { principal: ApiPrincipal | null; until: number }>();

  async function principalFor(token: string): Promise<ApiPrincipal | null> {
    const now = Date.now();
    const hit = cache.get(token);
    if (hit && hit.until > now) return hit.principal;
    const principal = await authenticateApiKey(db, token);
    const at = clock.now().getTime();
    if (principal && (!principal.lastUsedAt || at - Date.parse(principal.lastUsedAt) > KEY_TOUCH_MS)) {
      await touchApiKey(db, clock, principal.keyId);
    }
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(token, { principal, until: now + CACHE_TTL_MS });
    return principal;
  }

  async function userPrincipal(request: FastifyRequest, session: SessionInfo): Promise<UserPrincipal> {
    const header = request.headers[SHOP_HEADER];
    const wanted = typeof header === "string" && header !== "" ? Number(header) : undefined;
    if (wanted !== undefined && (!Number.isInteger(wanted) || wanted <= 0))
      throw ValidationError.field(SHOP_HEADER, "must be a shop id (a number)");
    let query = db
      .selectFrom("memberships")
      .select(["shop_id", "role"])
      .where("user_id", "=", session.user.id)
      .where("accepted_at", "is not", null)
      .limit(2);
    if (wanted !== undefined) query = query.where("shop_id", "=", wanted);
    const rows = await query.execute();
    if (rows.length === 0)
      throw new ForbiddenError(
        wanted === undefined ? "you are not a member of any shop" : `you are not a member of shop ${wanted}`,
      );
    if (rows.length > 1)
      throw ValidationError.field(SHOP_HEADER, "you are a member of several shops: say which one");
    return {
      kind: "user",
      shopId: Number(rows[0].shop_id),
      userId: session.user.id,
      role: rows[0].role,
      email: session.user.email,
    };
  }

  function checkCsrf(request: FastifyRequest, session: SessionInfo): void {
    if (SAFE_METHODS.has(request.method)) return;
    const given = request.headers[CSRF_HEADER];
    if (!csrfTokenMatches(ctx.secret, session.token, typeof given === "string" ? given : undefined)) {
      throw new KizunaError(
        `missing or wrong ${CSRF_HEADER} header (the admin sends the token /v1/auth/me returns)`,
        "csrf_failed",
        403,
      );
    }
  }

  async function sessionOf(request: FastifyRequest): Promise<SessionInfo | null> {
    const token = request.cookies?.[SESSION_COOKIE];
    return token ? resolveSession(db, clock, token) : null;
  }

  // Awaited: the cookie parser's hook must run before ours.
  await app.register(fastifyCookie);
  app.decorate("forgetApiKeys", () => cache.clear());
  app.decorateRequest("principal", null);
  app.decorateRequest("session", null);

  app.addHook("onRequest", async (request) => {
    const config = request.routeOptions.config;
    const level = config?.auth ?? "none";
    if (level === "none") return;
    const bearer = bearerToken(request);

    if (level === "session" || (level === "secret" && !bearer && request.cookies?.[SESSION_COOKIE])) {
      const session = await sessionOf(request);
      if (!session) throw new UnauthorizedError("not signed in (or the session has expired)");
      request.session = session;
      checkCsrf(request, session);
      if (level === "session") return;
      const principal = await userPrincipal(request, session);
      const area = areaOf(request.method, request.routeOptions.url ?? request.url);
      if (!roleMayAct(principal.role, area)) throw new ForbiddenError(forbiddenMessage(principal.role, area));
      request.principal = principal;
      return;
    }

    const fromQuery = !request.headers.authorization && config?.publicKeyInQuery ? queryKey(request) : null;
    const token = bearer ?? fromQuery;
    if (!token && level === "public" && (await sessionOf(request))) {
      throw new ForbiddenError("storefront endpoints take the shop's public API key, not a sign-in");
    }
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

  // Written before the reply leaves, so the change and its log entry are both there when the caller
  // sees the answer. Ingestion by API key (thousands of upserts an hour) is the data itself, not an act
  // someone needs to answer for, so it is left out; everything a person does is in.
  app.addHook("onSend", async (request: FastifyRequest, reply: FastifyReply) => {
    const principal = request.principal;
    if (!principal || SAFE_METHODS.has(request.method) || reply.statusCode >= 400) return;
    const route = request.routeOptions.url ?? request.url;
    const area = areaOf(request.method, route);
    if (principal.kind !== "user" && (area === "data" || principal.kind === "public")) return;
    await recordAudit(db, clock, {
      shopId: principal.shopId,
      actor: actorOf(request),
      action: `${request.method} ${route}`,
      target: (request.params as Record<string, unknown>) ?? {},
      status: reply.statusCode,
    });
  });
}
