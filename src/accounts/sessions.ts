// Signing in and staying signed in. A session is a random token in an httpOnly cookie; the database
// keeps only its hash. Five wrong passwords in a row lock the account, for longer each time, so a
// password cannot be guessed online; an owner (or `kizuna user unlock`) can lift it.
import { createHmac, randomBytes } from "node:crypto";
import { type Clock, toIso } from "../core/clock.js";
import { KizunaError, UnauthorizedError } from "../core/errors.js";
import { constantTimeEqual, sha256Hex } from "../core/secrets.js";
import type { Db } from "../db/index.js";
import { burnPasswordCheck, verifyPassword } from "./passwords.js";

export const SESSION_COOKIE = "kizuna_session";
/** Signed out after this long without a request. */
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
/** …and after this long in any case: a stolen cookie does not live for ever. */
const SESSION_MAX_MS = 7 * 24 * 60 * 60 * 1000;
/** A session's expiry is pushed forward at most this often (one write per few minutes, not per request). */
const SESSION_TOUCH_MS = 5 * 60 * 1000;

export const LOCKOUT_THRESHOLD = 5;
const LOCKOUT_BASE_MS = 15 * 60 * 1000;
const LOCKOUT_MAX_MS = 24 * 60 * 60 * 1000;

export class AccountLockedError extends KizunaError {
  constructor(readonly until: Date) {
    super(
      `too many failed sign-ins: the account is locked until ${until.toISOString()} (an owner can unlock it)`,
      "account_locked",
      429,
    );
  }
}

export interface SignedInUser {
  id: number;
  email: string;
  name: string;
  locale: string;
}

export interface SessionInfo {
  sessionId: number;
  user: SignedInUser;
  /** The token the browser's cookie carries (only known right after sign-in or from the cookie). */
  token: string;
  expiresAt: string;
}

export type LoginOutcome =
  | { ok: true; session: SessionInfo }
  | { ok: false; reason: "invalid" | "locked"; userId?: number; error: KizunaError };

const invalid = () => new UnauthorizedError("wrong email address or password");

function lockoutFor(failures: number): number {
  return Math.min(LOCKOUT_BASE_MS * 2 ** (failures - LOCKOUT_THRESHOLD), LOCKOUT_MAX_MS);
}

/** Checks the password and, when right, opens a session. Never says whether the address exists. */
export async function signIn(
  db: Db,
  clock: Clock,
  emailInput: string,
  password: string,
): Promise<LoginOutcome> {
  const email = emailInput.trim().toLowerCase();
  const user = await db.selectFrom("users").selectAll().where("email", "=", email).executeTakeFirst();
  if (!user || user.disabled_at) {
    await burnPasswordCheck(password);
    return { ok: false, reason: "invalid", error: invalid() };
  }
  const now = clock.now();
  if (user.locked_until && new Date(user.locked_until) > now) {
    return {
      ok: false,
      reason: "locked",
      userId: user.id,
      error: new AccountLockedError(new Date(user.locked_until)),
    };
  }
  if (!(await verifyPassword(password, user.password_hash))) {
    const failures = user.failed_logins + 1;
    const lockedUntil = failures >= LOCKOUT_THRESHOLD ? new Date(now.getTime() + lockoutFor(failures)) : null;
    await db
      .updateTable("users")
      .set({ failed_logins: failures, locked_until: lockedUntil ? toIso(lockedUntil) : user.locked_until })
      .where("id", "=", user.id)
      .execute();
    return lockedUntil
      ? { ok: false, reason: "locked", userId: user.id, error: new AccountLockedError(lockedUntil) }
      : { ok: false, reason: "invalid", userId: user.id, error: invalid() };
  }
  await db
    .updateTable("users")
    .set({ failed_logins: 0, locked_until: null, last_login_at: toIso(now) })
    .where("id", "=", user.id)
    .execute();
  return { ok: true, session: await openSession(db, clock, user) };
}

async function openSession(db: Db, clock: Clock, user: SignedInUser): Promise<SessionInfo> {
  const token = randomBytes(32).toString("base64url");
  const now = clock.now();
  const expiresAt = toIso(now.getTime() + SESSION_IDLE_MS);
  const row = await db
    .insertInto("sessions")
    .values({
      user_id: user.id,
      token_hash: sha256Hex(token),
      created_at: toIso(now),
      last_seen_at: toIso(now),
      expires_at: expiresAt,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return {
    sessionId: Number(row.id),
    token,
    expiresAt,
    user: { id: Number(user.id), email: user.email, name: user.name, locale: user.locale },
  };
}

/** The session a cookie's token stands for, or null when unknown, expired or its user disabled. */
export async function resolveSession(db: Db, clock: Clock, token: string): Promise<SessionInfo | null> {
  const row = await db
    .selectFrom("sessions as s")
    .innerJoin("users as u", "u.id", "s.user_id")
    .select([
      "s.id",
      "s.created_at",
      "s.last_seen_at",
      "s.expires_at",
      "u.id as userId",
      "u.email",
      "u.name",
      "u.locale",
      "u.disabled_at",
    ])
    .where("s.token_hash", "=", sha256Hex(token))
    .executeTakeFirst();
  if (!row || row.disabled_at) return null;
  const now = clock.now().getTime();
  const hardEnd = new Date(row.created_at).getTime() + SESSION_MAX_MS;
  if (new Date(row.expires_at).getTime() <= now || hardEnd <= now) {
    await db.deleteFrom("sessions").where("id", "=", row.id).execute();
    return null;
  }
  let expiresAt = row.expires_at;
  if (now - new Date(row.last_seen_at).getTime() >= SESSION_TOUCH_MS) {
    expiresAt = toIso(Math.min(now + SESSION_IDLE_MS, hardEnd));
    await db
      .updateTable("sessions")
      .set({ last_seen_at: toIso(now), expires_at: expiresAt })
      .where("id", "=", row.id)
      .execute();
  }
  return {
    sessionId: Number(row.id),
    token,
    expiresAt,
    user: { id: Number(row.userId), email: row.email, name: row.name, locale: row.locale },
  };
}

export async function signOut(db: Db, token: string): Promise<void> {
  await db.deleteFrom("sessions").where("token_hash", "=", sha256Hex(token)).execute();
}

/**
 * The CSRF token of a session: derived from its token with the instance secret, so it needs no storage
 * and another site (which cannot read our cookie or responses) cannot compute it. The admin sends it as
 * `X-CSRF-Token` on every request that changes something.
 */
export function csrfTokenFor(secret: string, sessionToken: string): string {
  return createHmac("sha256", secret).update(`csrf:${sessionToken}`).digest("base64url");
}

export function csrfTokenMatches(secret: string, sessionToken: string, given: string | undefined): boolean {
  return given !== undefined && constantTimeEqual(csrfTokenFor(secret, sessionToken), given);
}

export async function changeOwnPassword(
  db: Db,
  userId: number,
  current: string,
  hashNext: () => Promise<string>,
  keepSessionId: number,
): Promise<boolean> {
  const user = await db
    .selectFrom("users")
    .select("password_hash")
    .where("id", "=", userId)
    .executeTakeFirst();
  if (!user || !(await verifyPassword(current, user.password_hash))) return false;
  const passwordHash = await hashNext();
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("users").set({ password_hash: passwordHash }).where("id", "=", userId).execute();
    // Other browsers signed in as this user are signed out; this one stays.
    await trx.deleteFrom("sessions").where("user_id", "=", userId).where("id", "!=", keepSessionId).execute();
  });
  return true;
}
