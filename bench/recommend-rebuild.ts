// One full recommendation rebuild in a process of its own, so the benchmark reads the kernel's peak
// resident memory for the rebuild alone (a timer cannot sample memory while training runs on the main
// thread). Shows the CLI's progress bar on stderr and reports to the parent over IPC, with the longest
// time the rebuild kept the event loop from anything else.
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createProgress } from "../src/cli/progress.js";
import { openDb, parseDatabaseUrl } from "../src/db/index.js";
import { rebuildRecommendations } from "../src/recommend/index.js";

const [url, shopId, asOf] = process.argv.slice(2);
// As `kizuna` opens it (src/cli/instance.ts).
const db = openDb(parseDatabaseUrl(url), { backgroundCheckpoints: true });
const progress = createProgress("rebuilding");
// How long the rebuild holds the event loop at a time: in embedded mode it runs inside the server.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
const phases: Record<string, number> = {};
let phase = "";
let phaseStarted = performance.now();
const report = await rebuildRecommendations(db, Number(shopId), {
  now: new Date(asOf),
  onProgress: (done, total, label) => {
    if (label !== phase) {
      if (phase) phases[phase] = (performance.now() - phaseStarted) / 1000;
      phase = label;
      phaseStarted = performance.now();
    }
    progress.update(done, total, label);
  },
});
phases[phase] = (performance.now() - phaseStarted) / 1000;
progress.stop();
await db.destroy();
const cpu = process.cpuUsage();
process.send?.(
  {
    report,
    phases,
    peakRssKb: process.resourceUsage().maxRSS,
    longestStallMs: loopDelay.max / 1e6,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  },
  () => process.exit(0),
);
