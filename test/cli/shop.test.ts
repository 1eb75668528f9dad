import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { createTestDb, type TestDb } from "../support/db.js";

describe("kizuna shop", () => {
  let t: TestDb;
  beforeEach(async () => {
    t = await createTestDb();
  });
  afterEach(async () => t.cleanup());

  it("creates a shop and prints its id and keys as JSON; the keys authenticate", async () => {
    const out = await runCli(["shop", "create", "絆コスメ", "--json"], t.env);
    expect(out.code, out.stderr).toBe(0);
    const created = JSON.parse(out.stdout.trim());
    expect(created).toEqual({
      id: expect.any(Number),
      secretKey: expect.stringMatching(/^kz_sk_/),
      publicKey: expect.stringMatching(/^kz_pk_/),
    });
    const shop = await t.db
      .selectFrom("shops")
      .selectAll()
      .where("id", "=", created.id)
      .executeTakeFirstOrThrow();
    expect(shop).toMatchObject({ name: "絆コスメ", timezone: "Asia/Tokyo", currency: "JPY" });
    // Keys are stored only as hashes.
    const keys = await t.db.selectFrom("api_keys").selectAll().where("shop_id", "=", created.id).execute();
    expect(keys.map((k) => k.kind).sort()).toEqual(["public", "secret"]);
    expect(keys.some((k) => k.key_hash.includes(created.secretKey))).toBe(false);
  });

  it("refuses a bad time zone with a non-zero exit naming the field, and writes nothing", async () => {
    const out = await runCli(["shop", "create", "x", "--timezone", "Mars/Base"], t.env);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("timezone");
    expect(await t.db.selectFrom("shops").selectAll().execute()).toEqual([]);
  });

  it("needs --shop when the instance has several shops", async () => {
    await runCli(["shop", "create", "A"], t.env);
    await runCli(["shop", "create", "B"], t.env);
    const out = await runCli(["shop", "key", "--json"], t.env);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("--shop");
    const ok = await runCli(["shop", "key", "--shop", "2", "--kind", "public", "--json"], t.env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({
      shopId: 2,
      kind: "public",
      key: expect.stringMatching(/^kz_pk_/),
    });
  });
});
