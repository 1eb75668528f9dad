// People sign in to the admin and act for their shops in their role: an owner does everything, a
// marketer runs scenarios, segments, templates and campaigns, an analyst reads reports and no personal
// data. Sessions live in httpOnly SameSite cookies; a change needs the CSRF token; five wrong passwords
// lock the account; every change lands in the audit log with who made it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember } from "../../src/accounts/users.js";
import { createShop } from "../../src/shops/index.js";
import { bearer, createTestApp, type TestApp } from "../support/app.js";

const PASSWORD = "correct horse battery";

interface Browser {
  cookie: string;
  csrf: string;
  shops: Array<{ id: number; role: string }>;
}

describe("accounts: sign-in, roles, CSRF, lockout, audit", () => {
  let t: TestApp;
  let shopA: number;
  let shopB: number;
  let shopBSecret: { authorization: string };

  // Each sign-in from its own address, so the per-address limit (tested on its own below) stays out of the way.
  let addresses = 0;
  const nextAddress = () => `198.51.${Math.floor(++addresses / 250)}.${(addresses % 250) + 1}`;
  const login = (email: string, password: string, remoteAddress = nextAddress()) =>
    t.app.inject({ method: "POST", url: "/v1/auth/login", payload: { email, password }, remoteAddress });

  async function signIn(email: string, password = PASSWORD): Promise<Browser> {
    const res = await login(email, password);
    expect(res.statusCode, res.body).toBe(200);
    const setCookie = String(res.headers["set-cookie"]);
    return {
      cookie: setCookie.split(";")[0],
      csrf: res.json().csrfToken,
      shops: res.json().shops,
    };
  }

  const as = (
    b: Browser,
    method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
    url: string,
    options: { payload?: unknown; shop?: number; csrf?: string | null } = {},
  ) =>
    t.app.inject({
      method,
      url,
      payload: options.payload as never,
      headers: {
        cookie: b.cookie,
        ...(options.shop !== undefined ? { "x-kizuna-shop": String(options.shop) } : {}),
        ...(options.csrf === null ? {} : { "x-csrf-token": options.csrf ?? b.csrf }),
      },
    });

  beforeAll(async () => {
    t = await createTestApp();
    shopA = t.shop.shop.id;
    const b = await createShop(t.testDb.db, t.clock, { name: "Shop B" });
    shopB = b.shop.id;
    shopBSecret = bearer(b.secretKey);
    const add = (shopId: number, email: string, role: string) =>
      addMember(t.testDb.db, t.clock, shopId, { email, role, password: PASSWORD, name: email.split("@")[0] });
    await add(shopA, "owner@a.example", "owner");
    await add(shopA, "marketer@a.example", "marketer");
    await add(shopA, "analyst@a.example", "analyst");
    await add(shopB, "owner@b.example", "owner");
    // An agency consultant runs CRM for both shops.
    await add(shopA, "agency@example.com", "marketer");
    await add(shopB, "agency@example.com", "owner");
    // Data for the role checks.
    const customer = await t.app.inject({
      method: "POST",
      url: "/v1/customers",
      headers: t.secret,
      payload: { externalId: "M-1", email: "hanako@example.jp", lastName: "山田", firstName: "花子" },
    });
    expect(customer.statusCode, customer.body).toBe(200);
  });
  afterAll(async () => t.close());

  it("a wrong password is refused without saying whether the address exists; the right one opens a session", async () => {
    const wrong = await login("owner@a.example", "not the password");
    const unknown = await login("nobody@a.example", "not the password");
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().error.message).toBe(unknown.json().error.message);

    const res = await login("Owner@A.example", PASSWORD);
    expect(res.statusCode).toBe(200);
    const cookie = String(res.headers["set-cookie"]);
    expect(cookie).toMatch(/^kizuna_session=[\w-]{40,};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(res.json().shops).toEqual([expect.objectContaining({ id: shopA, role: "owner" })]);

    // The database keeps only a scrypt hash of the password and a hash of the session token.
    const user = await t.testDb.db
      .selectFrom("users")
      .selectAll()
      .where("email", "=", "owner@a.example")
      .executeTakeFirstOrThrow();
    expect(user.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(user.password_hash).not.toContain(PASSWORD);
    const token = cookie.split(";")[0].split("=")[1];
    const sessions = await t.testDb.db.selectFrom("sessions").select("token_hash").execute();
    expect(sessions.some((s) => s.token_hash.includes(token))).toBe(false);
  });

  it("a signed-in owner reads and changes the shop through the same API the keys use", async () => {
    const owner = await signIn("owner@a.example");
    const me = await as(owner, "GET", "/v1/auth/me");
    expect(me.statusCode).toBe(200);
    expect(me.json().user.email).toBe("owner@a.example");
    expect(me.json().csrfToken).toBe(owner.csrf);

    const customer = await as(owner, "GET", "/v1/customers/M-1");
    expect(customer.statusCode).toBe(200);
    expect(customer.json().email).toBe("hanako@example.jp");

    const saved = await as(owner, "PUT", "/v1/segments/lapsed", {
      payload: { name: "Lapsed", rule: { type: "order_date", which: "last", olderThanDays: 90 } },
    });
    expect(saved.statusCode, saved.body).toBe(200);
  });

  it("a change without the CSRF token, or with another session's, is refused and changes nothing", async () => {
    const owner = await signIn("owner@a.example");
    const other = await signIn("owner@a.example");
    const payload = { name: "No CSRF", rule: { type: "order_date", which: "last", olderThanDays: 30 } };
    const missing = await as(owner, "PUT", "/v1/segments/csrf-test", { payload, csrf: null });
    expect(missing.statusCode).toBe(403);
    expect(missing.json().error.code).toBe("csrf_failed");
    const foreign = await as(owner, "PUT", "/v1/segments/csrf-test", { payload, csrf: other.csrf });
    expect(foreign.statusCode).toBe(403);
    const segment = await as(owner, "GET", "/v1/segments/csrf-test");
    expect(segment.statusCode).toBe(404);
    // Reads need no token.
    expect((await as(owner, "GET", "/v1/segments", { csrf: null })).statusCode).toBe(200);
  });

  it("each role reaches only its areas", async () => {
    const marketer = await signIn("marketer@a.example");
    const analyst = await signIn("analyst@a.example");
    const segment = { name: "Role test", rule: { type: "order_date", which: "last", olderThanDays: 60 } };

    // Analyst: reports and definitions, no personal data, no changes.
    expect((await as(analyst, "GET", "/v1/reports/rfm")).statusCode).toBe(200);
    expect((await as(analyst, "GET", "/v1/segments")).statusCode).toBe(200);
    for (const url of ["/v1/customers/M-1", "/v1/customers?q=hanako", "/v1/segments/lapsed/members"]) {
      const res = await as(analyst, "GET", url);
      expect(res.statusCode, url).toBe(403);
      expect(res.json().error.message).toMatch(/analyst role may not read customers' personal data/);
      expect(res.body).not.toContain("hanako");
    }
    expect((await as(analyst, "PUT", "/v1/segments/by-analyst", { payload: segment })).statusCode).toBe(403);

    // Marketer: segments, scenarios, templates, campaigns, and customers to look at; not settings.
    expect((await as(marketer, "PUT", "/v1/segments/by-marketer", { payload: segment })).statusCode).toBe(
      200,
    );
    expect((await as(marketer, "GET", "/v1/customers/M-1")).statusCode).toBe(200);
    for (const [method, url] of [
      ["GET", "/v1/users"],
      ["GET", "/v1/api-keys"],
      ["GET", "/v1/audit-log"],
      ["PUT", "/v1/shop/profile"],
      ["POST", "/v1/customers"],
    ] as const) {
      const res = await as(marketer, method, url, { payload: method === "GET" ? undefined : {} });
      expect(res.statusCode, `${method} ${url}`).toBe(403);
    }
    const invite = await as(marketer, "POST", "/v1/users", {
      payload: { email: "intruder@example.com", role: "owner" },
    });
    expect(invite.statusCode).toBe(403);
    const users = await t.testDb.db.selectFrom("users").select("email").execute();
    expect(users.map((u) => u.email)).not.toContain("intruder@example.com");
  });

  it("an agency user names the shop they act for, and reaches no shop they are not a member of", async () => {
    const agency = await signIn("agency@example.com");
    expect(agency.shops.map((s) => [s.id, s.role])).toEqual([
      [shopA, "marketer"],
      [shopB, "owner"],
    ]);
    const unnamed = await as(agency, "GET", "/v1/segments");
    expect(unnamed.statusCode).toBe(400);
    expect(unnamed.json().error.issues[0].field).toBe("x-kizuna-shop");

    // As owner of B they manage B's users; as marketer of A they may not manage A's.
    expect((await as(agency, "GET", "/v1/users", { shop: shopB })).statusCode).toBe(200);
    expect((await as(agency, "GET", "/v1/users", { shop: shopA })).statusCode).toBe(403);
    // A's customer is not B's.
    expect((await as(agency, "GET", "/v1/customers/M-1", { shop: shopB })).statusCode).toBe(404);
    expect((await as(agency, "GET", "/v1/customers/M-1", { shop: shopA })).statusCode).toBe(200);

    const ownerB = await signIn("owner@b.example");
    const intoA = await as(ownerB, "GET", "/v1/customers/M-1", { shop: shopA });
    expect(intoA.statusCode).toBe(403);
    expect(intoA.body).not.toContain("hanako");
    expect((await as(ownerB, "GET", "/v1/users", { shop: 999_999 })).statusCode).toBe(403);
  });

  it("a shop that names an address with an account only invites it; the person accepts or declines", async () => {
    const ownerB = await signIn("owner@b.example");
    const invite = await as(ownerB, "POST", "/v1/users", {
      payload: { email: "owner@a.example", role: "owner" },
    });
    expect(invite.statusCode, invite.body).toBe(200);
    // B learns nothing of the person but the address it typed.
    expect(invite.json()).toMatchObject({
      created: false,
      user: { email: "owner@a.example", status: "invited", name: "", lastLoginAt: null, lockedUntil: null },
    });
    expect(invite.json().initialPassword).toBeUndefined();
    const invitedId = invite.json().user.userId;
    // Nor may B unlock or reset the account it invited.
    expect((await as(ownerB, "POST", `/v1/users/${invitedId}/unlock`)).statusCode).toBe(403);
    expect((await as(ownerB, "POST", `/v1/users/${invitedId}/password`)).statusCode).toBe(403);

    const ownerA = await signIn("owner@a.example");
    // Still one shop: no shop header needed, and B is out of reach until accepted.
    expect((await as(ownerA, "GET", "/v1/segments")).statusCode).toBe(200);
    expect((await as(ownerA, "GET", "/v1/segments", { shop: shopB })).statusCode).toBe(403);
    const me = await as(ownerA, "GET", "/v1/auth/me");
    expect(me.json().invitations).toEqual([
      expect.objectContaining({ shopId: shopB, shopName: "Shop B", role: "owner" }),
    ]);
    const accepted = await as(ownerA, "POST", `/v1/auth/invitations/${shopB}/accept`);
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json().shops.map((s: { id: number }) => s.id)).toEqual([shopA, shopB]);
    expect((await as(ownerA, "GET", "/v1/users", { shop: shopB })).statusCode).toBe(200);
    const listed = await as(ownerB, "GET", "/v1/users");
    expect(listed.json().users.find((u: { email: string }) => u.email === "owner@a.example")).toMatchObject({
      status: "active",
      name: "owner",
    });
    // Answering twice: there is no invitation left.
    expect((await as(ownerA, "POST", `/v1/auth/invitations/${shopB}/accept`)).statusCode).toBe(404);
    // Leave B again so the other tests see A's owner in one shop.
    expect((await as(ownerB, "DELETE", `/v1/users/${invitedId}`)).statusCode).toBe(200);

    const again = await as(ownerB, "POST", "/v1/users", {
      payload: { email: "owner@a.example", role: "analyst" },
    });
    expect(again.statusCode).toBe(200);
    const declined = await as(ownerA, "POST", `/v1/auth/invitations/${shopB}/decline`);
    expect(declined.statusCode).toBe(200);
    expect(declined.json().invitations).toEqual([]);
    expect((await as(ownerB, "GET", "/v1/users")).body).not.toContain("owner@a.example");
  });

  it("five wrong passwords in a row lock the account for 15 minutes; an owner can unlock it", async () => {
    const email = "locked@a.example";
    const added = await addMember(t.testDb.db, t.clock, shopA, {
      email,
      role: "marketer",
      password: PASSWORD,
    });
    for (let i = 0; i < 4; i++) expect((await login(email, `wrong ${i}`)).statusCode).toBe(401);
    const fifth = await login(email, "wrong 5");
    expect(fifth.statusCode).toBe(429);
    expect(fifth.json().error.code).toBe("account_locked");
    // Locked: even the right password is refused until the lock ends.
    expect((await login(email, PASSWORD)).statusCode).toBe(429);
    t.clock.advance(15 * 60 * 1000 + 1);
    const after = await login(email, PASSWORD);
    expect(after.statusCode).toBe(200);

    // The count starts again after a success.
    for (let i = 0; i < 4; i++) expect((await login(email, `again ${i}`)).statusCode).toBe(401);
    expect((await login(email, "again 5")).statusCode).toBe(429);

    const owner = await signIn("owner@a.example");
    const members = await as(owner, "GET", "/v1/users");
    expect(members.json().users.find((u: { email: string }) => u.email === email).lockedUntil).not.toBeNull();
    const unlock = await as(owner, "POST", `/v1/users/${added.member.userId}/unlock`);
    expect(unlock.statusCode, unlock.body).toBe(200);
    expect(unlock.json().user.lockedUntil).toBeNull();
    expect((await login(email, PASSWORD)).statusCode).toBe(200);
  });

  it("a guesser who waits out the lock is locked again at once, for twice as long", async () => {
    const email = "guessed@a.example";
    await addMember(t.testDb.db, t.clock, shopA, { email, role: "analyst", password: PASSWORD });
    for (let i = 0; i < 5; i++) await login(email, `wrong ${i}`);
    const lockedUntil = async () =>
      (
        await t.testDb.db
          .selectFrom("users")
          .select("locked_until")
          .where("email", "=", email)
          .executeTakeFirstOrThrow()
      ).locked_until;
    const first = Date.parse((await lockedUntil()) ?? "");
    expect(first - t.clock.now().getTime()).toBe(15 * 60 * 1000);
    t.clock.advance(15 * 60 * 1000 + 1);
    expect((await login(email, "wrong 6")).statusCode).toBe(429);
    const second = Date.parse((await lockedUntil()) ?? "");
    expect(second - t.clock.now().getTime()).toBe(30 * 60 * 1000);
  });

  it("a session ends on sign-out and after 12 hours without use", async () => {
    const marketer = await signIn("marketer@a.example");
    expect((await as(marketer, "GET", "/v1/segments")).statusCode).toBe(200);
    const out = await as(marketer, "POST", "/v1/auth/logout");
    expect(out.statusCode).toBe(200);
    expect(String(out.headers["set-cookie"])).toMatch(/kizuna_session=;/);
    expect((await as(marketer, "GET", "/v1/segments")).statusCode).toBe(401);

    const idle = await signIn("marketer@a.example");
    t.clock.advance(11 * 60 * 60 * 1000);
    expect((await as(idle, "GET", "/v1/segments")).statusCode).toBe(200);
    t.clock.advance(11 * 60 * 60 * 1000);
    // Used 11 hours ago, so still alive: the idle timeout slides with use.
    expect((await as(idle, "GET", "/v1/segments")).statusCode).toBe(200);
    t.clock.advance(12 * 60 * 60 * 1000 + 1);
    expect((await as(idle, "GET", "/v1/segments")).statusCode).toBe(401);
  });

  it("a shop always keeps an owner", async () => {
    const owner = await signIn("owner@a.example");
    const me = (await as(owner, "GET", "/v1/users"))
      .json()
      .users.find((u: { email: string }) => u.email === "owner@a.example");
    const demote = await as(owner, "PATCH", `/v1/users/${me.userId}`, { payload: { role: "analyst" } });
    expect(demote.statusCode).toBe(409);
    const remove = await as(owner, "DELETE", `/v1/users/${me.userId}`);
    expect(remove.statusCode).toBe(409);
    const bad = await as(owner, "PATCH", `/v1/users/${me.userId}`, { payload: { role: "admin" } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.issues[0].field).toBe("role");
  });

  it("an owner adds a person with a generated password shown once, and the new person signs in with it", async () => {
    const owner = await signIn("owner@a.example");
    const res = await as(owner, "POST", "/v1/users", {
      payload: { email: "new@a.example", role: "analyst" },
    });
    expect(res.statusCode, res.body).toBe(200);
    const { initialPassword, created } = res.json();
    expect(created).toBe(true);
    expect(initialPassword).toMatch(/^[\w-]{20}$/);
    const analyst = await signIn("new@a.example", initialPassword);
    expect(analyst.shops).toEqual([expect.objectContaining({ id: shopA, role: "analyst" })]);
    const again = await as(owner, "POST", "/v1/users", {
      payload: { email: "new@a.example", role: "owner" },
    });
    expect(again.statusCode).toBe(409);
  });

  it("API keys: listed without the key, revoked at once, and another shop's key id is not found", async () => {
    const owner = await signIn("owner@a.example");
    const issued = await as(owner, "POST", "/v1/api-keys", {
      payload: { kind: "secret", label: "ERP sync" },
    });
    expect(issued.statusCode, issued.body).toBe(200);
    const { key, apiKey } = issued.json();
    expect(key).toMatch(/^kz_sk_/);
    expect(
      (await t.app.inject({ method: "GET", url: "/v1/segments", headers: bearer(key) })).statusCode,
    ).toBe(200);

    const list = await as(owner, "GET", "/v1/api-keys");
    expect(list.body).not.toContain(key);
    expect(list.json().apiKeys.find((k: { id: number }) => k.id === apiKey.id)).toMatchObject({
      label: "ERP sync",
      prefix: key.slice(0, 10),
      revokedAt: null,
    });
    const rows = await t.testDb.db.selectFrom("api_keys").selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(key);

    // Shop B's owner cannot revoke A's key.
    const fromB = await t.app.inject({
      method: "DELETE",
      url: `/v1/api-keys/${apiKey.id}`,
      headers: shopBSecret,
    });
    expect(fromB.statusCode).toBe(404);
    expect(
      (await t.app.inject({ method: "GET", url: "/v1/segments", headers: bearer(key) })).statusCode,
    ).toBe(200);

    const revoked = await as(owner, "DELETE", `/v1/api-keys/${apiKey.id}`);
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().apiKey.revokedAt).not.toBeNull();
    const refused = await t.app.inject({ method: "GET", url: "/v1/segments", headers: bearer(key) });
    expect(refused.statusCode).toBe(401);
  });

  it("the audit log names who changed what, with no request bodies; analysts cannot read it", async () => {
    const marketer = await signIn("marketer@a.example");
    await as(marketer, "PUT", "/v1/segments/audited", {
      payload: { name: "Audited", rule: { type: "order_date", which: "last", olderThanDays: 45 } },
    });
    await t.app.inject({
      method: "PUT",
      url: "/v1/segments/by-key",
      headers: t.secret,
      payload: { name: "By key", rule: { type: "order_date", which: "last", olderThanDays: 45 } },
    });
    // Ingestion by key is the data itself, not an act to answer for: not logged.
    await t.app.inject({
      method: "POST",
      url: "/v1/customers",
      headers: t.secret,
      payload: { externalId: "M-2", email: "taro@example.jp" },
    });

    const owner = await signIn("owner@a.example");
    const log = await as(owner, "GET", "/v1/audit-log?limit=200");
    expect(log.statusCode).toBe(200);
    const entries = log.json().entries as Array<{ actor: string; action: string; target: object }>;
    expect(entries).toContainEqual(
      expect.objectContaining({
        actor: "marketer@a.example",
        action: "PUT /v1/segments/:key",
        target: { key: "audited" },
      }),
    );
    expect(entries).toContainEqual(
      expect.objectContaining({
        actor: `${t.shop.secretKey.slice(0, 10)}…`,
        action: "PUT /v1/segments/:key",
        target: { key: "by-key" },
      }),
    );
    expect(entries.some((e) => e.action === "login.failed" && e.actor === "owner@a.example")).toBe(true);
    expect(entries.some((e) => e.action === "POST /v1/customers")).toBe(false);
    expect(log.body).not.toContain("taro@example.jp");
    // Shop B's log has none of A's entries.
    const bLog = await t.app.inject({ method: "GET", url: "/v1/audit-log", headers: shopBSecret });
    expect(bLog.body).not.toContain("marketer@a.example");

    const analyst = await signIn("analyst@a.example");
    expect((await as(analyst, "GET", "/v1/audit-log")).statusCode).toBe(403);
  });

  it("changing one's own password needs the current one and signs out the other sessions", async () => {
    const email = "changer@a.example";
    await addMember(t.testDb.db, t.clock, shopA, { email, role: "analyst", password: PASSWORD });
    const here = await signIn(email);
    const elsewhere = await signIn(email);
    const wrong = await as(here, "POST", "/v1/auth/password", {
      payload: { currentPassword: "nope", newPassword: "a much better passphrase" },
    });
    expect(wrong.statusCode).toBe(401);
    const short = await as(here, "POST", "/v1/auth/password", {
      payload: { currentPassword: PASSWORD, newPassword: "short" },
    });
    expect(short.statusCode).toBe(400);
    expect(short.json().error.issues[0].field).toBe("newPassword");
    const ok = await as(here, "POST", "/v1/auth/password", {
      payload: { currentPassword: PASSWORD, newPassword: "a much better passphrase" },
    });
    expect(ok.statusCode).toBe(200);
    expect((await as(here, "GET", "/v1/auth/me")).statusCode).toBe(200);
    expect((await as(elsewhere, "GET", "/v1/auth/me")).statusCode).toBe(401);
    expect((await login(email, PASSWORD)).statusCode).toBe(401);
    expect((await login(email, "a much better passphrase")).statusCode).toBe(200);
  });

  it("one address trying many sign-ins is slowed down whatever the accounts", async () => {
    const attacker = "203.0.113.66";
    const answers: number[] = [];
    for (let i = 0; i < 21; i++)
      answers.push((await login(`guess${i}@a.example`, "password123", attacker)).statusCode);
    expect(answers.slice(0, 20).every((s) => s === 401)).toBe(true);
    const limited = await login("owner@a.example", PASSWORD, attacker);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe("rate_limited");
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    // Everyone else still signs in.
    expect((await login("owner@a.example", PASSWORD)).statusCode).toBe(200);
  });
});
