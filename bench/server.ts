// The server under benchmark, run as a child process of the benchmark so that the load generator
// (autocannon, itself CPU-hungry) and the server each get a core of their own instead of sharing one
// event loop. Speaks to its parent over the IPC channel: "ready" once listening on 127.0.0.1, then
// answers "usage" (events stored, CPU time used) and "stop" (close, drop the database, exit).

import { ensureProducts } from "../src/catalog/index.js";
import { systemClock } from "../src/core/clock.js";
import { silentLogger } from "../src/core/logger.js";
import type { Engine } from "../src/db/index.js";
import { inTransaction } from "../src/db/index.js";
import { buildApp } from "../src/http/app.js";
import { createShop } from "../src/shops/index.js";
import { createBenchDb } from "./db.js";

export interface ServerReady {
  type: "ready";
  url: string;
  publicKey: string;
  secretKey: string;
  skus: string[];
}

export type ServerRequest = { type: "usage" } | { type: "stop" };
/** Events stored so far, and the CPU time (user + system, ms) the server process has used. */
export interface ServerUsage {
  type: "usage";
  events: number;
  cpuMs: number;
}
export type ServerReply = ServerReady | ServerUsage | { type: "stopped" };

/** Catalogue size: events name these SKUs (and some unknown ones). */
const PRODUCTS = 500;

async function main(): Promise<void> {
  const engine = process.env.BENCH_ENGINE as Engine;
  const postgresUrl = process.env.BENCH_POSTGRES_URL ?? "";
  const bench = await createBenchDb(engine, postgresUrl);
  const { db } = bench;
  const clock = systemClock;
  const shop = await createShop(db, clock, { name: "Bench Shop" });
  const skus = Array.from({ length: PRODUCTS }, (_, i) => `SKU-${String(i).padStart(5, "0")}`);
  await inTransaction(db, (trx) =>
    ensureProducts(
      trx,
      clock,
      shop.shop.id,
      skus.map((sku, i) => ({ sku, name: `Product ${i}`, unitPrice: 1000 + i })),
      "JPY",
    ),
  );

  // No rate limits: the load comes from one address at thousands of requests a second, and the benchmark
  // measures the ingestion pipeline, not how fast 429s are answered.
  const app = await buildApp(
    { db, clock, logger: silentLogger, secret: "bench-secret-0123456789" },
    { rateLimits: false },
  );
  const address = await app.listen({ host: "127.0.0.1", port: 0 });
  const send = (reply: ServerReply) => process.send?.(reply);

  let stopping = false;
  const stop = async () => {
    stopping = true;
    await app.close();
    await bench.cleanup();
  };
  // The parent went away without saying stop (killed, crashed): do not leave a schema behind.
  process.on("disconnect", () => {
    if (!stopping) void stop().finally(() => process.exit(1));
  });

  process.on("message", async (message: ServerRequest) => {
    if (message.type === "usage") {
      const row = await db
        .selectFrom("events")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow();
      const cpu = process.cpuUsage();
      send({ type: "usage", events: Number(row.n), cpuMs: (cpu.user + cpu.system) / 1000 });
    } else if (message.type === "stop") {
      await stop();
      send({ type: "stopped" });
      process.disconnect();
    }
  });
  send({ type: "ready", url: address, publicKey: shop.publicKey, secretKey: shop.secretKey, skus });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
