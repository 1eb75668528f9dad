// The parent's side of the loopback SMTP sink (smtp-sink.ts): starts it in a process of its own and asks
// it how much mail it has taken. Used by the delivery and soak benchmarks. Questions are answered in
// order, one at a time: ask the next once the last has been answered.
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface Sink {
  port: number;
  count(): Promise<{ received: number; distinct: number; bytes: number }>;
  /** The sink process's CPU seconds so far. */
  cpuSeconds(): Promise<number>;
  stop(): void;
}

export async function startSink(): Promise<Sink> {
  const child = fork(fileURLToPath(new URL("./smtp-sink.js", import.meta.url)), [], { stdio: "inherit" });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("message", (m: { ready?: number }) =>
      m.ready ? resolve(m.ready) : reject(new Error("sink")),
    );
    child.once("error", reject);
  });
  return {
    port,
    count: () =>
      new Promise((resolve) => {
        child.once("message", (m) => resolve(m as { received: number; distinct: number; bytes: number }));
        child.send({ ask: "count" });
      }),
    cpuSeconds: () =>
      new Promise((resolve) => {
        child.once("message", (m) => resolve((m as { cpuSeconds: number }).cpuSeconds));
        child.send({ ask: "cpu" });
      }),
    stop: () => child.kill(),
  };
}
