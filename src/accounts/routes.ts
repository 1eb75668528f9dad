// Accounts over HTTP: signing in and out (/v1/auth), the shop's members and their roles (/v1/users),
// API keys (/v1/api-keys) and the audit log (/v1/audit-log). The admin uses these; so can an owner's
// script with the secret key.

import type {} from "@fastify/rate-limit";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { ForbiddenError, UnauthorizedError } from "../core/errors.js";
import { sessionCookieOptions, shopIdOf } from "../http/auth.js";
import type { AppContext, RoutePlugin } from "../http/context.js";
import { createApiKey, listApiKeys, revokeApiKey } from "./api-keys.js";
import { listAudit, recordAudit } from "./audit.js";
import { checkPasswordStrength, hashPassword } from "./passwords.js";
import { ROLES } from "./roles.js";
import {
  changeOwnPassword,
  csrfTokenFor,
  SESSION_COOKIE,
  type SessionInfo,
  signIn,
  signOut,
} from "./sessions.js";
import {
  addMember,
  answerInvitation,
  anyShopsOf,
  getMember,
  invitationsOf,
  listMembers,
  type Member,
  removeMember,
  resetPassword,
  setMemberRole,
  shopsOf,
  unlockUser,
} from "./users.js";

const authTags = ["auth"];
const userTags = ["users"];

