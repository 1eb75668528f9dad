import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { drainJobs } from "../../src/worker/index.js";
import { createTestApp, type TestApp } from "../support/app.js";

describe("point expiry by the worker", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp("2026-06-01T00:00:00.000Z");
    await t.app.inject({
      method: "POST",
      url: "/v1/customers",
      headers: t.secret,
      payload: { externalId: "M1" },
    });
    const add = (payload: object) =>
      t.app.inject({ method: "POST", url: "/v1/customers/M1/points", headers: t.secret, payload });
    await add({ kind: "earn", points: 100, expiresAt: "2026-07-01T00:00:00Z" });
    await add({ kind: "earn", points: 50, expiresAt: "2027-01-01T00:00:00Z" });
    await add({ kind: "spend", points: 30 });
  });
  afterEach(async () => t.close());

  const balance = async () =>
    (await t.app.inject({ method: "GET", url: "/v1/customers/M1", headers: t.secret })).json().points;
  const expireEntries = () =>
    t.testDb.db.selectFrom("point_ledger").selectAll().where("kind", "=", "expire").execute();

  it("writes off what is left of a lot once its date passes, and nothing before", async () => {
    expect(await balance()).toEqual({
      balance: 120,
      nextExpiryAt: "2026-07-01T00:00:00.000Z",
      nextExpiryPoints: 70,
    });
    expect(await drainJobs(t.testDb.db, t.clock)).toMatchObject({ "expire-points": 0 });

    t.clock.set("2026-07-02T00:00:00.000Z");
    expect(await drainJobs(t.testDb.db, t.clock)).toMatchObject({ "expire-points": 1 });
    const entries = await expireEntries();
    expect(entries.map((e) => e.points)).toEqual([-70]);
    expect(await balance()).toEqual({
      balance: 50,
      nextExpiryAt: "2027-01-01T00:00:00.000Z",
      nextExpiryPoints: 50,
    });

    // A second round finds nothing due and writes nothing more.
    expect(await drainJobs(t.testDb.db, t.clock)).toMatchObject({ "expire-points": 0 });
    expect(await expireEntries()).toHaveLength(1);
  });

  it("expires once when two workers run at the same moment", async () => {
    t.clock.set("2026-07-02T00:00:00.000Z");
    const results = await Promise.all([drainJobs(t.testDb.db, t.clock), drainJobs(t.testDb.db, t.clock)]);
    expect(results.reduce((sum, r) => sum + r["expire-points"], 0)).toBe(1);
    expect((await expireEntries()).map((e) => e.points)).toEqual([-70]);
  });
});
