// Background WAL checkpoints for the embedded SQLite database.
//
// Why: in WAL mode every commit appends pages to the -wal file, and by default the commit that takes
// the WAL past 1,000 pages also copies the WAL back into the database file and fsyncs it (a
// checkpoint). That work lands on the main thread, inside a request: measured on 30-event commits,
// a commit cost 1.8 ms with automatic checkpoints and 0.5 ms without. better-sqlite3 is synchronous,
// so the time is the event loop's.
//
// Here a worker thread with its own connection runs PASSIVE checkpoints every CHECKPOINT_EVERY_MS.
// A passive checkpoint never blocks the writer (SQLite lets a checkpoint and a writer run at once in
// WAL mode), so the copying and the fsync move to the other core. The writer's own automatic
// checkpoint stays on at a high threshold as a backstop: if this thread stalls or dies, the WAL still
// cannot grow without bound.
//
// The worker runs inline code (eval) rather than a file so it works the same from the built dist/ and
// from the TypeScript sources under vitest; better-sqlite3 is passed by resolved path.
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

export const CHECKPOINT_EVERY_MS = 500;
/** Pages (4 KiB) after which the writer checkpoints itself: the backstop, about 80 MiB of WAL. */
export const BACKSTOP_AUTOCHECKPOINT_PAGES = 20_000;

const WORKER_SOURCE = `
const { workerData, parentPort } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma("busy_timeout = 5000");
db.pragma("synchronous = NORMAL");
let stopped = false;
function checkpoint() {
  if (stopped) return;
  try {
    const [result] = db.pragma("wal_checkpoint(PASSIVE)");
    parentPort.postMessage({ type: "checkpoint", ...result });
  } catch (err) {
    // SQLITE_BUSY and friends: the next round tries again; the writer's backstop covers the rest.
    parentPort.postMessage({ type: "error", message: String(err && err.message) });
  }
  setTimeout(checkpoint, workerData.everyMs);
}
parentPort.on("message", (message) => {
  if (message === "stop") {
    stopped = true;
    try { db.pragma("wal_checkpoint(PASSIVE)"); } catch {}
    db.close();
    parentPort.close();
  }
});
setTimeout(checkpoint, workerData.everyMs);
`;

export interface CheckpointResult {
  /** 1 when a checkpoint could not run at all (another checkpoint or a lock held it off). */
  busy: number;
  /** WAL frames present. */
  log: number;
  /** WAL frames copied back into the database file. */
  checkpointed: number;
}

export interface Checkpointer {
  /** The latest checkpoint's outcome, for tests and diagnostics. */
  readonly last: CheckpointResult | null;
  /** True once the thread has closed its connection and ended. */
  readonly ended: boolean;
  /** Resolves after the next checkpoint round reports back. */
  next(): Promise<CheckpointResult>;
  /** Runs a final checkpoint and ends the thread. */
  stop(): Promise<void>;
}

export function startCheckpointer(file: string, everyMs = CHECKPOINT_EVERY_MS): Checkpointer {
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, everyMs } });
  let last: CheckpointResult | null = null;
  let waiters: Array<(r: CheckpointResult) => void> = [];
  worker.on("message", (message: { type: string } & CheckpointResult) => {
    if (message.type !== "checkpoint") return;
    last = { busy: message.busy, log: message.log, checkpointed: message.checkpointed };
    const wake = waiters;
    waiters = [];
    for (const resolve of wake) resolve(last);
  });
  // A crashed thread leaves the writer's backstop checkpoints in charge; nothing to do but not crash.
  worker.on("error", () => {});
  let ended = false;
  const exited = new Promise<void>((resolve) =>
    worker.once("exit", () => {
      ended = true;
      resolve();
    }),
  );
  // A checkpointer must never keep a finished process alive (a command that failed before closing its
  // database must still exit). Only after the listeners: adding a "message" listener refs the port again.
  worker.unref();
  return {
    get last() {
      return last;
    },
    get ended() {
      return ended;
    },
    next: () => new Promise((resolve) => waiters.push(resolve)),
    async stop() {
      // Held again while the final checkpoint runs: unreferenced, a process with nothing else left to do
      // would end under the await below (exit 13, a top-level await that never settled).
      worker.ref();
      worker.postMessage("stop");
      await exited;
    },
  };
}
