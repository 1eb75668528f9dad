// Preloaded (`node --expose-gc --import soak-probe.js`) into the `kizuna serve` and `kizuna worker`
// processes the soak benchmark runs, so that they stay the shipped commands, unchanged: answers the
// parent's "sample" over IPC with the process's memory after a full collection (heap used then is what
// the process really keeps; without the collection it would also count garbage not yet collected), and
// shuts the command down as a signal would when the parent goes away. It also reports how long the event
// loop was held up since the last sample: on SQLite a long synchronous query holds every request up.
import { monitorEventLoopDelay } from "node:perf_hooks";

export interface ProbeSample {
  type: "sample";
  rssBytes: number;
  heapUsedBytes: number;
  /** User + system CPU time the process has used, ms. */
  cpuMs: number;
  /** The longest the event loop was blocked since the previous sample, ms. */
  loopDelayMaxMs: number;
}

const collect = (globalThis as { gc?: () => void }).gc;
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

process.on("message", (message: { type?: string }) => {
  if (message?.type !== "sample") return;
  // Read before the collection, whose own pause belongs to the next window.
  const loopDelayMaxMs = loopDelay.max / 1e6;
  loopDelay.reset();
  collect?.();
  const memory = process.memoryUsage();
  const cpu = process.cpuUsage();
  const sample: ProbeSample = {
    type: "sample",
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    cpuMs: (cpu.user + cpu.system) / 1000,
    loopDelayMaxMs,
  };
  process.send?.(sample);
});

// The benchmark was killed or crashed: stop as Ctrl-C would (the commands close the database and exit).
process.on("disconnect", () => process.kill(process.pid, "SIGTERM"));
