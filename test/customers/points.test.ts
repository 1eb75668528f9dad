// The point ledger of a Japanese shop programme: points are earned in lots that expire, spending takes
// from the lot that expires first, and lots past their date can no longer be spent.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app.js";
import { countRows } from "../support/db.js";
import {
  type CustomerApi,
  customerApi,
  failure,
  pointsRecorded,
  profileOf,
  rejects,
  upserted,
} from "./steps.js";

const JULY_END = "2026-07-31T15:00:00.000Z";
const SEPTEMBER_END = "2026-09-30T15:00:00.000Z";

describe("a member earning and spending points", () => {
  let t: TestApp;
  let api: CustomerApi;
  const record = (entry: Record<string, unknown>) => pointsRecorded(api, "P1", entry);

  beforeAll(async () => {
    t = await createTestApp("2026-06-01T00:00:00.000Z");
    api = customerApi(t);
    await upserted(api, { externalId: "P1" });
  });
  afterAll(async () => t.close());

  it("reports the balance and the next lot to expire", async () => {
    await record({ kind: "earn", points: 100, expiresAt: "2026-10-01T00:00:00+09:00", reason: "order O-1" });
    await record({ kind: "earn", points: 50, expiresAt: "2026-08-01T00:00:00+09:00", reason: "review" });
    const reply = await record({ kind: "earn", points: 30, reason: "birthday" });
    expect(reply).toEqual({
      recorded: true,
      points: { balance: 180, nextExpiryAt: JULY_END, nextExpiryPoints: 50 },
    });
    expect((await profileOf(api, "P1")).points).toEqual(reply.points);
  });

  it("spends from the lot that expires first", async () => {
    const reply = await record({ kind: "spend", points: 70, orderExternalId: "O-2" });
    // 50 from the July lot, 20 from the September lot; the lot without expiry is untouched.
    expect(reply.points).toEqual({ balance: 110, nextExpiryAt: SEPTEMBER_END, nextExpiryPoints: 80 });
  });

  it("rejects spending more than the balance, naming points, and records nothing", async () => {
    const entries = await countRows(t.testDb.db, "point_ledger");
    const message = rejects(await api.points("P1", { kind: "spend", points: 111 }), "points");
    expect(message).toContain("110");
    expect(await countRows(t.testDb.db, "point_ledger")).toBe(entries);
    expect((await profileOf(api, "P1")).points.balance).toBe(110);
  });

  it("records an entry sent twice with the same external id once", async () => {
    const first = await record({
      kind: "earn",
      points: 10,
      externalId: "earn-O-3",
      expiresAt: SEPTEMBER_END,
    });
    const retry = await record({
      kind: "earn",
      points: 10,
      externalId: "earn-O-3",
      expiresAt: SEPTEMBER_END,
    });
    expect(first.recorded).toBe(true);
    expect(retry.recorded).toBe(false);
    expect(retry.points).toEqual({ balance: 120, nextExpiryAt: SEPTEMBER_END, nextExpiryPoints: 90 });
    const rows = await t.testDb.db
      .selectFrom("point_ledger")
      .select("id")
      .where("external_id", "=", "earn-O-3")
      .execute();
    expect(rows).toHaveLength(1);
  });

  it("no longer counts a lot once its date has passed", async () => {
    t.clock.set("2026-10-01T00:00:00.000Z");
    expect((await profileOf(api, "P1")).points).toEqual({
      balance: 30,
      nextExpiryAt: null,
      nextExpiryPoints: 0,
    });
  });

  it("does not let expired points be spent", async () => {
    rejects(await api.points("P1", { kind: "spend", points: 31 }), "points");
    const reply = await record({ kind: "spend", points: 30 });
    expect(reply.points).toEqual({ balance: 0, nextExpiryAt: null, nextExpiryPoints: 0 });
    rejects(await api.points("P1", { kind: "spend", points: 1 }), "points");
  });

  it("writes off the expired lot with an expire entry without touching what is left", async () => {
    await record({ kind: "earn", points: 40, expiresAt: "2027-03-31T15:00:00.000Z" });
    // What lapsed at the end of September: 80 of the first lot and the 10 earned twice.
    const reply = await record({ kind: "expire", points: 90, reason: "expired 2026-09-30" });
    expect(reply.points).toEqual({
      balance: 40,
      nextExpiryAt: "2027-03-31T15:00:00.000Z",
      nextExpiryPoints: 40,
    });
    // More than has lapsed and is left cannot be written off.
    rejects(await api.points("P1", { kind: "expire", points: 41 }), "points");
  });

  it("adds and takes points by adjustment", async () => {
    expect((await record({ kind: "adjust", points: 15, reason: "goodwill" })).points.balance).toBe(55);
    expect((await record({ kind: "adjust", points: -5, reason: "correction" })).points.balance).toBe(50);
    rejects(await api.points("P1", { kind: "adjust", points: -51 }), "points");
  });
});

