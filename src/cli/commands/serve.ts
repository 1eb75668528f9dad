import type { Command } from "commander";
import { addMember } from "../../accounts/users.js";
import { systemClock } from "../../core/clock.js";
import { createLogger } from "../../core/logger.js";
import { DeliveryWorker } from "../../messaging/delivery/worker.js";
import { ensureInstanceSecret } from "../../shops/instance.js";
import { startWorker } from "../../worker/index.js";
import { openInstance } from "../instance.js";
import { createProgress } from "../progress.js";
import { printDemoShop } from "./demo.js";

/** The demo shop's owner account, created with the demo (a reserved domain: no one's real address). */
export const DEMO_OWNER_EMAIL = "owner@demo.example";

/** Customers in the demo shop seeded on a first start: enough to look real, quick to generate. */
const FIRST_START_DEMO_CUSTOMERS = 2_000;

export function registerServeCommand(program: Command): void {
  program
    .command("serve")
    .description("run the HTTP API (and, on SQLite, the worker in-process)")
    .option("--no-demo", "do not seed a demo shop into an empty database")
    .action(async (opts: { demo: boolean }) => {
      // Loaded here, not at the top: other commands start faster without the HTTP stack.
      const { buildApp } = await import("../../http/app.js");
      const { generateDemoShop } = await import("../../demo/index.js");
      const instance = await openInstance();
      const logger = createLogger(instance.config.logLevel);
      const secret = await ensureInstanceSecret(instance.db, instance.config.secret);

      const anyShop = await instance.db.selectFrom("shops").select("id").limit(1).executeTakeFirst();
      if (!anyShop && opts.demo) {
        const progress = createProgress("seeding demo shop");
        const demo = await generateDemoShop(instance.db, systemClock, {
          customers: FIRST_START_DEMO_CUSTOMERS,
          seed: 1,
          onProgress: (done, total, phase) => progress.update(done, total, phase),
        });
        progress.stop();
        printDemoShop(demo);
        // The admin needs someone to sign in as: the demo shop's owner, password shown this once.
        const owner = await addMember(instance.db, systemClock, demo.shop.id, {
          email: DEMO_OWNER_EMAIL,
          name: "デモ オーナー",
          role: "owner",
        });
        console.log(`  admin sign-in: ${DEMO_OWNER_EMAIL} / ${owner.initialPassword ?? "(unchanged)"}`);
      }
      const anyUser = await instance.db.selectFrom("users").select("id").limit(1).executeTakeFirst();
      if (!anyUser) {
        console.log("no one can sign in to the admin yet: npx kizuna user add you@example.com --role owner");
      }

      const app = await buildApp(
        { db: instance.db, clock: systemClock, logger, secret, publicUrl: instance.config.publicUrl },
        {
          logRequests: true,
          rateLimits: instance.config.rateLimits,
          trustProxy: instance.config.trustProxy,
        },
      );
      // Embedded mode: one process does it all. On PostgreSQL, run `kizuna worker` processes instead.
      const publicUrl = instance.config.publicUrl ?? `http://localhost:${instance.config.port}`;
      const worker =
        instance.engine === "sqlite"
          ? startWorker(
              instance.db,
              systemClock,
              logger,
              undefined,
              new DeliveryWorker({ db: instance.db, clock: systemClock, secret, publicUrl }),
            )
          : undefined;
      const shutdown = async () => {
        await worker?.stop();
        await app.close();
        await instance.close();
        process.exit(0);
      };
      process.once("SIGINT", shutdown);
      process.once("SIGTERM", shutdown);

      await app.listen({ port: instance.config.port, host: instance.config.host });
      const shown = instance.config.publicUrl ?? `http://localhost:${instance.config.port}`;
      console.log(`Kizuna is running on ${instance.engine}`);
      console.log(`  admin and API: ${shown}/`);
      console.log(`  API docs:      ${shown}/docs`);
    });
}
