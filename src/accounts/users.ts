// Users and their memberships: one login per person, a role per shop they act for. The last owner of a
// shop cannot be removed or demoted, so a shop is never left without someone who can manage it. A shop
// that names an address which already has an account only invites it: no shop attaches someone else's
// login to itself, or reads their name and sign-in times, without that person accepting.
import { type Clock, toIso } from "../core/clock.js";
import { ConflictError, NotFoundError, ValidationError } from "../core/errors.js";
import type { Db } from "../db/index.js";
import { checkPasswordStrength, generatePassword, hashPassword } from "./passwords.js";
import { isRole, type Role } from "./roles.js";

export interface Member {
  userId: number;
  email: string;
  /** Empty while invited: the person's account is theirs, not the inviting shop's to read. */
  name: string;
  role: Role;
  /** invited: the person has not accepted yet and cannot act for the shop. */
  status: "active" | "invited";
  lastLoginAt: string | null;
  lockedUntil: string | null;
  addedAt: string;
}

export interface NewMember {
  email: string;
  name?: string;
  role: string;
  /** Absent: a password is generated and returned once. Ignored when the user exists already. */
  password?: string;
}

export interface AddedMember {
  member: Member;
  /** True when the address had no account yet. */
  created: boolean;
  /** The generated password, when one was generated; shown once. */
  initialPassword?: string;
}

// Deliberately loose: the address is a login name here, not a mailbox we deliver to.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normalizeEmail(value: string, field = "email"): string {
  const email = value.trim().toLowerCase();
  if (!EMAIL.test(email) || email.length > 254)
    throw ValidationError.field(field, "must be an email address");
  return email;
}

function checkRole(value: string, field = "role"): Role {
  if (!isRole(value)) throw ValidationError.field(field, "must be owner, marketer or analyst");
  return value;
}

export async function findUserByEmail(db: Db, email: string) {
  return db
    .selectFrom("users")
    .selectAll()
    .where("email", "=", email.trim().toLowerCase())
    .executeTakeFirst();
}

/**
 * Adds a person to a shop: creates their account if the address has none. For an address that has an
 * account, `existingAccount` says what happens: "invite" (what the API does: they accept after signing
 * in) or "add" (the server's shell, whose operator runs the instance, and tests).
 */
export async function addMember(
  db: Db,
  clock: Clock,
  shopId: number,
  input: NewMember,
  existingAccount: "invite" | "add" = "add",
): Promise<AddedMember> {
  const email = normalizeEmail(input.email);
  const role = checkRole(input.role);
  const now = toIso(clock.now());
  let initialPassword: string | undefined;
  let created = false;
  let user = await findUserByEmail(db, email);
  if (!user) {
    const password = input.password ?? generatePassword();
    if (input.password === undefined) initialPassword = password;
    checkPasswordStrength(password, "password", email);
    const name = (input.name ?? email.split("@")[0]).trim();
    if (!name || name.length > 100) throw ValidationError.field("name", "must be 1 to 100 characters");
    const passwordHash = await hashPassword(password);
    user = await db
      .insertInto("users")
      .values({ email, name, password_hash: passwordHash, created_at: now })
      .onConflict((oc) => oc.column("email").doNothing())
      .returningAll()
      .executeTakeFirst();
    // Someone created the same address a moment ago: use theirs.
    if (!user) user = await findUserByEmail(db, email);
    else created = true;
    if (!user) throw new ConflictError(`user ${email} could not be created`);
  }
  const existing = await db
    .selectFrom("memberships")
    .select("role")
    .where("user_id", "=", user.id)
    .where("shop_id", "=", shopId)
    .executeTakeFirst();
  if (existing) throw new ConflictError(`${email} is already a member of this shop (${existing.role})`);
  const accepted = created || existingAccount === "add";
  await db
    .insertInto("memberships")
    .values({ user_id: user.id, shop_id: shopId, role, created_at: now, accepted_at: accepted ? now : null })
    .execute();
  const member = await getMember(db, shopId, user.id);
  return { member, created, ...(initialPassword ? { initialPassword } : {}) };
}

function memberQuery(db: Db, shopId: number) {
  return db
    .selectFrom("memberships as m")
    .innerJoin("users as u", "u.id", "m.user_id")
    .select([
      "u.id as userId",
      "u.email",
      "u.name",
      "m.role",
      "m.accepted_at as acceptedAt",
      "u.last_login_at as lastLoginAt",
      "u.locked_until as lockedUntil",
      "m.created_at as addedAt",
    ])
    .where("m.shop_id", "=", shopId);
}

type MemberRow = Awaited<ReturnType<ReturnType<typeof memberQuery>["executeTakeFirstOrThrow"]>>;

function toMember(row: MemberRow): Member {
  const invited = row.acceptedAt === null;
  return {
    userId: Number(row.userId),
    email: row.email,
    name: invited ? "" : row.name,
    role: row.role,
    status: invited ? "invited" : "active",
    lastLoginAt: invited ? null : row.lastLoginAt,
    lockedUntil: invited ? null : row.lockedUntil,
    addedAt: row.addedAt,
  };
}

export async function listMembers(db: Db, shopId: number): Promise<Member[]> {
  const rows = await memberQuery(db, shopId).orderBy("u.email").execute();
  return rows.map(toMember);
}