describe("a spend made before a lot lapsed", () => {
  let t: TestApp;
  let api: CustomerApi;
  beforeAll(async () => {
    t = await createTestApp("2026-06-01T00:00:00.000Z");
    api = customerApi(t);
    await upserted(api, { externalId: "P2" });
  });
  afterAll(async () => t.close());

  it("keeps having used the lapsing lot, so the later lot stays whole", async () => {
    await pointsRecorded(api, "P2", { kind: "earn", points: 100, expiresAt: "2026-07-01T00:00:00Z" });
    await pointsRecorded(api, "P2", { kind: "earn", points: 100, expiresAt: "2026-12-01T00:00:00Z" });
    await pointsRecorded(api, "P2", { kind: "spend", points: 60 });
    t.clock.set("2026-07-15T00:00:00Z");
    // 40 of the first lot lapsed; the second lot is whole.
    expect((await profileOf(api, "P2")).points).toEqual({
      balance: 100,
      nextExpiryAt: "2026-12-01T00:00:00.000Z",
      nextExpiryPoints: 100,
    });
    const reply = await pointsRecorded(api, "P2", { kind: "spend", points: 100 });
    expect(reply.points.balance).toBe(0);
  });
});

describe("bad point entries", () => {
  let t: TestApp;
  let api: CustomerApi;
  beforeAll(async () => {
    t = await createTestApp("2026-06-01T00:00:00.000Z");
    api = customerApi(t);
    await upserted(api, { externalId: "P3" });
  });
  afterAll(async () => t.close());

  it.each([
    [{ kind: "gift", points: 10 }, "kind"],
    [{ kind: "earn", points: 1.5 }, "points"],
    [{ kind: "earn", points: "10" }, "points"],
    [{ kind: "earn" }, "points"],
    [{ kind: "earn", points: 0 }, "points"],
    [{ kind: "earn", points: -10 }, "points"],
    [{ kind: "spend", points: -10 }, "points"],
    [{ kind: "spend", points: 0 }, "points"],
    [{ kind: "earn", points: 10, expiresAt: "next year" }, "expiresAt"],
    [{ kind: "spend", points: 10, expiresAt: "2027-01-01T00:00:00Z" }, "expiresAt"],
  ])("rejects %j naming %s", async (entry, field) => {
    rejects(await api.points("P3", entry), field);
  });

  it("rejects a property it does not know", async () => {
    const error = failure(await api.points("P3", { kind: "earn", points: 10, campaign: "summer" }), 400);
    expect(JSON.stringify(error.issues)).toContain("campaign");
  });

  it("answers 404 for a customer it does not know", async () => {
    expect(failure(await api.points("NOBODY", { kind: "earn", points: 10 }), 404).code).toBe("not_found");
    expect(await countRows(t.testDb.db, "point_ledger")).toBe(0);
  });

  it("returns an empty balance for a member without points", async () => {
    const profile = await profileOf(api, "P3");
    expect(profile.points).toEqual({ balance: 0, nextExpiryAt: null, nextExpiryPoints: 0 });
  });
});
