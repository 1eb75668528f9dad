// One failing job must not starve the others: the round runs every job, then reports the failure.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/core/clock.js";
import { drainJobs, type Job } from "../../src/worker/index.js";
import { createTestDb, type TestDb } from "../support/db.js";

describe("a worker round", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(() => t.cleanup());

  it("runs the jobs after a failing one, then throws naming the job that failed", async () => {
    const ran: string[] = [];
    let due = 3;
    const jobs: Job[] = [
      {
        name: "broken",
        runBatch: async () => {
          ran.push("broken");
          throw new Error("model file missing");
        },
      },
      {
        name: "steps",
        runBatch: async () => {
          ran.push("steps");
          return due > 0 ? due-- : 0;
        },
      },
    ];
    const round = drainJobs(t.db, new ManualClock("2026-06-01T00:00:00.000Z"), jobs);
    await expect(round).rejects.toThrow(/job broken failed: model file missing/);
    expect(ran).toEqual(["broken", "steps", "steps", "steps", "steps"]);
    expect(due).toBe(0);
  });

  it("returns what each job handled when none fails", async () => {
    let due = 2;
    const handled = await drainJobs(t.db, new ManualClock("2026-06-01T00:00:00.000Z"), [
      {
        name: "steps",
        runBatch: async () => {
          if (due === 0) return 0;
          due--;
          return 5;
        },
      },
    ]);
    expect(handled).toEqual({ steps: 10 });
  });
});
