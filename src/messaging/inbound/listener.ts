// The SMTP way in (`kizuna inbound`): a small mail server that takes mail for the shops' bounce and
// List-Unsubscribe addresses — the shop's MX, or a relay rule on it, hands such mail to this port — and
// refuses every other recipient at RCPT, so it can never become an open relay or a spam sink. Each mail
// is read and applied before it is acknowledged: a database failure answers 451 and the sending server
// tries again later.
import type { AddressInfo } from "node:net";
import { SMTPServer, type SMTPServerSession } from "smtp-server";
import type { Clock } from "../../core/clock.js";
import { type Logger, silentLogger } from "../../core/logger.js";
import type { Db } from "../../db/index.js";
import { loadInboundAddressBook } from "./addresses.js";
import { applyInboundReport, type InboundResult } from "./apply.js";
import { parseInboundMail } from "./dsn.js";
import { baseAddress } from "./fields.js";

export interface InboundSmtpOptions {
  /** Default 2525; 0 takes any free port (tests). */
  port?: number;
  /** Default 127.0.0.1: reachable from the shop's own MTA, not the internet. */
  host?: string;
  logger?: Logger;
  /** Larger mails are refused (552). Default 10 MB. */
  maxMessageBytes?: number;
}

export interface InboundSmtpServer {
  port: number;
  close(): Promise<void>;
}

const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;

function smtpReply(code: number, text: string): Error {
  return Object.assign(new Error(text), { responseCode: code });
}

async function receive(
  db: Db,
  clock: Clock,
  raw: Buffer,
  session: SMTPServerSession,
): Promise<InboundResult> {
  const book = await loadInboundAddressBook(db);
  const recipients = session.envelope.rcptTo.map((r) => r.address);
  const routes = recipients.flatMap((a) => book.routesFor(a));
  const unsubscribe = new Set(
    recipients.filter((a) => book.routesFor(a).some((r) => r.role === "unsubscribe")).map(baseAddress),
  );
  const report = await parseInboundMail(raw, {
    envelope: { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null, to: recipients },
    isUnsubscribeAddress: (address) => unsubscribe.has(address),
  });
  const shopIds = [...new Set(routes.map((r) => r.shopId))];
  return applyInboundReport(db, clock, report, shopIds);
}

export async function startInboundSmtp(
  db: Db,
  clock: Clock,
  options: InboundSmtpOptions = {},
): Promise<InboundSmtpServer> {
  const logger = options.logger ?? silentLogger;
  const maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_BYTES;
  const server = new SMTPServer({
    banner: "Kizuna inbound mail: bounces, complaints and unsubscribes only",
    // Nobody logs in: what may be delivered is decided per recipient. TLS belongs to the MTA in front.
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    size: maxBytes,
    logger: false,
    onRcptTo(address, _session, callback) {
      loadInboundAddressBook(db).then(
        (book) =>
          callback(
            book.routesFor(address.address).length > 0
              ? null
              : smtpReply(550, "5.1.1 No such mailbox: this server only takes bounces and unsubscribes"),
          ),
        (err: Error) => {
          logger.error({ err: err.message }, "inbound smtp: recipient lookup failed");
          callback(smtpReply(451, "4.3.0 Temporary failure, try again later"));
        },
      );
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        if (stream.sizeExceeded) return callback(smtpReply(552, "5.3.4 Message too big"));
        receive(db, clock, Buffer.concat(chunks), session).then(
          (result) => {
            // Ids and outcomes only: the mail's addresses are personal data and never logged.
            logger.info(
              { shopId: result.shopId, messageId: result.messageId, outcome: result.outcome },
              "inbound email report",
            );
            callback();
          },
          (err: Error) => {
            logger.error({ err: err.message }, "inbound smtp: report not applied; sender will retry");
            callback(smtpReply(451, "4.3.0 Temporary failure, try again later"));
          },
        );
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 2525, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  // After start, errors are one client's broken connection: noted, never fatal.
  server.on("error", (err: Error) => logger.warn({ err: err.message }, "inbound smtp connection error"));
  const { port } = server.server.address() as AddressInfo;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
