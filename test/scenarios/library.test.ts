// The one-click library: every ready-made scenario switches on (its definition is valid and its
// templates arrive with it), and switching on again changes nothing.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NotFoundError } from "../../src/core/errors.js";
import {
  enableLibraryScenario,
  enableWholeLibrary,
  LIBRARY,
  listScenarios,
} from "../../src/scenarios/index.js";
import { createTestApp, type TestApp } from "../support/app.js";
import { countRows } from "../support/db.js";

describe("scenario library", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => t.close());

  it("switches every library scenario on with its templates, once", async () => {
    const enabled = await enableWholeLibrary(t.ctx.db, t.clock, t.shop.shop.id);
    expect(enabled.map((s) => [s.key, s.status, s.version])).toEqual(
      LIBRARY.map((s) => [s.key, "active", 1]),
    );
    const templates = await countRows(t.ctx.db, "templates");
    // Every send step has email, LINE and SMS in Japanese and English.
    const sendSteps = new Set(
      LIBRARY.flatMap((s) =>
        s.definition.steps.flatMap((step) => (step.type === "send" ? [step.template] : [])),
      ),
    );
    expect(templates).toBe(sendSteps.size * 6);

    await enableWholeLibrary(t.ctx.db, t.clock, t.shop.shop.id);
    expect(await countRows(t.ctx.db, "templates")).toBe(templates);
    expect((await listScenarios(t.ctx.db, t.shop.shop.id)).length).toBe(LIBRARY.length);

    const warranty = enabled.find((s) => s.key === "warranty-expiry")!;
    const notice = warranty.definition.steps.find((s) => s.type === "send");
    expect(notice).toMatchObject({ messageClass: "transactional" });
  });

  it("refuses an unknown key", async () => {
    await expect(enableLibraryScenario(t.ctx.db, t.clock, t.shop.shop.id, "nope")).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});
