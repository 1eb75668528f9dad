// The soak benchmark's report: a table with a row per minute (per 5 minutes beyond an hour) of what the
// load generator saw, what the database holds and what each process weighs, then the verdict: memory
// growth per process from a least-squares line over the second half of the run (the first half has the
// warm-up: code compiled, caches and pools filled, the runs' first steps), errors of every kind, and
// whether delivery kept up.
import type { Engine } from "../src/db/index.js";
import type { LoadWindow } from "./soak-load.js";

export interface ProcessMemory {
  rssMb: number;
  heapMb: number;
  cpuMs: number;
  /** The longest the process's event loop was blocked in the 10 s before the sample. */
  loopDelayMaxMs: number;
}

/** One sample, every 10 s. Load figures cover the 10 s before it, the others are the state at `t`. */
export interface SoakSample {
  /** Seconds since the load started. */
  t: number;
  load: LoadWindow;
  events: number;
  orders: number;
  runsEntered: number;
  runsEnded: number;
  messages: number;
  sent: number;
  failed: number;
  deferred: number;
  suppressed: number;
  /** Messages waiting or on their way: queued, rendering, sending, deferred. */
  backlog: number;
  /** Mails the SMTP sink has taken (null: it did not answer). */
  sink: number | null;
  /** Per process; null when it did not answer. */
  memory: Record<string, ProcessMemory | null>;
  databaseMb: number;
}

export interface SoakResult {
  name: "soak";
  engine: Engine;
  minutes: number;
  rate: number;
  customers: number;
  requests: number;
  errors: number;
  messages_sent: number;
  rss_growth_mb_per_hour: Record<string, number>;
  heap_growth_mb_per_hour: Record<string, number>;
  backlog_end: number;
  passed: boolean;
  note?: string;
}

/** Heap growth a process may show, as a share of its median heap, per hour. */
export const HEAP_GROWTH_LIMIT_PERCENT_PER_HOUR = 10;

export interface VerdictInput {
  engine: Engine;
  samples: SoakSample[];
  processes: string[];
  /** Crashes: "worker-1 exited with code 1". */
  crashes: string[];
  loggedErrors: number;
  /** The first failures of each kind, to print. */
  failures: string[];
  interrupted: boolean;
  rate: number;
  customers: number;
}

const mb = (n: number) => Math.round(n * 10) / 10;
const thousands = (n: number) => n.toLocaleString("en-US");

