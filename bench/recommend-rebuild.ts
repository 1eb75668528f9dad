// One full recommendation rebuild in a process of its own, so the benchmark reads the kernel's peak
// resident memory for the rebuild alone (a timer cannot sample memory while training runs on the main
// thread). Shows the CLI's progress bar on stderr and reports to the parent over IPC, with the longest
// time the rebuild kept the event loop from anything else.
import { createProgress } from "../src/cli/progress.js";
import { openDb, parseDatabaseUrl } from "../src/db/index.js";
import { rebuildRecommendations } from "../src/recommend/index.js";

const [url, shopId, asOf] = process.argv.slice(2);
// As `kizuna` opens it (src/cli/instance.ts).
const db = openDb(parseDatabaseUrl(url), { backgroundCheckpoints: true });
const progress = createProgress("rebuilding");
const phases: Record<string, number> = {};
let phase = "starting";
let phaseStarted = performance.now();
// How long the rebuild holds the event loop at a time (in embedded mode it runs inside the server), and
// in which phase: a timer that should tick every 20 ms notes how late it is. (perf_hooks'
// monitorEventLoopDelay missed a 30-second stall of chained synchronous SQLite queries here.)
let lastTick = performance.now();
let worstStall = { ms: 0, phase: "" };
const ticker = setInterval(() => {
  const late = performance.now() - lastTick - 20;
  if (late > worstStall.ms) worstStall = { ms: late, phase };
  lastTick = performance.now();
}, 20);
const report = await rebuildRecommendations(db, Number(shopId), {
  now: new Date(asOf),
  onProgress: (done, total, label) => {
    if (label !== phase) {
      if (phase !== "starting") phases[phase] = (performance.now() - phaseStarted) / 1000;
      phase = label;
      phaseStarted = performance.now();
    }
    progress.update(done, total, label);
  },
});
phases[phase] = (performance.now() - phaseStarted) / 1000;
phase = "after";
clearInterval(ticker);
progress.stop();
await db.destroy();
const cpu = process.cpuUsage();
process.send?.(
  {
    report,
    phases,
    peakRssKb: process.resourceUsage().maxRSS,
    longestStallMs: worstStall.ms,
    longestStallPhase: worstStall.phase,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  },
  () => process.exit(0),
);