export async function getMember(db: Db, shopId: number, userId: number): Promise<Member> {
  const row = await memberQuery(db, shopId).where("u.id", "=", userId).executeTakeFirst();
  if (!row) throw new NotFoundError(`user ${userId} in this shop`);
  return toMember(row);
}

/** Resolves `5` or `someone@shop.jp` to a member of the shop. */
export async function findMember(db: Db, shopId: number, idOrEmail: string): Promise<Member> {
  if (/^\d+$/.test(idOrEmail)) return getMember(db, shopId, Number(idOrEmail));
  const user = await findUserByEmail(db, idOrEmail);
  if (!user) throw new NotFoundError(`user ${idOrEmail} in this shop`);
  return getMember(db, shopId, user.id);
}

async function ownerCount(db: Db, shopId: number): Promise<number> {
  const row = await db
    .selectFrom("memberships")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("shop_id", "=", shopId)
    .where("role", "=", "owner")
    .where("accepted_at", "is not", null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function setMemberRole(
  db: Db,
  shopId: number,
  userId: number,
  roleInput: string,
): Promise<Member> {
  const role = checkRole(roleInput);
  return db.transaction().execute(async (trx) => {
    const member = await getMember(trx, shopId, userId);
    const lastOwner =
      member.status === "active" && member.role === "owner" && (await ownerCount(trx, shopId)) <= 1;
    if (lastOwner && role !== "owner")
      throw new ConflictError("a shop needs at least one owner: make someone else owner first");
    await trx
      .updateTable("memberships")
      .set({ role })
      .where("shop_id", "=", shopId)
      .where("user_id", "=", userId)
      .execute();
    return getMember(trx, shopId, userId);
  });
}

/** Takes the person off the shop; their account stays for their other shops. */
export async function removeMember(db: Db, shopId: number, userId: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const member = await getMember(trx, shopId, userId);
    if (member.status === "active" && member.role === "owner" && (await ownerCount(trx, shopId)) <= 1)
      throw new ConflictError("a shop needs at least one owner: make someone else owner first");
    await trx.deleteFrom("memberships").where("shop_id", "=", shopId).where("user_id", "=", userId).execute();
  });
}

function shopMemberships(db: Db, userId: number) {
  return db
    .selectFrom("memberships as m")
    .innerJoin("shops as s", "s.id", "m.shop_id")
    .select(["s.id", "s.name", "s.timezone", "s.currency", "s.locale", "m.role", "m.created_at"])
    .where("m.user_id", "=", userId)
    .orderBy("s.id");
}

/** The shops a user may act for, with the role in each. */
export async function shopsOf(db: Db, userId: number) {
  const rows = await shopMemberships(db, userId).where("m.accepted_at", "is not", null).execute();
  return rows.map(({ created_at: _, ...r }) => ({ ...r, id: Number(r.id) }));
}

/** Every shop the user has a membership in, accepted or not (for the guards on their account). */
export async function anyShopsOf(db: Db, userId: number): Promise<number[]> {
  const rows = await db.selectFrom("memberships").select("shop_id").where("user_id", "=", userId).execute();
  return rows.map((r) => Number(r.shop_id));
}

/** Shops that invited the user and wait for an answer. */
export async function invitationsOf(db: Db, userId: number) {
  const rows = await shopMemberships(db, userId).where("m.accepted_at", "is", null).execute();
  return rows.map((r) => ({ shopId: Number(r.id), shopName: r.name, role: r.role, invitedAt: r.created_at }));
}

/** The person accepts (or, `accept` false, declines) a shop's invitation. */
export async function answerInvitation(
  db: Db,
  clock: Clock,
  userId: number,
  shopId: number,
  accept: boolean,
): Promise<void> {
  const pending = await db
    .selectFrom("memberships")
    .select("shop_id")
    .where("user_id", "=", userId)
    .where("shop_id", "=", shopId)
    .where("accepted_at", "is", null)
    .executeTakeFirst();
  if (!pending) throw new NotFoundError(`invitation from shop ${shopId}`);
  if (accept) {
    await db
      .updateTable("memberships")
      .set({ accepted_at: toIso(clock.now()) })
      .where("user_id", "=", userId)
      .where("shop_id", "=", shopId)
      .execute();
  } else {
    await db.deleteFrom("memberships").where("user_id", "=", userId).where("shop_id", "=", shopId).execute();
  }
}

/** Sets a new password (generated when none is given) and signs the user out everywhere. */
export async function resetPassword(
  db: Db,
  userId: number,
  password?: string,
): Promise<{ generatedPassword?: string }> {
  const user = await db.selectFrom("users").select("email").where("id", "=", userId).executeTakeFirst();
  if (!user) throw new NotFoundError(`user ${userId}`);
  const next = password ?? generatePassword();
  checkPasswordStrength(next, "password", user.email);
  const passwordHash = await hashPassword(next);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("users")
      .set({ password_hash: passwordHash, failed_logins: 0, locked_until: null })
      .where("id", "=", userId)
      .execute();
    await trx.deleteFrom("sessions").where("user_id", "=", userId).execute();
  });
  return password === undefined ? { generatedPassword: next } : {};
}

/** Lifts a lockout after failed sign-ins (an owner vouches for the person). */
export async function unlockUser(db: Db, userId: number): Promise<void> {
  await db
    .updateTable("users")
    .set({ failed_logins: 0, locked_until: null })
    .where("id", "=", userId)
    .execute();
}
