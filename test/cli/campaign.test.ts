// `kizuna campaign` from a JSON file: preview, create, schedule, list, show, cancel; bad input exits
// non-zero naming the field.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { systemClock } from "../../src/core/clock.js";
import { ensureTemplates } from "../../src/scenarios/index.js";
import { runCli } from "../support/cli.js";
import { createTestDb, type TestDb } from "../support/db.js";

describe("kizuna campaign", () => {
  let t: TestDb;
  let dir: string;
  beforeEach(async () => {
    t = await createTestDb();
    dir = mkdtempSync(join(tmpdir(), "kizuna-campaign-"));
  });
  afterEach(async () => t.cleanup());

  it("creates a campaign from a file, schedules, shows and cancels it", async () => {
    const shop = JSON.parse((await runCli(["shop", "create", "絆コスメ", "--json"], t.env)).stdout);
    await ensureTemplates(t.db, systemClock, shop.id, [
      { key: "news", channel: "email", locale: "ja", messageClass: "promotional", body: "hello" },
    ]);
    const file = join(dir, "campaign.json");
    writeFileSync(
      file,
      JSON.stringify({ name: "News", channels: ["email"], variants: [{ name: "A", template: "news" }] }),
    );

    const preview = await runCli(["campaign", "preview", file, "--json"], t.env);
    expect(preview.code, preview.stderr).toBe(0);
    expect(JSON.parse(preview.stdout)).toEqual({ matching: 0, reachable: 0, sendable: 0, holdout: 0 });

    const created = await runCli(["campaign", "create", file, "--json"], t.env);
    expect(created.code, created.stderr).toBe(0);
    const id = JSON.parse(created.stdout).id;
    const scheduled = await runCli(
      ["campaign", "schedule", String(id), "--at", "2099-01-01T09:00:00+09:00"],
      t.env,
    );
    expect(scheduled.stdout).toContain("2099-01-01T00:00:00.000Z");
    const list = JSON.parse((await runCli(["campaign", "list", "--json"], t.env)).stdout);
    expect(list.campaigns.map((c: { status: string }) => c.status)).toEqual(["scheduled"]);
    const cancelled = await runCli(["campaign", "cancel", String(id)], t.env);
    expect(cancelled.stdout).toContain("cancelled");
    const show = JSON.parse((await runCli(["campaign", "show", String(id), "--json"], t.env)).stdout);
    expect(show).toMatchObject({ id, status: "cancelled", entered: 0 });

    writeFileSync(
      file,
      JSON.stringify({ name: "Bad", channels: ["email"], variants: [{ name: "A", template: "nope" }] }),
    );
    const bad = await runCli(["campaign", "create", file], t.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("variants.A.template");
  });
});
