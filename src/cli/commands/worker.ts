import type { Command } from "commander";
import { systemClock } from "../../core/clock.js";
import { createLogger } from "../../core/logger.js";
import { startWorker } from "../../worker/index.js";
import { openInstance } from "../instance.js";

export function registerWorkerCommand(program: Command): void {
  program
    .command("worker")
    .description("run background jobs (point expiry; scenario steps and deliveries as they land)")
    .option("--interval <seconds>", "pause between rounds when idle", "15")
    .action(async (opts: { interval: string }) => {
      const seconds = Number(opts.interval);
      if (!Number.isFinite(seconds) || seconds <= 0) throw new Error("--interval: must be a positive number");
      const instance = await openInstance();
      const logger = createLogger(instance.config.logLevel);
      const worker = startWorker(instance.db, systemClock, logger, seconds * 1000);
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
