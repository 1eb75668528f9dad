// Request logs never carry the tokens of message links: an unsubscribe or preference token is a
// credential for a customer's consent, and tracking tokens name a customer's message.
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/core/clock.js";
import { createLogger } from "../../src/core/logger.js";
import { buildApp } from "../../src/http/app.js";
import { createTestDb } from "../support/db.js";

describe("request logging", () => {
  it("keeps the path of message links and drops their tokens", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const testDb = await createTestDb();
    const app = await buildApp(
      {
        db: testDb.db,
        clock: new ManualClock("2026-06-01T00:00:00.000Z"),
        logger: createLogger("info", sink),
        secret: "log-test-secret-0123456789",
      },
      { logRequests: true },
    );
    try {
      for (const url of [
        "/u/SECRETTOKEN1.sig",
        "/p/SECRETTOKEN2.sig",
        "/t/c/SECRETTOKEN3.sig",
        "/s/SECRETCODE4",
      ]) {
        await app.inject({ method: "GET", url });
      }
      const log = lines.join("");
      expect(log).toContain('"url":"/u/[token]"');
      expect(log).toContain('"url":"/t/c/[token]"');
      expect(log).not.toMatch(/SECRETTOKEN|SECRETCODE/);
    } finally {
      await app.close();
      await testDb.cleanup();
    }
  });
});
