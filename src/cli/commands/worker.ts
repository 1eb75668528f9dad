import type { Command } from "commander";
import { systemClock } from "../../core/clock.js";
import { createLogger } from "../../core/logger.js";
import { assertWritable } from "../../db/writable.js";
import { DeliveryWorker } from "../../messaging/delivery/worker.js";
import { ensureInstanceSecret } from "../../shops/instance.js";
import { startWorker } from "../../worker/index.js";
import { openInstance } from "../instance.js";

export function registerWorkerCommand(program: Command): void {
  program
    .command("worker")
    .description("run background jobs: point expiry, scenario steps, campaigns and message delivery")
    .option("--interval <seconds>", "pause between rounds when idle", "15")
    .option("--no-delivery", "do not send messages (scenario jobs only)")
    .option(
      "--lease <seconds>",
      "how long a claimed message is held before another worker may take it over",
      "600",
    )
    .action(async (opts: { interval: string; delivery: boolean; lease: string }) => {
      const leaseSeconds = Number(opts.lease);
      if (!Number.isFinite(leaseSeconds) || leaseSeconds <= 0)
        throw new Error("--lease: must be a positive number");
      const seconds = Number(opts.interval);
      if (!Number.isFinite(seconds) || seconds <= 0) throw new Error("--interval: must be a positive number");
      const instance = await openInstance();
      const logger = createLogger(instance.config.logLevel);
      let secret: string;
      try {
        // A database the worker cannot write to is said now, not in every round's log.
        await assertWritable(instance.db);
        secret = await ensureInstanceSecret(instance.db, instance.config.secret);
      } catch (err) {
        await instance.close();
        throw err;
      }
      const publicUrl = instance.config.publicUrl ?? `http://localhost:${instance.config.port}`;
      const delivery = opts.delivery
        ? new DeliveryWorker(
            { db: instance.db, clock: systemClock, secret, publicUrl },
            { leaseMs: leaseSeconds * 1000 },
          )
        : undefined;
      const worker = startWorker(instance.db, systemClock, logger, seconds * 1000, delivery);
      logger.info({ engine: instance.engine }, "worker started");
      const stop = async () => {
        await worker.stop();
        await instance.close();
        process.exit(0);
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
}
