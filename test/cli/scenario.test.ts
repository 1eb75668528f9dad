// `kizuna scenario` and `kizuna simulate` as a shop's operator runs them.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { countRows, createTestDb, type TestDb } from "../support/db.js";

describe("kizuna scenario and simulate", () => {
  let t: TestDb;
  beforeEach(async () => {
    t = await createTestDb();
  });
  afterEach(async () => t.cleanup());

  it("switches a library scenario on, lists it, and refuses an unknown key with a non-zero exit", async () => {
    expect((await runCli(["shop", "create", "絆コスメ"], t.env)).code).toBe(0);
    const on = await runCli(["scenario", "enable", "cart-abandonment", "--json"], t.env);
    expect(on.code, on.stderr).toBe(0);
    expect(JSON.parse(on.stdout)).toMatchObject({ key: "cart-abandonment", status: "active" });
    const list = await runCli(["scenario", "list", "--json"], t.env);
    expect(JSON.parse(list.stdout).scenarios.map((s: { key: string }) => s.key)).toEqual([
      "cart-abandonment",
    ]);
    const bad = await runCli(["scenario", "enable", "nope"], t.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('library scenario "nope"');
  });

  it("replays the last days of a demo shop with the whole library and leaves the real data untouched", async () => {
    const demo = await runCli(["demo", "--customers", "300", "--seed", "3", "--json"], t.env);
    expect(demo.code, demo.stderr).toBe(0);
    const sim = await runCli(
      ["simulate", "--days", "7", "--enable-all", "--tick-minutes", "60", "--json"],
      t.env,
    );
    expect(sim.code, sim.stderr).toBe(0);
    const last = sim.stdout.trim().split("\n").pop()!;
    const { scenarios } = JSON.parse(last);
    expect(scenarios.length).toBe(16);
    for (const s of scenarios) {
      expect(s).toEqual(
        expect.objectContaining({
          key: expect.any(String),
          entered: expect.any(Number),
          messages: {
            email: expect.any(Number),
            line: expect.any(Number),
            sms: expect.any(Number),
            push: 0,
            postal: 0,
          },
          converted: expect.any(Number),
          suppressed: expect.any(Number),
        }),
      );
    }
    const total = scenarios.reduce((n: number, s: { entered: number }) => n + s.entered, 0);
    expect(total).toBeGreaterThan(0);
    // A scratch copy: nothing was switched on or queued for real.
    expect(await countRows(t.db, "scenarios")).toBe(0);
    expect(await countRows(t.db, "messages")).toBe(0);
    expect(await countRows(t.db, "scenario_runs")).toBe(0);
  });
});