const roleSchema = z.enum(ROLES);
const memberSchema = z.object({
  userId: z.number(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  status: z.enum(["active", "invited"]),
  lastLoginAt: z.string().nullable(),
  lockedUntil: z.string().nullable(),
  addedAt: z.string(),
});
const shopSchema = z.object({
  id: z.number(),
  name: z.string(),
  timezone: z.string(),
  currency: z.string(),
  locale: z.string(),
  role: roleSchema,
});
const meSchema = z.object({
  user: z.object({ id: z.number(), email: z.string(), name: z.string(), locale: z.string() }),
  shops: z.array(shopSchema),
  /** Shops that invited this person; they accept or decline at /v1/auth/invitations/{shopId}. */
  invitations: z.array(
    z.object({ shopId: z.number(), shopName: z.string(), role: roleSchema, invitedAt: z.string() }),
  ),
  /** Send it back as X-CSRF-Token on every request that changes something. */
  csrfToken: z.string(),
  expiresAt: z.string(),
});
const apiKeySchema = z.object({
  id: z.number(),
  kind: z.enum(["secret", "public"]),
  prefix: z.string(),
  label: z.string().nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
const userIdParams = z.object({ userId: z.coerce.number().int().positive() });

// Sign-in attempts per client address: lockout stops guessing one account, this stops trying many.
const LOGIN_RATE = { max: 20, timeWindow: "1 minute" };

/**
 * An account that also belongs to another shop (or is only invited here) is not this shop's to unlock or
 * reset: otherwise any shop could invite a known address, then lift its lockout between guesses.
 */
async function refuseUnlessOnlyHere(db: AppContext["db"], shopId: number, member: Member, what: string) {
  const shops = await anyShopsOf(db, member.userId);
  if (member.status === "invited" || shops.some((id) => id !== shopId))
    throw new ForbiddenError(`this person belongs to other shops too: ${what}`);
}

async function me(ctx: AppContext, session: SessionInfo) {
  return {
    user: session.user,
    shops: await shopsOf(ctx.db, session.user.id),
    invitations: await invitationsOf(ctx.db, session.user.id),
    csrfToken: csrfTokenFor(ctx.secret, session.token),
    expiresAt: session.expiresAt,
  };
}

function sessionOf(request: FastifyRequest): SessionInfo {
  if (!request.session) throw new UnauthorizedError("not signed in");
  return request.session;
}

/** Sign-in events go to the log of every shop the person belongs to, so each shop's owners see them. */
async function auditSignIn(ctx: AppContext, userId: number | undefined, email: string, action: string) {
  const shops = userId === undefined ? [] : await shopsOf(ctx.db, userId);
  const actor = { kind: "user" as const, id: userId ?? null, label: email };
  if (shops.length === 0) {
    await recordAudit(ctx.db, ctx.clock, { shopId: null, actor, action });
    return;
  }
  for (const shop of shops) await recordAudit(ctx.db, ctx.clock, { shopId: shop.id, actor, action });
}

export const accountRoutes: RoutePlugin = async (instance, { ctx }) => {
  const app = (instance as FastifyInstance).withTypeProvider<ZodTypeProvider>();
  const { db, clock } = ctx;

  app.post(
    "/auth/login",
    {
      config: { auth: "none", rateLimit: LOGIN_RATE },
      schema: {
        tags: authTags,
        summary: "Sign in to the admin: sets the session cookie and returns the CSRF token",
        security: [],
        body: z.object({ email: z.string().min(1).max(254), password: z.string().min(1).max(1024) }).strict(),
        response: { 200: meSchema },
      },
    },
    async (request, reply) => {
      const { email, password } = request.body;
      const outcome = await signIn(db, clock, email, password);
      const label = email.trim().toLowerCase();
      if (!outcome.ok) {
        // Only addresses that have an account are logged: an unknown one may be a mistyped password.
        if (outcome.userId !== undefined)
          await auditSignIn(
            ctx,
            outcome.userId,
            label,
            outcome.reason === "locked" ? "login.locked" : "login.failed",
          );
        throw outcome.error;
      }
      await auditSignIn(ctx, outcome.session.user.id, label, "login");
      reply.setCookie(SESSION_COOKIE, outcome.session.token, sessionCookieOptions(ctx));
      return me(ctx, outcome.session);
    },
  );

  app.post(
    "/auth/logout",
    {
      config: { auth: "session" },
      schema: {
        tags: authTags,
        summary: "Sign out (ends this session)",
        response: { 200: z.object({ ok: z.boolean() }) },
      },
    },
    async (request, reply: FastifyReply) => {
      const session = sessionOf(request);
      await signOut(db, session.token);
      reply.clearCookie(SESSION_COOKIE, { path: "/" });
      return { ok: true };
    },
  );

  app.get(
    "/auth/me",
    {
      config: { auth: "session" },
      schema: {
        tags: authTags,
        summary: "The signed-in user, their shops with the role in each, and the CSRF token",
        response: { 200: meSchema },
      },
    },
    async (request) => me(ctx, sessionOf(request)),
  );

  app.post(
    "/auth/password",
    {
      config: { auth: "session" },
      schema: {
        tags: authTags,
        summary: "Change your own password (signs out your other sessions)",
        body: z
          .object({ currentPassword: z.string().min(1).max(1024), newPassword: z.string().max(1024) })
          .strict(),
        response: { 200: z.object({ ok: z.boolean() }) },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      checkPasswordStrength(request.body.newPassword, "newPassword", session.user.email);
      const changed = await changeOwnPassword(
        db,
        session.user.id,
        request.body.currentPassword,
        () => hashPassword(request.body.newPassword),
        session.sessionId,
      );
      if (!changed) throw new UnauthorizedError("currentPassword: wrong password");
      await auditSignIn(ctx, session.user.id, session.user.email, "password.change");
      return { ok: true };
    },
  );

  app.post(
    "/auth/invitations/:shopId/:answer",
    {
      config: { auth: "session" },
      schema: {
        tags: authTags,
        summary: "Accept or decline a shop's invitation",
        params: z.object({
          shopId: z.coerce.number().int().positive(),
          answer: z.enum(["accept", "decline"]),
        }),
        response: { 200: meSchema },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const { shopId, answer } = request.params;
      await answerInvitation(db, clock, session.user.id, shopId, answer === "accept");
      await recordAudit(db, clock, {
        shopId,
        actor: { kind: "user", id: session.user.id, label: session.user.email },
        action: `invitation.${answer}`,
      });
      return me(ctx, session);
    },
  );

  app.get(
    "/users",
    {
      config: { auth: "secret" },
      schema: {
        tags: userTags,
        summary: "The shop's members and their roles",
        response: { 200: z.object({ users: z.array(memberSchema) }) },
      },
    },
    async (request) => ({ users: await listMembers(db, shopIdOf(request)) }),
  );

  app.post(
    "/users",
    {
      config: { auth: "secret" },
      schema: {
        tags: userTags,
        summary:
          "Add a person to the shop in a role; creates their account if the address has none (a password is generated and returned once when none is given)",
        body: z
          .object({
            email: z.string().max(254),
            name: z.string().max(100).optional(),
            role: z.string(),
            password: z.string().max(1024).optional(),
          })
          .strict(),
        response: {
          200: z.object({ user: memberSchema, created: z.boolean(), initialPassword: z.string().optional() }),
        },
      },
    },
    async (request) => {
      // An address that already has an account is invited, not attached: the person says yes themselves.
      const added = await addMember(db, clock, shopIdOf(request), request.body, "invite");
      return { user: added.member, created: added.created, initialPassword: added.initialPassword };
    },
  );

  app.patch(
    "/users/:userId",
    {
      config: { auth: "secret" },
      schema: {
        tags: userTags,
        summary: "Change a member's role (a shop keeps at least one owner)",
        params: userIdParams,
        body: z.object({ role: z.string() }).strict(),
        response: { 200: z.object({ user: memberSchema }) },
      },
    },
    async (request) => ({
      user: await setMemberRole(db, shopIdOf(request), request.params.userId, request.body.role),
    }),
  );

  app.delete(
    "/users/:userId",
    {
      config: { auth: "secret" },
      schema: {
        tags: userTags,
        summary: "Take a person off the shop (their account stays for their other shops)",
        params: userIdParams,
        response: { 200: z.object({ ok: z.boolean() }) },
      },
    },
    async (request) => {
      await removeMember(db, shopIdOf(request), request.params.userId);
      return { ok: true };
    },
  );

  app.post(
    "/users/:userId/unlock",
    {
      config: { auth: "secret" },
      schema: {
        tags: userTags,
        summary: "Lift a lockout after failed sign-ins",
        params: userIdParams,
        response: { 200: z.object({ user: memberSchema }) },
      },
    },
    async (request) => {
      const shopId = shopIdOf(request);
      const member = await getMember(db, shopId, request.params.userId);
      await refuseUnlessOnlyHere(
        db,
        shopId,
        member,
        "the lock ends by itself (or `kizuna user unlock` on the server)",
      );
      await unlockUser(db, request.params.userId);
      return { user: await getMember(db, shopId, request.params.userId) };
    },
  );

  app.post(
    "/users/:userId/password",
    {
      config: { auth: "secret" },
      schema: {
        tags: userTags,
        summary: "Reset a member's password: a new one is generated and returned once; their sessions end",
        params: userIdParams,
        response: { 200: z.object({ password: z.string() }) },
      },
    },
    async (request) => {
      const shopId = shopIdOf(request);
      const member = await getMember(db, shopId, request.params.userId);
      // An owner of one shop must not take over an account that also acts for another.
      await refuseUnlessOnlyHere(
        db,
        shopId,
        member,
        "they change their own password (or `kizuna user password` on the server)",
      );
      const { generatedPassword } = await resetPassword(db, request.params.userId);
      return { password: generatedPassword ?? "" };
    },
  );

  app.get(
    "/api-keys",
    {
      config: { auth: "secret" },
      schema: {
        tags: userTags,
        summary: "The shop's API keys (prefix, label, last use; never the key itself)",
        response: { 200: z.object({ apiKeys: z.array(apiKeySchema) }) },
      },
    },
    async (request) => ({ apiKeys: await listApiKeys(db, shopIdOf(request)) }),
  );

  app.post(
    "/api-keys",
    {
      config: { auth: "secret" },
      schema: {
        tags: userTags,
        summary: "Issue an API key: secret (full access) or public (storefront events only); shown once",
        body: z.object({ kind: z.string(), label: z.string().optional() }).strict(),
        response: { 200: z.object({ key: z.string(), apiKey: apiKeySchema }) },
      },
    },
    async (request) => {
      const created = await createApiKey(db, clock, shopIdOf(request), request.body.kind, request.body.label);
      return { key: created.key, apiKey: created.info };
    },
  );

  app.delete(
    "/api-keys/:keyId",
    {
      config: { auth: "secret" },
      schema: {
        tags: userTags,
        summary: "Revoke an API key (refused at once by this server, within 30 s by the others)",
        params: z.object({ keyId: z.coerce.number().int().positive() }),
        response: { 200: z.object({ apiKey: apiKeySchema }) },
      },
    },
    async (request) => {
      const apiKey = await revokeApiKey(db, clock, shopIdOf(request), request.params.keyId);
      instance.forgetApiKeys();
      return { apiKey };
    },
  );

  app.get(
    "/audit-log",
    {
      config: { auth: "secret" },
      schema: {
        tags: userTags,
        summary: "Who changed or sent what, newest first",
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(1000).optional(),
          before: z.coerce.number().int().positive().optional(),
          action: z.string().max(200).optional(),
        }),
        response: {
          200: z.object({
            entries: z.array(
              z.object({
                id: z.number(),
                at: z.string(),
                actorKind: z.enum(["user", "api_key", "cli", "system"]),
                actorId: z.number().nullable(),
                actor: z.string(),
                action: z.string(),
                target: z.record(z.string(), z.unknown()),
                status: z.number().nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({ entries: await listAudit(db, shopIdOf(request), request.query) }),
  );
};
