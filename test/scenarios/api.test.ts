// Scenario endpoints through HTTP: the library gallery, one-click enable, custom scenarios with
// step-named errors, versions, status, per-step counts, and another shop's scenarios out of sight.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createShop } from "../../src/shops/index.js";
import { bearer, createTestApp, type TestApp } from "../support/app.js";
import { countRows } from "../support/db.js";

describe("scenario API", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  it("lists the library and switches a scenario on with one call, idempotently", async () => {
    const gallery = await t.app.inject({ method: "GET", url: "/v1/scenario-library", headers: t.secret });
    expect(gallery.statusCode).toBe(200);
    const cart = gallery.json().scenarios.find((s: { key: string }) => s.key === "cart-abandonment");
    expect(cart).toMatchObject({ enabled: false, name: { ja: "カゴ落ちリマインド" } });

    const on = await t.app.inject({
      method: "POST",
      url: "/v1/scenarios/from-template/cart-abandonment",
      headers: t.secret,
    });
    expect(on.statusCode, on.body).toBe(200);
    expect(on.json()).toMatchObject({
      key: "cart-abandonment",
      status: "active",
      version: 1,
      libraryKey: "cart-abandonment",
    });
    const again = await t.app.inject({
      method: "POST",
      url: "/v1/scenarios/from-template/cart-abandonment",
      headers: t.secret,
    });
    expect(again.json().id).toBe(on.json().id);
    const after = await t.app.inject({ method: "GET", url: "/v1/scenario-library", headers: t.secret });
    expect(after.json().scenarios.find((s: { key: string }) => s.key === "cart-abandonment").enabled).toBe(
      true,
    );

    const unknown = await t.app.inject({
      method: "POST",
      url: "/v1/scenarios/from-template/nope",
      headers: t.secret,
    });
    expect(unknown.statusCode).toBe(404);
    const storefront = await t.app.inject({
      method: "POST",
      url: "/v1/scenarios/from-template/birthday",
      headers: t.public,
    });
    expect(storefront.statusCode).toBe(403);
  });

  it("refuses a bad custom scenario naming the step, and writes nothing", async () => {
    await t.app.inject({ method: "POST", url: "/v1/scenarios/from-template/birthday", headers: t.secret });
    const before = await countRows(t.ctx.db, "scenario_versions");
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/scenarios",
      headers: t.secret,
      payload: {
        key: "mine",
        definition: {
          name: "Mine",
          trigger: { type: "event", eventTypes: ["favourite"] },
          start: "pause",
          steps: [
            { id: "pause", type: "wait", duration: { days: -1 }, next: "hello" },
            { id: "hello", type: "send", template: "birthday.birthday", channels: ["email", "pigeon"] },
          ],
        },
      },
    });
    expect(res.statusCode).toBe(400);
    const fields = res.json().error.issues.map((i: { field: string }) => i.field);
    expect(fields).toEqual(["definition.steps.pause.duration.days", "definition.steps.hello.channels[1]"]);
    expect(await countRows(t.ctx.db, "scenario_versions")).toBe(before);
  });

  it("creates, versions, pauses and reports a custom scenario; another shop cannot see it", async () => {
    await t.app.inject({ method: "POST", url: "/v1/scenarios/from-template/birthday", headers: t.secret });
    const definition = {
      name: "Favourite follow-up",
      trigger: { type: "event", eventTypes: ["favourite"] },
      start: "hello",
      steps: [{ id: "hello", type: "send", template: "birthday.birthday", channels: ["email"] }],
    };
    const created = await t.app.inject({
      method: "POST",
      url: "/v1/scenarios",
      headers: t.secret,
      payload: { key: "favourite", definition, activate: true },
    });
    expect(created.statusCode, created.body).toBe(201);
    const updated = await t.app.inject({
      method: "PUT",
      url: "/v1/scenarios/favourite",
      headers: t.secret,
      payload: { definition: { ...definition, name: "Favourite follow-up v2" } },
    });
    expect(updated.json()).toMatchObject({ version: 2, name: "Favourite follow-up v2", status: "active" });
    const paused = await t.app.inject({
      method: "POST",
      url: "/v1/scenarios/favourite/status",
      headers: t.secret,
      payload: { status: "paused" },
    });
    expect(paused.json().status).toBe("paused");
    const read = await t.app.inject({ method: "GET", url: "/v1/scenarios/favourite", headers: t.secret });
    expect(read.json().steps).toEqual([
      expect.objectContaining({ stepId: "hello", type: "send", entered: 0, sent: 0, converted: 0 }),
    ]);

    const other = await createShop(t.ctx.db, t.clock, { name: "Other" });
    const foreign = await t.app.inject({
      method: "GET",
      url: "/v1/scenarios/favourite",
      headers: bearer(other.secretKey),
    });
    expect(foreign.statusCode).toBe(404);
    const list = await t.app.inject({
      method: "GET",
      url: "/v1/scenarios",
      headers: bearer(other.secretKey),
    });
    expect(list.json().scenarios).toEqual([]);
  });
});
