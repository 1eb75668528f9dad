// Consent per channel: the current state on the profile, and a log with one row per change that says
// through what and when the customer said yes or no.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConsentState } from "../../src/customers/index.js";
import type { Channel } from "../../src/db/index.js";
import { createTestApp, type TestApp } from "../support/app.js";
import { countRows } from "../support/db.js";
import {
  type CustomerApi,
  consentLog,
  customerApi,
  failure,
  HOUR,
  ok,
  profileOf,
  rejects,
  upserted,
} from "./steps.js";

type Consents = Partial<Record<Channel, ConsentState>>;

describe("a customer's consents", () => {
  let t: TestApp;
  let api: CustomerApi;
  let customerId: number;
  const state = async (externalId: string, body: Record<string, unknown>) =>
    ok<{ consents: Consents }>(await api.consents(externalId, body)).consents;

  beforeAll(async () => {
    t = await createTestApp("2026-06-01T00:00:00.000Z");
    api = customerApi(t);
    customerId = (await upserted(api, { externalId: "C1", email: "c1@example.jp" })).customer.id;
  });
  afterAll(async () => t.close());

  it("records each channel stated, with its source and time", async () => {
    const consents = await state("C1", { consents: { email: true, line: false }, source: "signup-form" });
    expect(consents).toEqual({
      email: { granted: true, source: "signup-form", updatedAt: "2026-06-01T00:00:00.000Z" },
      line: { granted: false, source: "signup-form", updatedAt: "2026-06-01T00:00:00.000Z" },
    });
    expect(await consentLog(t, customerId)).toEqual([
      { channel: "email", granted: 1, source: "signup-form", recorded_at: "2026-06-01T00:00:00.000Z" },
      { channel: "line", granted: 0, source: "signup-form", recorded_at: "2026-06-01T00:00:00.000Z" },
    ]);
  });

  it("does not log a statement that repeats the current state", async () => {
    t.clock.advance(HOUR);
    const consents = await state("C1", {
      consents: { email: true, line: false },
      source: "newsletter-retry",
    });
    expect(consents.email).toEqual({
      granted: true,
      source: "signup-form",
      updatedAt: "2026-06-01T00:00:00.000Z",
    });
    expect(await consentLog(t, customerId)).toHaveLength(2);
  });

  it("logs a change, and only the channels that changed", async () => {
    t.clock.advance(HOUR);
    const consents = await state("C1", {
      consents: { email: false, line: false, sms: true },
      source: "unsubscribe-link",
    });
    expect(consents).toEqual({
      email: { granted: false, source: "unsubscribe-link", updatedAt: "2026-06-01T02:00:00.000Z" },
      line: { granted: false, source: "signup-form", updatedAt: "2026-06-01T00:00:00.000Z" },
      sms: { granted: true, source: "unsubscribe-link", updatedAt: "2026-06-01T02:00:00.000Z" },
    });
    const log = await consentLog(t, customerId);
    expect(log.slice(2)).toEqual([
      { channel: "email", granted: 0, source: "unsubscribe-link", recorded_at: "2026-06-01T02:00:00.000Z" },
      { channel: "sms", granted: 1, source: "unsubscribe-link", recorded_at: "2026-06-01T02:00:00.000Z" },
    ]);
  });

  it("keeps the history of a channel that goes back and forth", async () => {
    for (const granted of [true, false, true]) {
      t.clock.advance(HOUR);
      await state("C1", { consents: { email: granted }, source: "mypage" });
    }
    const history = await consentLog(t, customerId, "email");
    expect(history.map((h) => [h.granted, h.source])).toEqual([
      [1, "signup-form"],
      [0, "unsubscribe-link"],
      [1, "mypage"],
      [0, "mypage"],
      [1, "mypage"],
    ]);
  });

  it("says the source is the API when none is given", async () => {
    t.clock.advance(HOUR);
    expect((await state("C1", { consents: { push: true } })).push?.source).toBe("api");
  });

  it("leaves the channels a statement does not mention alone", async () => {
    const before = (await profileOf(api, "C1")).consents;
    expect(await state("C1", { consents: {} })).toEqual(before);
  });

  it("records consents sent with the profile, with the API as the source", async () => {
    const created = await upserted(api, { externalId: "C2", consents: { email: true, postal: false } });
    expect((await profileOf(api, "C2")).consents).toEqual({
      email: { granted: true, source: "api", updatedAt: t.clock.now().toISOString() },
      postal: { granted: false, source: "api", updatedAt: t.clock.now().toISOString() },
    });
    // The same profile sent again is not a new statement.
    t.clock.advance(HOUR);
    await upserted(api, { externalId: "C2", consents: { email: true, postal: false } });
    expect(await consentLog(t, created.customer.id)).toHaveLength(2);
  });

  it("answers 404 for a customer it does not know, and writes nothing", async () => {
    const rows = await countRows(t.testDb.db, "consent_log");
    expect(failure(await api.consents("NOBODY", { consents: { email: true } }), 404).code).toBe("not_found");
    expect(await countRows(t.testDb.db, "consent_log")).toBe(rows);
  });

  it("rejects bad statements, naming the field", async () => {
    rejects(await api.consents("C1", { consents: { email: "yes" } }), "consents.email");
    rejects(await api.consents("C1", {}), "consents");
    rejects(await api.consents("C1", { consents: { email: true }, source: "" }), "source");
    const unknown = failure(await api.consents("C1", { consents: { fax: true } }), 400);
    expect(JSON.stringify(unknown.issues)).toContain("fax");
  });
});
