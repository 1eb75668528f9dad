// `kizuna inbound`: the SMTP listener for bounces, complaints (ARF) and List-Unsubscribe mail. Point
// the shops' bounce and unsubscribe addresses at it (an MX, or a transport rule on the shop's MTA);
// any other recipient is refused at RCPT.
import type { Command } from "commander";
import { systemClock } from "../../core/clock.js";
import { ValidationError } from "../../core/errors.js";
import { createLogger } from "../../core/logger.js";
import { startInboundSmtp } from "../../messaging/inbound/index.js";
import { openInstance } from "../instance.js";

function portOf(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw ValidationError.field("port", `not a port number: "${value}"`);
  return n;
}

export function registerInboundCommand(program: Command): void {
  program
    .command("inbound")
    .description("receive bounces, complaints and mailto unsubscribes over SMTP for the shops' addresses")
    .option("--port <port>", "port to listen on", "2525")
    .option("--host <host>", "address to listen on (0.0.0.0 to be the MX itself)", "127.0.0.1")
    .action(async (opts: { port: string; host: string }) => {
      const port = portOf(opts.port);
      const instance = await openInstance();
      const logger = createLogger(instance.config.logLevel);
      const server = await startInboundSmtp(instance.db, systemClock, {
        port,
        host: opts.host,
        logger,
      }).catch(async (err: unknown) => {
        await instance.close(); // a taken port must not leave the database open and the process hanging
        throw err;
      });
      console.log(`Kizuna inbound mail listening on ${opts.host}:${server.port} (${instance.engine})`);
      const stop = async () => {
        await server.close();
        await instance.close();
        process.exit(0);
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
}
