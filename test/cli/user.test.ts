// From the server's shell an operator creates the first owner, changes roles, unlocks and resets
// accounts, lists and revokes API keys, and reads the audit log; each act is logged as the CLI's.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn } from "../../src/accounts/sessions.js";
import { systemClock } from "../../src/core/clock.js";
import { createShop } from "../../src/shops/index.js";
import { runCli } from "../support/cli.js";
import { createTestDb, type TestDb } from "../support/db.js";

// Each test runs the built bin several times; a loaded machine takes seconds per start.
describe("kizuna user, shop keys, audit", { timeout: 120_000 }, () => {
  let t: TestDb;
  let secretKey: string;
  beforeAll(async () => {
    t = await createTestDb();
    const created = await createShop(t.db, systemClock, { name: "絆コスメ" });
    secretKey = created.secretKey;
  });
  afterAll(async () => t.cleanup());

  it("adds the first owner with a generated password that signs in, once", async () => {
    const out = await runCli(["user", "add", "Sato@Shop.example", "--role", "owner", "--json"], t.env);
    expect(out.code, out.stderr).toBe(0);
    const added = JSON.parse(out.stdout);
    expect(added).toMatchObject({ email: "sato@shop.example", role: "owner", created: true });
    const signedIn = await signIn(t.db, systemClock, "sato@shop.example", added.password);
    expect(signedIn.ok).toBe(true);

    // The same address again is refused (already a member), non-zero, naming why.
    const again = await runCli(["user", "add", "sato@shop.example", "--role", "analyst"], t.env);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already a member/);
  });

  it("refuses a bad role or address naming the field, and writes nothing", async () => {
    const badRole = await runCli(["user", "add", "x@shop.example", "--role", "admin"], t.env);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toMatch(/role: must be owner, marketer or analyst/);
    const badEmail = await runCli(["user", "add", "not-an-address", "--role", "analyst"], t.env);
    expect(badEmail.code).toBe(2);
    expect(badEmail.stderr).toMatch(/email/);
    const users = await t.db.selectFrom("users").select("email").execute();
    expect(users.map((u) => u.email)).toEqual(["sato@shop.example"]);
  });

  it("changes roles, keeps the last owner, lists members", async () => {
    expect((await runCli(["user", "add", "suzuki@shop.example", "--role", "marketer"], t.env)).code).toBe(0);
    const lastOwner = await runCli(["user", "role", "sato@shop.example", "analyst"], t.env);
    expect(lastOwner.code).toBe(2);
    expect(lastOwner.stderr).toMatch(/at least one owner/);
    expect((await runCli(["user", "role", "suzuki@shop.example", "owner"], t.env)).code).toBe(0);
    expect((await runCli(["user", "role", "sato@shop.example", "analyst"], t.env)).code).toBe(0);
    const list = await runCli(["user", "list", "--json"], t.env);
    expect(
      JSON.parse(list.stdout).users.map((u: { email: string; role: string }) => [u.email, u.role]),
    ).toEqual([
      ["sato@shop.example", "analyst"],
      ["suzuki@shop.example", "owner"],
    ]);
    const table = await runCli(["user", "list"], t.env);
    expect(table.stdout).toMatch(/suzuki@shop\.example\s+suzuki\s+owner/);
  });

  it("unlocks a locked account and resets a password, ending the old one", async () => {
    for (let i = 0; i < 5; i++) await signIn(t.db, systemClock, "suzuki@shop.example", `wrong ${i}`);
    const locked = await t.db
      .selectFrom("users")
      .select("locked_until")
      .where("email", "=", "suzuki@shop.example")
      .executeTakeFirstOrThrow();
    expect(locked.locked_until).not.toBeNull();
    expect((await runCli(["user", "unlock", "suzuki@shop.example"], t.env)).code).toBe(0);
    const reset = await runCli(["user", "password", "suzuki@shop.example", "--json"], t.env);
    expect(reset.code, reset.stderr).toBe(0);
    const { password } = JSON.parse(reset.stdout);
    expect((await signIn(t.db, systemClock, "suzuki@shop.example", password)).ok).toBe(true);
    const unknown = await runCli(["user", "password", "nobody@shop.example"], t.env);
    expect(unknown.code).toBe(2);
  });

  it("lists API keys without the keys and revokes one", async () => {
    const list = await runCli(["shop", "keys", "--json"], t.env);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).not.toContain(secretKey);
    const secret = JSON.parse(list.stdout).apiKeys.find((k: { kind: string }) => k.kind === "secret");
    expect(secret.prefix).toBe(secretKey.slice(0, 10));
    const revoked = await runCli(["shop", "revoke-key", String(secret.id)], t.env);
    expect(revoked.code, revoked.stderr).toBe(0);
    const row = await t.db
      .selectFrom("api_keys")
      .select("revoked_at")
      .where("id", "=", secret.id)
      .executeTakeFirstOrThrow();
    expect(row.revoked_at).not.toBeNull();
    // Revoking again changes nothing (the first revocation time stays).
    expect((await runCli(["shop", "revoke-key", String(secret.id)], t.env)).code).toBe(0);
    const again = await t.db
      .selectFrom("api_keys")
      .select("revoked_at")
      .where("id", "=", secret.id)
      .executeTakeFirstOrThrow();
    expect(again.revoked_at).toBe(row.revoked_at);
    expect((await runCli(["shop", "revoke-key", "abc"], t.env)).code).toBe(2);
  });

  it("the audit log shows the shell's acts, as a table, CSV or JSON", async () => {
    const json = await runCli(["audit", "--format", "json"], t.env);
    expect(json.code, json.stderr).toBe(0);
    const actions = JSON.parse(json.stdout).entries.map((e: { action: string; actor: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["user.add", "user.role", "api_key.revoke"]));
    const csv = await runCli(["audit", "--format", "csv"], t.env);
    expect(csv.stdout.split(/\r?\n/)[0]).toBe("at,actor,action,target,status");
    expect(csv.stdout).toContain("kizuna (server shell)");
    const bad = await runCli(["audit", "--format", "xml"], t.env);
    expect(bad.code).toBe(2);
  });
});
