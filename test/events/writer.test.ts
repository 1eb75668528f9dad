import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { draftEvents, EventWriter } from "../../src/events/index.js";
import type { TestApp } from "../support/app.js";
import { countRows } from "../support/db.js";
import { createEventsTestApp } from "./support.js";

describe("the event writer (group commit)", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createEventsTestApp();
  });
  afterAll(async () => t?.close());

  const drafts = (events: object[]) =>
    draftEvents(events as Parameters<typeof draftEvents>[0], t.clock.now(), { fieldPrefix: () => "" });

  it("stores writes made together in one transaction, each answered on its own", async () => {
    const writer = new EventWriter(t.ctx.db, t.clock);
    const writes = Array.from({ length: 50 }, (_, i) =>
      writer.write(
        t.shop.shop.id,
        drafts([{ type: "page_view", visitorId: `w${i}`, eventId: `w-${i % 40}` }]),
      ),
    );
    const results = await Promise.all(writes);
    expect(results.filter((r) => r.accepted === 1)).toHaveLength(40);
    expect(results.filter((r) => r.duplicates === 1)).toHaveLength(10);
    expect(writer.stats).toEqual({ flushes: 1, writes: 50, events: 50 });
  });

  it("does not let one failing write fail the others stored with it", async () => {
    const writer = new EventWriter(t.ctx.db, t.clock);
    const before = await countRows(t.ctx.db, "events");
    // A shop that does not exist: creating its member's profile breaks the customers' foreign key.
    const broken = writer.write(999_999, drafts([{ type: "login", customerId: "GHOST" }]));
    const fine = writer.write(t.shop.shop.id, drafts([{ type: "login", customerId: "REAL" }]));
    await expect(broken).rejects.toThrow();
    await expect(fine).resolves.toEqual({ accepted: 1, duplicates: 0 });
    expect(await countRows(t.ctx.db, "events")).toBe(before + 1);
  });

  it("waits for what is in flight when drained", async () => {
    const writer = new EventWriter(t.ctx.db, t.clock);
    let stored = false;
    void writer.write(t.shop.shop.id, drafts([{ type: "page_view", visitorId: "drain" }])).then(() => {
      stored = true;
    });
    await writer.drain();
    expect(stored).toBe(true);
  });
});
