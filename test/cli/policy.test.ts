// `kizuna policy`: a shop's delivery policies from the command line. Shows each beside its default;
// `set` changes only the options given (rates as "0.03" or "3%"), keeps the rest, and what it stores is
// what the API then reads; a bad value exits non-zero naming the option and writes nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/core/clock.js";
import { shopPolicies } from "../../src/messaging/policies.js";
import { createShop } from "../../src/shops/index.js";
import { runCli } from "../support/cli.js";
import { createTestDb, type TestDb } from "../support/db.js";

describe("kizuna policy", () => {
  let t: TestDb;
  let shopId: number;
  beforeAll(async () => {
    t = await createTestDb();
    shopId = (await createShop(t.db, new ManualClock("2026-06-01T00:00:00.000Z"), { name: "絆コスメ" })).shop
      .id;
  });
  afterAll(async () => t.cleanup());

  it("shows each policy beside its default, changes the options given and keeps the others", async () => {
    const shown = await runCli(["policy", "show"], t.env);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/click-days\s+7 days\s+7 days/);
    expect(shown.stdout).toMatch(/max-complaint-rate\s+0\.3%\s+0\.3%/);
    expect(shown.stdout).toMatch(/double-opt-in\s+off\s+off/);

    const set = await runCli(
      [
        "policy",
        "set",
        "--click-days",
        "14",
        "--sunset-days",
        "365",
        "--max-bounce-rate",
        "3%",
        "--double-opt-in",
        "on",
      ],
      t.env,
    );
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toMatch(/click-days\s+14 days\s+7 days/);
    expect(set.stdout).toMatch(/max-bounce-rate\s+3%\s+5%/);
    const second = await runCli(["policy", "set", "--min-sends", "40", "--json"], t.env);
    expect(second.code, second.stderr).toBe(0);
    const expected = {
      attribution: { clickDays: 14, openDays: 1 },
      sunset: { enabled: true, days: 365 },
      deliverability: {
        maxBounceRate: 0.03,
        maxComplaintRate: 0.003,
        maxUnsubscribeRate: 0.02,
        minSends: 40,
      },
      doubleOptIn: { email: true },
    };
    expect(JSON.parse(second.stdout)).toEqual(expected);
    expect(await shopPolicies(t.db, shopId)).toEqual(expected);

    const reset = await runCli(
      ["policy", "set", "--reset", "attribution", "--reset", "sunset", "--json"],
      t.env,
    );
    expect(reset.code, reset.stderr).toBe(0);
    expect(JSON.parse(reset.stdout)).toMatchObject({
      attribution: { clickDays: 7, openDays: 1 },
      sunset: { enabled: true, days: 180 },
      doubleOptIn: { email: true },
    });
  });

  it("refuses a bad value naming the option, exits non-zero and writes nothing", async () => {
    const before = await shopPolicies(t.db, shopId);
    const cases: Array<[string[], string]> = [
      [["--sunset-days", "10"], "--sunset-days"],
      [["--click-days", "a week"], "--click-days"],
      [["--max-bounce-rate", "150%"], "--max-bounce-rate"],
      [["--double-opt-in", "maybe"], "--double-opt-in"],
      [["--reset", "everything"], "--reset"],
      [[], "options"],
      [["--open-days", "3", "--sunset-days", "5000"], "--sunset-days"],
    ];
    for (const [args, named] of cases) {
      const out = await runCli(["policy", "set", ...args], t.env);
      expect(out.code, args.join(" ")).toBe(2);
      expect(out.stderr, args.join(" ")).toContain(named);
    }
    expect(await shopPolicies(t.db, shopId)).toEqual(before);
  });
});