/** Slope of y over x by least squares (0 with fewer than two distinct x). */
export function leastSquaresSlope(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function mergeWindows(windows: LoadWindow[]): LoadWindow {
  return windows.reduce(
    (all, w) => ({
      sent: all.sent + w.sent,
      ok: all.ok + w.ok,
      clientErrors: all.clientErrors + w.clientErrors,
      serverErrors: all.serverErrors + w.serverErrors,
      network: all.network + w.network,
      shed: all.shed + w.shed,
      latenciesMs: all.latenciesMs.concat(w.latenciesMs),
    }),
    { sent: 0, ok: 0, clientErrors: 0, serverErrors: 0, network: 0, shed: 0, latenciesMs: [] } as LoadWindow,
  );
}

function printRows(rows: string[][], log: (line: string) => void): void {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  for (const [i, row] of rows.entries()) {
    log(
      row
        .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
        .join("  ")
        .trimEnd(),
    );
    if (i === 0) log(widths.map((w) => "-".repeat(w)).join("  "));
  }
}

/** The table: requests per row, the rest as at the row's end; memory as RSS/heap MB. */
export function printSoakTable(input: VerdictInput, log: (line: string) => void): void {
  const { samples, processes } = input;
  if (samples.length === 0) return;
  const last = samples.at(-1)!.t;
  const rowSeconds = last > 3600 ? 300 : 60;
  const header = [
    "min",
    "req",
    "ok",
    "4xx",
    "5xx",
    "net",
    "shed",
    "p50 ms",
    "p99 ms",
    "events",
    "orders",
    "runs",
    "ended",
    "msgs",
    "sent",
    "failed",
    "defer",
    "supp",
    "backlog",
    "sink",
    ...processes.map((p) => `${p} MB`),
  ];
  const rows: string[][] = [header];
  // By the time a sample was due (every 10 s), not the few milliseconds later it was taken.
  const rowOf = (s: SoakSample) => Math.ceil(Math.round(s.t) / rowSeconds);
  for (let row = 1; row <= rowOf(samples.at(-1)!); row++) {
    const inRow = samples.filter((s) => rowOf(s) === row);
    const at = inRow.at(-1);
    if (!at) continue;
    const w = mergeWindows(inRow.map((s) => s.load));
    const ms = (v: number | null) => (v === null ? "" : v.toFixed(v < 10 ? 1 : 0));
    rows.push([
      // A row cut short (Ctrl-C, a crash) says where it ended.
      Math.round(at.t) >= row * rowSeconds ? String((row * rowSeconds) / 60) : (at.t / 60).toFixed(1),
      String(w.sent),
      String(w.ok),
      String(w.clientErrors),
      String(w.serverErrors),
      String(w.network),
      String(w.shed),
      ms(percentile(w.latenciesMs, 50)),
      ms(percentile(w.latenciesMs, 99)),
      String(at.events),
      String(at.orders),
      String(at.runsEntered),
      String(at.runsEnded),
      String(at.messages),
      String(at.sent),
      String(at.failed),
      String(at.deferred),
      String(at.suppressed),
      String(at.backlog),
      at.sink === null ? "?" : String(at.sink),
      ...processes.map((p) => {
        const m = at.memory[p];
        return m ? `${Math.round(m.rssMb)}/${Math.round(m.heapMb)}` : "?";
      }),
    ]);
  }
  printRows(rows, log);
}

interface Growth {
  medianMb: number;
  mbPerHour: number;
  percentPerHour: number;
}

function growth(points: Array<[number, number]>): Growth {
  const medianMb = median(points.map(([, y]) => y));
  const mbPerHour = leastSquaresSlope(points.map(([t, y]) => [t / 3600, y]));
  return { medianMb, mbPerHour, percentPerHour: medianMb > 0 ? (100 * mbPerHour) / medianMb : 0 };
}

/** Prints the verdict block and returns the figures for --json. */
export function soakVerdict(input: VerdictInput, log: (line: string) => void): SoakResult {
  const { samples, processes, engine } = input;
  const first = samples[0];
  const end = samples.at(-1);
  if (!first || !end) throw new Error("soak: no samples taken");
  const middleT = end.t / 2;
  const secondHalf = samples.filter((s) => s.t >= middleT);
  const middle = samples.reduce((best, s) =>
    Math.abs(s.t - middleT) < Math.abs(best.t - middleT) ? s : best,
  );
  const load = mergeWindows(samples.map((s) => s.load));

  log("");
  log(
    `verdict (${engine}; ${(end.t / 60).toFixed(1)} minutes; second half from minute ${(middle.t / 60).toFixed(1)}, ${secondHalf.length} samples)`,
  );
  const rss: Record<string, number> = {};
  const heap: Record<string, number> = {};
  const heapFailures: string[] = [];
  for (const p of processes) {
    const points = (key: "rssMb" | "heapMb") =>
      secondHalf.flatMap((s) => {
        const m = s.memory[p];
        return m ? [[s.t, m[key]] as [number, number]] : [];
      });
    const h = growth(points("heapMb"));
    const r = growth(points("rssMb"));
    heap[p] = mb(h.mbPerHour);
    rss[p] = mb(r.mbPerHour);
    const [from, to] = [middle.memory[p], end.memory[p]];
    const cpuPercent =
      from && to && end.t > middle.t ? Math.round((to.cpuMs - from.cpuMs) / 10 / (end.t - middle.t)) : null;
    log(
      `  ${p.padEnd(9)} heap ${h.medianMb.toFixed(0)} MB median, ${signed(h.mbPerHour)} MB/h (${signed(h.percentPerHour)} %/h);` +
        ` rss ${r.medianMb.toFixed(0)} MB median, ${signed(r.mbPerHour)} MB/h (${signed(r.percentPerHour)} %/h)` +
        (cpuPercent === null ? "" : `; cpu ${cpuPercent}% of a core`) +
        `; event loop blocked up to ${loopDelay(samples, p)}`,
    );
    if (h.percentPerHour >= HEAP_GROWTH_LIMIT_PERCENT_PER_HOUR) heapFailures.push(p);
  }

  const failedMessages = end.failed;
  const errors =
    load.serverErrors +
    load.clientErrors +
    load.network +
    load.shed +
    failedMessages +
    input.loggedErrors +
    input.crashes.length;
  log(
    `  errors    ${errors}: 5xx ${load.serverErrors}, 4xx ${load.clientErrors}, network ${load.network}, shed ${load.shed},` +
      ` failed messages ${failedMessages}, error log lines ${input.loggedErrors}, crashes ${input.crashes.length}`,
  );
  for (const line of [...input.crashes, ...input.failures]) log(`            ${line}`);

  const halfMinutes = (end.t - middle.t) / 60;
  const sentPerMinute = halfMinutes > 0 ? (end.sent - middle.sent) / halfMinutes : 0;
  const keptUp = end.backlog <= middle.backlog + sentPerMinute;
  log(
    `  delivery  ${thousands(end.sent)} sent (${Math.round(sentPerMinute)}/min in the second half); backlog ${middle.backlog} at the middle, ${end.backlog} at the end`,
  );
  log(
    `  load      ${thousands(load.sent)} requests at ${input.rate} events/s; p50 ${(percentile(load.latenciesMs, 50) ?? 0).toFixed(1)} ms, p99 ${(percentile(load.latenciesMs, 99) ?? 0).toFixed(1)} ms;` +
      ` ${thousands(end.events)} events, ${thousands(end.orders)} orders stored; ${thousands(end.runsEntered)} runs entered, ${thousands(end.runsEnded)} ended`,
  );
  log(
    `  database  ${middle.databaseMb.toFixed(0)} MB at the middle, ${end.databaseMb.toFixed(0)} MB at the end` +
      (engine === "sqlite" ? " (SQLite maps the file: its pages count in the server's RSS)" : ""),
  );

  const reasons: string[] = [];
  if (heapFailures.length > 0)
    reasons.push(`heap grows ≥ ${HEAP_GROWTH_LIMIT_PERCENT_PER_HOUR} %/h: ${heapFailures.join(", ")}`);
  if (errors > 0) reasons.push(`${errors} errors`);
  if (!keptUp) reasons.push("backlog grew by more than a minute of sending");
  if (end.runsEnded === 0 || end.sent === 0) reasons.push("no scenario run ended or no mail was sent");
  if (input.interrupted) reasons.push("interrupted");
  const passed = reasons.length === 0;
  log(
    `  ${passed ? "PASSED" : "FAILED"}    ${passed ? "" : `${reasons.join("; ")}. `}Pass: heap growth < ${HEAP_GROWTH_LIMIT_PERCENT_PER_HOUR} %/h of the median for every process, 0 errors, backlog at the end ≤ at the middle + a minute of sending, runs ended and mail sent.`,
  );
  if (end.t < 600)
    log("            (a run under 10 minutes is mostly warm-up: its growth figures say little)");
  return {
    name: "soak",
    engine,
    minutes: mb(end.t / 60),
    rate: input.rate,
    customers: input.customers,
    requests: load.sent,
    errors,
    messages_sent: end.sent,
    rss_growth_mb_per_hour: rss,
    heap_growth_mb_per_hour: heap,
    backlog_end: end.backlog,
    passed,
    ...(reasons.length > 0 ? { note: reasons.join("; ") } : {}),
  };
}

/** One line per engine under the per-engine reports, then the machine it ran on. */
export function printSoakSummary(
  results: SoakResult[],
  info: Record<string, string>,
  log: (line: string) => void,
): void {
  const perProcess = (figures: Record<string, number>) =>
    Object.entries(figures)
      .map(([p, v]) => `${p} ${signed(v)}`)
      .join(", ");
  printRows(
    [
      ["engine", "minutes", "requests", "errors", "sent", "heap MB/h", "rss MB/h", "backlog", "passed"],
      ...results.map((r) => [
        r.engine,
        String(r.minutes),
        String(r.requests),
        String(r.errors),
        String(r.messages_sent),
        perProcess(r.heap_growth_mb_per_hour),
        perProcess(r.rss_growth_mb_per_hour),
        String(r.backlog_end),
        r.passed ? "yes" : "NO",
      ]),
    ],
    log,
  );
  log("");
  for (const [key, value] of Object.entries(info)) log(`${key.padEnd(7)} ${value}`);
}

/** The event loop's longest block over the run, and the median of the 10-s windows' longest. */
function loopDelay(samples: SoakSample[], process: string): string {
  const maxima = samples.flatMap((s) => {
    const m = s.memory[process];
    return m ? [m.loopDelayMaxMs] : [];
  });
  if (maxima.length === 0) return "?";
  return `${Math.round(Math.max(...maxima))} ms (median window ${Math.round(median(maxima))} ms)`;
}

const signed = (n: number) => `${n >= 0 ? "+" : ""}${n.toFixed(1)}`;
