// The shop's delivery policies through the API: given a new shop, it reads the defaults (7-day click and
// 1-day open attribution, sunset after 180 days, pause at 5 % bounces, 0.3 % complaints, 2 %
// unsubscribes over 200 sends, no double opt-in); when the owner changes one field, only that field
// changes and the shop's other settings stay; null puts a part back to its defaults; a value out of
// bounds or an unknown field is refused by name and nothing is written; every member may read them,
// only the owner may change them, and each change is in the audit log.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listAudit } from "../../src/accounts/audit.js";
import type { Role } from "../../src/accounts/roles.js";
import { createTestApp, memberHeaders, type TestApp } from "../support/app.js";

const DEFAULTS = {
  attribution: { clickDays: 7, openDays: 1 },
  sunset: { enabled: true, days: 180 },
  deliverability: { maxBounceRate: 0.05, maxComplaintRate: 0.003, maxUnsubscribeRate: 0.02, minSends: 200 },
  doubleOptIn: { email: false },
};

describe("the shop's delivery policies API", () => {
  let t: TestApp;
  const api = (
    method: "GET" | "PATCH" | "PUT",
    url: string,
    payload?: unknown,
    headers: Record<string, string> = t.secret,
  ) =>
    t.app.inject({ method, url, headers, ...(payload !== undefined ? { payload: payload as object } : {}) });
  const policies = async () => {
    const res = await api("GET", "/v1/shop/policies");
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  const member = (role: Role) => memberHeaders(t, role);

  beforeEach(async () => {
    t = await createTestApp("2026-06-01T01:00:00.000Z");
  });
  afterEach(async () => t.close());

  it("reads the defaults until the shop sets its own, and shows them beside", async () => {
    expect(await policies()).toEqual({ ...DEFAULTS, defaults: DEFAULTS });
  });

  it("changes only the fields given, and keeps the shop's other settings", async () => {
    const profile = {
      url: "https://shop.example.jp",
      address: "東京都渋谷区1-2-3",
      email: "info@shop.example.jp",
    };
    expect((await api("PUT", "/v1/shop/profile", profile)).statusCode).toBe(200);

    const first = await api("PATCH", "/v1/shop/policies", {
      attribution: { clickDays: 14 },
      sunset: { days: 365 },
    });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({
      attribution: { clickDays: 14, openDays: 1 },
      sunset: { enabled: true, days: 365 },
      deliverability: DEFAULTS.deliverability,
    });
    // A second change to other fields leaves the first one's in place.
    const second = await api("PATCH", "/v1/shop/policies", {
      sunset: { enabled: false },
      deliverability: { maxBounceRate: 0.03, minSends: 40 },
      doubleOptIn: { email: true },
    });
    expect(second.statusCode, second.body).toBe(200);
    expect(await policies()).toEqual({
      attribution: { clickDays: 14, openDays: 1 },
      sunset: { enabled: false, days: 365 },
      deliverability: { ...DEFAULTS.deliverability, maxBounceRate: 0.03, minSends: 40 },
      doubleOptIn: { email: true },
      defaults: DEFAULTS,
    });
    expect((await api("GET", "/v1/shop/profile")).json().profile).toMatchObject(profile);

    // null: the part goes back to the defaults; the others stay.
    const reset = await api("PATCH", "/v1/shop/policies", { sunset: null });
    expect(reset.statusCode, reset.body).toBe(200);
    expect(reset.json()).toMatchObject({
      sunset: DEFAULTS.sunset,
      attribution: { clickDays: 14 },
      doubleOptIn: { email: true },
    });
    const row = await t.ctx.db
      .selectFrom("shops")
      .select("settings")
      .where("id", "=", t.shop.shop.id)
      .executeTakeFirstOrThrow();
    expect(Object.keys(JSON.parse(row.settings)).sort()).toEqual([
      "attribution",
      "deliverability",
      "doubleOptIn",
      "profile",
    ]);
  });

  it("refuses a value out of bounds or an unknown field by name, and writes nothing", async () => {
    const before = await policies();
    const cases: Array<[unknown, string]> = [
      [{ attribution: { clickDays: 91 } }, "attribution.clickDays"],
      [{ attribution: { openDays: 1.5 } }, "attribution.openDays"],
      [{ sunset: { days: 7 } }, "sunset.days"],
      [{ sunset: { enabled: "yes" } }, "sunset.enabled"],
      [{ deliverability: { maxComplaintRate: 2 } }, "deliverability.maxComplaintRate"],
      [{ deliverability: { minSends: 0 } }, "deliverability.minSends"],
      [{ doubleOptIn: { sms: true } }, "doubleOptIn.sms"],
      [{ attribution: { clickDay: 3 } }, "attribution.clickDay"],
      [{ sunsets: { days: 90 } }, "sunsets"],
    ];
    for (const [payload, field] of cases) {
      const res = await api("PATCH", "/v1/shop/policies", payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      const issues = res.json().error.issues as Array<{ field: string; message: string }>;
      expect(
        issues.map((i) => i.field),
        JSON.stringify(payload),
      ).toContain(field);
    }
    // A good part beside a bad one: neither is written.
    const mixed = await api("PATCH", "/v1/shop/policies", {
      attribution: { clickDays: 3 },
      sunset: { days: 5000 },
    });
    expect(mixed.statusCode).toBe(400);
    expect(await policies()).toEqual(before);
  });

  it("lets every member read them and only the owner change them, with the change in the audit log", async () => {
    const analyst = await member("analyst");
    expect((await api("GET", "/v1/shop/policies", undefined, analyst)).statusCode).toBe(200);
    for (const headers of [analyst, await member("marketer")]) {
      const res = await api("PATCH", "/v1/shop/policies", { sunset: { enabled: false } }, headers);
      expect(res.statusCode, res.body).toBe(403);
    }
    expect((await policies()).sunset.enabled).toBe(true);

    const owner = await member("owner");
    const res = await api("PATCH", "/v1/shop/policies", { sunset: { enabled: false } }, owner);
    expect(res.statusCode, res.body).toBe(200);
    expect((await policies()).sunset.enabled).toBe(false);
    const audit = await listAudit(t.ctx.db, t.shop.shop.id, { action: "PATCH /v1/shop/policies" });
    expect(audit.map((a) => [a.actor, a.status])).toEqual([["owner@shop.example", 200]]);
  });
});
