// The shop's guardrails through the API: given a new shop, it reads the defaults (one promotional message
// a day, three a week, no SMS, LINE or push at night); when the owner replaces them, they are kept beside
// the shop's other settings, written to the audit log, and the campaign preview counts with the new cap;
// a bad value is refused naming its field; owners and marketers change them, analysts may not.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listAudit } from "../../src/accounts/audit.js";
import type { Role } from "../../src/accounts/roles.js";
import { templatesFor, upsertCustomer } from "../scenarios/support.js";
import { createTestApp, memberHeaders, type TestApp } from "../support/app.js";

const START = "2026-06-01T01:00:00.000Z"; // 10:00 JST

describe("the shop's guardrails API", () => {
  let t: TestApp;
  const api = (method: "GET" | "PUT" | "POST", url: string, payload?: Record<string, unknown>) =>
    t.app.inject({ method, url, headers: t.secret, ...(payload !== undefined ? { payload } : {}) });

  const member = (role: Role) => memberHeaders(t, role);

  beforeEach(async () => {
    t = await createTestApp(START);
  });
  afterEach(async () => t.close());

  it("reads the defaults until the shop sets its own", async () => {
    const res = await api("GET", "/v1/shop/guardrails");
    expect(res.statusCode, res.body).toBe(200);
    const night = { from: "21:00", to: "08:00" };
    expect(res.json()).toMatchObject({
      frequencyCaps: [
        { max: 1, perDays: 1 },
        { max: 3, perDays: 7 },
      ],
      quietHours: { email: null, line: night, sms: night, push: night, postal: null },
    });
  });

  it("keeps the owner's rules beside the shop's other settings, and logs who changed them", async () => {
    const profile = {
      url: "https://shop.example.jp",
      address: "東京都渋谷区1-2-3",
      email: "info@shop.example.jp",
    };
    expect((await api("PUT", "/v1/shop/profile", profile)).statusCode).toBe(200);
    const owner = await member("owner");
    const rules = {
      frequencyCaps: [
        { max: 2, perDays: 1 },
        { max: 1, perDays: 7, channel: "sms" },
      ],
      quietHours: { email: { from: "22:00", to: "07:00" }, sms: null, line: { from: "20:30", to: "09:00" } },
    };
    const put = await t.app.inject({
      method: "PUT",
      url: "/v1/shop/guardrails",
      headers: owner,
      payload: rules,
    });
    expect(put.statusCode, put.body).toBe(200);

    const read = (await api("GET", "/v1/shop/guardrails")).json();
    expect(read.frequencyCaps).toEqual(rules.frequencyCaps);
    expect(read.quietHours).toEqual({
      email: { from: "22:00", to: "07:00" },
      line: { from: "20:30", to: "09:00" },
      sms: null,
      // Not named: the default stays.
      push: { from: "21:00", to: "08:00" },
      postal: null,
    });
    expect((await api("GET", "/v1/shop/profile")).json().profile).toMatchObject(profile);

    const audit = await listAudit(t.ctx.db, t.shop.shop.id, { action: "PUT /v1/shop/guardrails" });
    expect(audit.map((a) => [a.actor, a.status])).toEqual([["owner@shop.example", 200]]);
  });

  it("refuses a bad value naming its field, and changes nothing", async () => {
    const res = await api("PUT", "/v1/shop/guardrails", {
      frequencyCaps: [{ max: 0, perDays: 1 }],
      quietHours: { sms: { from: "25:00", to: "08:00" } },
    });
    expect(res.statusCode, res.body).toBe(400);
    const fields = res.json().error.issues.map((i: { field: string }) => i.field);
    expect(fields).toEqual(expect.arrayContaining(["frequencyCaps[0].max", "quietHours.sms.from"]));
    const unknownChannel = await api("PUT", "/v1/shop/guardrails", {
      frequencyCaps: [{ max: 1, perDays: 1, channel: "fax" }],
    });
    expect(unknownChannel.statusCode).toBe(400);
    expect(unknownChannel.json().error.issues[0].field).toBe("frequencyCaps[0].channel");
    expect((await api("GET", "/v1/shop/guardrails")).json().frequencyCaps).toEqual([
      { max: 1, perDays: 1 },
      { max: 3, perDays: 7 },
    ]);
  });

  it("lets owners and marketers change them (marketing policy), not analysts", async () => {
    const analyst = await t.app.inject({
      method: "PUT",
      url: "/v1/shop/guardrails",
      headers: await member("analyst"),
      payload: { frequencyCaps: [] },
    });
    expect(analyst.statusCode, analyst.body).toBe(403);
    expect((await api("GET", "/v1/shop/guardrails")).json().frequencyCaps).toHaveLength(2);
    const marketer = await t.app.inject({
      method: "PUT",
      url: "/v1/shop/guardrails",
      headers: await member("marketer"),
      payload: { frequencyCaps: [{ max: 2, perDays: 1 }] },
    });
    expect(marketer.statusCode, marketer.body).toBe(200);
    expect((await api("GET", "/v1/shop/guardrails")).json().frequencyCaps).toEqual([{ max: 2, perDays: 1 }]);
  });

  it("is what the campaign preview counts with: a raised daily cap lets today's recipient in", async () => {
    await templatesFor(t, ["sale"], ["email"]);
    const customerId = await upsertCustomer(t, { externalId: "M1", email: "m1@example.jp" }, { email: true });
    await t.ctx.db
      .insertInto("messages")
      .values({
        shop_id: t.shop.shop.id,
        customer_id: customerId,
        channel: "email",
        template_key: "sale",
        message_class: "promotional",
        status: "sent",
        status_reason: null,
        idempotency_key: "earlier:M1",
        payload: "{}",
        queued_at: START,
        updated_at: START,
      })
      .execute();
    const campaign = { name: "Sale", channels: ["email"], variants: [{ name: "A", template: "sale" }] };
    const before = await api("POST", "/v1/campaigns/preview", campaign);
    expect(before.json()).toMatchObject({ reachable: 1, sendable: 0 });

    const put = await api("PUT", "/v1/shop/guardrails", { frequencyCaps: [{ max: 2, perDays: 1 }] });
    expect(put.statusCode, put.body).toBe(200);
    const after = await api("POST", "/v1/campaigns/preview", campaign);
    expect(after.json()).toMatchObject({ reachable: 1, sendable: 1 });
  });
});
