// The processes under soak: the shipped `kizuna serve` and `kizuna worker` commands (bin/kizuna.js,
// built), each a child of the benchmark with the probe preloaded (soak-probe.ts) so it can be asked for
// its memory. Their JSON log lines are read as they come: error- and fatal-level lines are counted as
// errors (a failed worker batch logs one and carries on), and an exit nobody asked for is a crash.
import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { ProbeSample } from "./soak-probe.js";

const BIN = fileURLToPath(new URL("../../bin/kizuna.js", import.meta.url));
const PROBE = new URL("./soak-probe.js", import.meta.url).href;
/** A sample not answered in this time (an event loop blocked that long) is recorded as missing. */
const SAMPLE_TIMEOUT_MS = 30_000;
/** How many error lines to keep for the report. */
const KEPT_ERRORS = 5;

export interface KizunaProcess {
  /** "server", "worker-1", … */
  name: string;
  /** Its memory and CPU now, or null when it did not answer in time or has exited. */
  sample(): Promise<ProbeSample | null>;
  /** Error- and fatal-level log lines so far. */
  loggedErrors(): number;
  /** The first few of them (message and error message only: no request bodies, no profiles). */
  firstErrors(): string[];
  /** Why it exited without being asked to (exit code or signal), or null while it runs. */
  crash(): string | null;
  stop(): Promise<void>;
}

/** Runs `kizuna <args>` with the given environment on top of this process's. */
export function startKizuna(name: string, args: string[], env: Record<string, string>): KizunaProcess {
  const child: ChildProcess = fork(BIN, args, {
    env: { ...process.env, LOG_LEVEL: "warn", ...env },
    execArgv: ["--expose-gc", "--import", PROBE],
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    // Its own process group: Ctrl-C reaches the benchmark only, which stops the commands itself after
    // the last sample (and the probe stops them should the benchmark die).
    detached: true,
  });
  let errors = 0;
  const kept: string[] = [];
  let stopping = false;
  let crashed: string | null = null;
  child.on("exit", (code, signal) => {
    if (!stopping) crashed = signal ? `killed by ${signal}` : `exited with code ${code}`;
  });
  createInterface({ input: child.stdout! }).on("line", (line) => {
    if (!line.startsWith("{")) return;
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
      if ((entry.level ?? 0) < 50) return;
      errors++;
      if (kept.length < KEPT_ERRORS) kept.push([entry.msg, entry.err?.message].filter(Boolean).join(": "));
    } catch {
      // Not a log line (the commands also print plain text).
    }
  });
  createInterface({ input: child.stderr! }).on("line", (line) => process.stderr.write(`[${name}] ${line}\n`));

  return {
    name,
    sample: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null || !child.connected) return resolve(null);
        const timer = setTimeout(() => finish(null), SAMPLE_TIMEOUT_MS);
        const onMessage = (message: ProbeSample) => {
          if (message?.type === "sample") finish(message);
        };
        const finish = (sample: ProbeSample | null) => {
          clearTimeout(timer);
          child.off("message", onMessage);
          child.off("exit", onExit);
          resolve(sample);
        };
        const onExit = () => finish(null);
        child.on("message", onMessage);
        child.once("exit", onExit);
        child.send({ type: "sample" });
      }),
    loggedErrors: () => errors,
    firstErrors: () => [...kept],
    crash: () => crashed,
    async stop() {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A port nothing listens on now, for the server to take. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Waits until the server answers /healthz (it migrates and starts its worker first). */
export async function waitUntilServing(
  url: string,
  server: KizunaProcess,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const crash = server.crash();
    if (crash) throw new Error(`kizuna serve ${crash} before it listened`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`kizuna serve did not answer ${url}/healthz within ${timeoutMs / 1000} s`);
}
