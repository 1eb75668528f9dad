// Given the demo shop, when it is generated, the starter segments are installed over fresh customer
// metrics: each segment's stored membership equals what its rule matches now, and the lists a planner
// opens first (VIP, F2 candidates, dormant) are not empty.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/core/clock.js";
import { generateDemoShop } from "../../src/demo/index.js";
import { listSegments, previewRule, STARTER_SEGMENTS } from "../../src/segments/index.js";
import { createTestDb, type TestDb } from "../support/db.js";

let t: TestDb;
let shopId: number;
const clock = new ManualClock("2026-10-31T15:00:00.000Z");

beforeAll(async () => {
  t = await createTestDb();
  const demo = await generateDemoShop(t.db, clock, { customers: 600, seed: 7 });
  shopId = demo.shop.id;
  expect(demo.counts.segments).toBe(STARTER_SEGMENTS.length);
});
afterAll(() => t.cleanup());

describe("starter segments on the demo shop", () => {
  it("stores the members each rule matches", async () => {
    const segments = await listSegments(t.db, shopId);
    expect(segments.map((s) => s.key).sort()).toEqual(STARTER_SEGMENTS.map((s) => s.key).sort());
    for (const segment of segments) {
      const preview = await previewRule(t.db, clock, shopId, segment.rule, 0);
      expect(segment.members, segment.key).toBe(preview.count);
    }
    const members = Object.fromEntries(segments.map((s) => [s.key, s.members]));
    expect(members.vip).toBeGreaterThan(0);
    expect(members["f2-candidates"]).toBeGreaterThan(0);
    expect(members.dormant).toBeGreaterThan(0);
    console.log(`starter segments of a 600-customer demo shop: ${JSON.stringify(members)}`);
    // A VIP bought recently (the top two recency quintiles): nobody is both a VIP and dormant for 180 days.
    const both = await previewRule(t.db, clock, shopId, {
      type: "all",
      conditions: [
        { type: "segment", key: "vip" },
        { type: "segment", key: "dormant" },
      ],
    });
    expect(both.count).toBe(0);
  });

  it("installs only the starter segments a shop does not have", async () => {
    const { installStarterSegments } = await import("../../src/segments/index.js");
    expect(await installStarterSegments(t.db, clock, shopId)).toEqual([]);
  });
});
