// A progress bar for long work (imports, demo generation) on a terminal; plain periodic lines otherwise
// (CI logs, pipes), always on stderr so stdout stays machine-readable.
import cliProgress from "cli-progress";

export interface Progress {
  update(done: number, total: number, label?: string): void;
  stop(): void;
}

export function createProgress(title: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream, format: `${title} [{bar}] {percentage}% | {value}/{total} {label}`, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(done, total, label = "") {
        if (!started) {
          bar.start(total, done, { label });
          started = true;
        }
        bar.setTotal(total);
        bar.update(done, { label });
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  let lastPrinted = 0;
  let lastDone = -1;
  let lastTotal = 0;
  return {
    update(done, total, label = "") {
      lastDone = done;
      lastTotal = total;
      const now = Date.now();
      if (now - lastPrinted < 2000 && done < total) return;
      lastPrinted = now;
      const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
      stream.write(`${title}: ${done}/${total} (${pct}%) ${label}\n`);
    },
    stop() {
      if (lastDone >= 0 && lastDone < lastTotal)
        stream.write(`${title}: stopped at ${lastDone}/${lastTotal}\n`);
    },
  };
}
