// A real SMTP server (smtp-server) that keeps every message it accepts, parsed back with mailparser, so
// tests read what a receiving mail server would. It can be told to refuse recipients or messages with
// given SMTP replies, to exercise retries and bounces.
import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  envelopeFrom: string;
  envelopeTo: string[];
  raw: Buffer;
  /** The Message-ID header, read without parsing the whole mail. */
  messageId: string | null;
  /** The mail parsed by mailparser (done when first asked: parsing 10,000 mails would slow a sink). */
  parse(): Promise<ParsedMail>;
}

export interface SmtpSink {
  port: number;
  received: ReceivedMail[];
  /** Replies for RCPT TO by address: e.g. { "gone@example.jp": [550, "5.1.1 user unknown"] }. */
  refuseRecipients: Map<string, [number, string]>;
  /** Reply to every DATA with this error while set (e.g. [451, "try later"]). */
  failData: [number, string] | null;
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const refuseRecipients = new Map<string, [number, string]>();
  const sink = { failData: null as [number, string] | null };
  const smtpError = ([code, text]: [number, string]) =>
    Object.assign(new Error(text), { responseCode: code });

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onRcptTo(address, _session, callback) {
      const refusal = refuseRecipients.get(address.address);
      callback(refusal ? smtpError(refusal) : undefined);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        if (sink.failData) return callback(smtpError(sink.failData));
        const raw = Buffer.concat(chunks);
        const headerEnd = raw.indexOf("\r\n\r\n");
        const head = raw.subarray(0, headerEnd < 0 ? raw.length : headerEnd).toString("latin1");
        let parsed: Promise<ParsedMail> | undefined;
        received.push({
          envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          envelopeTo: session.envelope.rcptTo.map((r) => r.address),
          raw,
          messageId: head.match(/^Message-ID:\s*(<[^>]+>)/im)?.[1] ?? null,
          parse: () => (parsed ??= simpleParser(raw)),
        });
        callback();
      });
    },
  });
  // A client that dies mid-conversation (the crash test kills the worker) resets its connection: that is
  // what a receiving server sees then, not an error of the test.
  server.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "ECONNRESET" && err.code !== "EPIPE") throw err;
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;

  return {
    port,
    received,
    refuseRecipients,
    get failData() {
      return sink.failData;
    },
    set failData(v) {
      sink.failData = v;
    },
    async waitFor(count, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > until) throw new Error(`expected ${count} mails, got ${received.length}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
