// A scenario's versions through HTTP: each save is a version; the list says how many customers entered
// on each; an earlier version can be read and brought back (saved again as the newest, so the history
// keeps what ran when); a restore of a version that does not exist changes nothing.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app.js";
import { advance, MINUTE, sendEvents, templatesFor, upsertCustomer } from "./support.js";

const v1 = {
  name: "Favourite follow-up",
  trigger: { type: "event", eventTypes: ["favourite"] },
  start: "pause",
  steps: [
    { id: "pause", type: "wait", duration: { days: 1 }, next: "hello" },
    { id: "hello", type: "send", template: "follow.up", channels: ["email"] },
  ],
};
const v2 = {
  ...v1,
  name: "Favourite follow-up, sooner",
  steps: [{ id: "hello", type: "send", template: "follow.up", channels: ["email"] }],
  start: "hello",
};

describe("scenario versions", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
    await templatesFor(t, ["follow.up"], ["email"]);
  });
  afterEach(async () => t.close());

  const call = (method: "GET" | "POST" | "PUT", url: string, payload?: Record<string, unknown>) =>
    payload === undefined
      ? t.app.inject({ method, url, headers: t.secret })
      : t.app.inject({ method, url, headers: t.secret, payload });
  const favourite = async (customer: string) => {
    await sendEvents(t, [
      { type: "favourite", customerId: customer, sku: "TEA", occurredAt: t.clock.now().toISOString() },
    ]);
    await advance(t, MINUTE);
  };

  it("lists versions with their entrants, reads one, and restores it as the newest", async () => {
    for (const id of ["a", "b", "c"]) await upsertCustomer(t, { externalId: id, email: `${id}@example.jp` });
    const created = await call("POST", "/v1/scenarios", { key: "fav", definition: v1, activate: true });
    expect(created.statusCode, created.body).toBe(201);
    await favourite("a");
    await favourite("b");
    expect((await call("PUT", "/v1/scenarios/fav", { definition: v2 })).statusCode).toBe(200);
    await favourite("c");

    const list = await call("GET", "/v1/scenarios/fav/versions");
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().versions).toEqual([
      expect.objectContaining({ version: 2, name: v2.name, steps: 1, entered: 1, current: true }),
      expect.objectContaining({ version: 1, name: v1.name, steps: 2, entered: 2, current: false }),
    ]);

    const one = await call("GET", "/v1/scenarios/fav/versions/1");
    expect(one.json()).toMatchObject({ version: 1, definition: { name: v1.name, start: "pause" } });

    const restored = await call("POST", "/v1/scenarios/fav/versions/1/restore");
    expect(restored.statusCode, restored.body).toBe(200);
    expect(restored.json()).toMatchObject({ version: 3, name: v1.name, status: "active" });
    const after = await call("GET", "/v1/scenarios/fav/versions");
    expect(
      after.json().versions.map((v: { version: number; current: boolean }) => [v.version, v.current]),
    ).toEqual([
      [3, true],
      [2, false],
      [1, false],
    ]);
    const current = await call("GET", "/v1/scenarios/fav");
    expect(current.json().definition).toMatchObject({
      start: "pause",
      steps: [{ id: "pause" }, { id: "hello" }],
    });
  });

  it("refuses a version that does not exist, and changes nothing", async () => {
    await call("POST", "/v1/scenarios", { key: "fav", definition: v1 });
    expect((await call("GET", "/v1/scenarios/fav/versions/9")).statusCode).toBe(404);
    expect((await call("POST", "/v1/scenarios/fav/versions/9/restore")).statusCode).toBe(404);
    expect((await call("GET", "/v1/scenarios/fav/versions/zero")).statusCode).toBe(400);
    expect((await call("GET", "/v1/scenarios/nope/versions")).statusCode).toBe(404);
    expect((await call("GET", "/v1/scenarios/fav")).json().version).toBe(1);
  });
});
