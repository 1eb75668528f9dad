// A loopback SMTP sink in its own process, for the delivery benchmark: it accepts every mail, keeps
// only its Message-ID and size, and answers the parent's questions over IPC. It runs smtp-server, the
// same server library the tests receive mail with.
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

let received = 0;
let bytes = 0;
const ids = new Set<string>();

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  size: 10 * 1024 * 1024,
  onData(stream, _session, callback) {
    let head = "";
    stream.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      if (head.length < 4096) head += chunk.toString("latin1");
    });
    stream.on("end", () => {
      received++;
      const id = head.match(/^Message-ID:\s*(<[^>]+>)/im)?.[1];
      if (id) ids.add(id);
      callback();
    });
  },
});

server.listen(0, "127.0.0.1", () => {
  process.send?.({ ready: (server.server.address() as AddressInfo).port });
});

process.on("message", (m: { ask?: string }) => {
  if (m.ask === "count") process.send?.({ received, distinct: ids.size, bytes });
  if (m.ask === "cpu") {
    const { user, system } = process.cpuUsage();
    process.send?.({ cpuSeconds: (user + system) / 1e6, uptime: process.uptime() });
  }
  if (m.ask === "reset") {
    received = 0;
    bytes = 0;
    ids.clear();
    process.send?.({ reset: true });
  }
});
process.on("disconnect", () => process.exit(0));
