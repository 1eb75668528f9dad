// One delivery worker process for the benchmark's PostgreSQL runs: several of these share the outbox
// through SKIP LOCKED, as `kizuna worker` processes do on separate machines. It waits for "go", sends
// until nothing is due, and reports how many it took and its peak memory.
import { systemClock } from "../src/core/clock.js";
import { openDb, parseDatabaseUrl } from "../src/db/index.js";
import { DeliveryWorker } from "../src/messaging/delivery/worker.js";

const [url, secret, batch] = process.argv.slice(2);
const db = openDb(parseDatabaseUrl(url));
const worker = new DeliveryWorker(
  { db, clock: systemClock, secret, publicUrl: "https://crm.kizuna-sabo.jp" },
  { batchSize: Number(batch) },
);
let peakRss = process.memoryUsage().rss;
setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50).unref();

process.send?.({ ready: true });
process.once("message", async () => {
  let taken = 0;
  for (;;) {
    const n = await worker.runBatch();
    if (n === 0) break;
    taken += n;
  }
  await worker.close();
  await db.destroy();
  const cpu = process.cpuUsage();
  process.send?.({ taken, peakRss, cpuSeconds: (cpu.user + cpu.system) / 1e6 }, () => process.exit(0));
});
