// SMTP sending in worker threads. Building a MIME message (headers, base64 of a ~30 KB body, DKIM) and
// speaking SMTP is most of a delivery worker's CPU; on the main thread it competes with claiming,
// rendering and recording messages. Each thread runs its own nodemailer SMTP pool with its share of the
// connections, so the total on the wire at once stays the configured pool width (the in-flight bound a
// crash can repeat).
//
// A thread builds each mail itself (raw-mail.ts), signs it with nodemailer's DKIM signer when the shop
// has a key, and hands the finished bytes to nodemailer's SMTP pool directly. Going through
// `transport.sendMail` instead (its Mailer, which wraps even a raw message in a stream tree) cost
// ~0.45 ms of CPU per mail more on the delivery bench's 24 KB mail; the pool needs only the small
// message interface below. The pool's dot-stuffing lets a mail that needs none through without its
// byte-by-byte scan (data-transparency.ts).
//
// The thread runs inline code (eval) rather than a file so it works the same from the built dist/ and
// from the TypeScript sources under vitest; nodemailer's modules are passed by resolved path.
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { isDataTransparent } from "./data-transparency.js";
import { buildRawMail, mimeTools, type ThreadMail } from "./raw-mail.js";

export type { ThreadMail } from "./raw-mail.js";

/** The fields of a nodemailer error that say what a failure means (see classifySmtpError). */
export interface ThreadSmtpError {
  message: string;
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
}

export type ThreadReply = { ok: true; response: string } | { ok: false; error: ThreadSmtpError };

const THREAD_SOURCE = `
const { workerData, parentPort } = require("node:worker_threads");
const { Readable } = require("node:stream");
const { randomBytes } = require("node:crypto");
const { domainToASCII } = require("node:url");
const SMTPPool = require(workerData.smtpPool);
const DKIM = require(workerData.dkim);
const mimeFuncs = require(workerData.mimeFuncs);
const buildRawMail = (${buildRawMail.toString()});
const isDataTransparent = (${isDataTransparent.toString()});
// DataStream (SMTPConnection's dot-stuffing) lets a chunk that needs no change through untouched.
const DataStream = require(workerData.dataStream);
const escapeData = DataStream.prototype._transform;
DataStream.prototype._transform = function (chunk, encoding, done) {
  if (!Buffer.isBuffer(chunk) || !isDataTransparent(chunk, this.lastByte)) {
    return escapeData.call(this, chunk, encoding, done);
  }
  this.inByteCount += chunk.length;
  this.outByteCount += chunk.length;
  this.lastByte = chunk[chunk.length - 1];
  this.push(chunk);
  done();
};
const tools = (${mimeTools.toString()})(mimeFuncs, domainToASCII, randomBytes);
const { dkim, ...poolOptions } = workerData.options;
const pool = new SMTPPool(poolOptions);
const signer = dkim ? new DKIM(dkim) : null;
// What nodemailer's pool reads of a message (it is given Mailer's MailMessage otherwise).
const poolMail = (raw, envelope, messageId) => ({
  data: {},
  message: {
    getEnvelope: () => envelope,
    messageId: () => messageId,
    getHeader: (key) => (key.toLowerCase() === "message-id" ? messageId : undefined),
    // Built whole first: piped as it is made, a message goes out in one write per base64 line.
    createReadStream: () => (signer ? signer.sign(raw) : Readable.from([raw])),
  },
});
const poolSend = (mail) =>
  new Promise((resolve, reject) => {
    const raw = Buffer.from(buildRawMail(mail, tools, new Date()), "utf8");
    const envelope = { from: mail.envelope.from, to: [mail.envelope.to] };
    pool.send(poolMail(raw, envelope, mail.messageId), (err, info) => (err ? reject(err) : resolve(info)));
  });
const poolVerify = () => new Promise((resolve, reject) => pool.verify((err) => (err ? reject(err) : resolve({}))));
let inFlight = 0;
let closing = false;
// Closing lets the mails on the wire finish and answer, then ends the thread.
const endIfDone = () => {
  if (closing && inFlight === 0) {
    pool.close();
    parentPort.close();
  }
};
parentPort.on("message", async (request) => {
  if (request.kind === "close") {
    closing = true;
    endIfDone();
    return;
  }
  inFlight++;
  try {
    const info = request.kind === "verify" ? await poolVerify() : await poolSend(request.mail);
    parentPort.postMessage({ id: request.id, ok: true, response: request.kind === "send" ? String(info.response || "") : "" });
  } catch (err) {
    const e = err || {};
    parentPort.postMessage({
      id: request.id,
      ok: false,
      error: {
        message: String(e.message || e),
        code: typeof e.code === "string" ? e.code : undefined,
        responseCode: typeof e.responseCode === "number" ? e.responseCode : undefined,
        response: typeof e.response === "string" ? e.response : undefined,
        command: typeof e.command === "string" ? e.command : undefined,
      },
    });
  } finally {
    inFlight--;
    endIfDone();
  }
});
`;

type Request = { kind: "send"; mail: ThreadMail } | { kind: "verify" };

interface SendThread {
  worker: Worker;
  pending: Map<number, (reply: ThreadReply) => void>;
}

/**
 * Sends through `threads` worker threads (at most one per connection), each with a pooled transport
 * of `options` and its share of `options.maxConnections`. A thread that dies answers its pending
 * sends with an error (the pipeline defers them: a mail that was on the wire may go out twice, with the
 * same Message-ID) and is started again on the next send.
 */
export class SmtpThreadPool {
  private readonly slots: Array<SendThread | null>;
  private readonly shares: number[];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly options: Record<string, unknown> & { maxConnections: number },
    threads: number,
  ) {
    const count = Math.max(1, Math.min(threads, options.maxConnections));
    this.shares = Array.from(
      { length: count },
      (_, i) => Math.floor(options.maxConnections / count) + (i < options.maxConnections % count ? 1 : 0),
    );
    this.slots = this.shares.map(() => null);
  }

  get threads(): number {
    return this.slots.length;
  }

  send(mail: ThreadMail): Promise<ThreadReply> {
    return this.request(this.leastLoaded(), { kind: "send", mail });
  }

  /** Connects and authenticates once (through the first thread), throwing what the server said. */
  async verify(): Promise<void> {
    const reply = await this.request(0, { kind: "verify" });
    if (!reply.ok) throw Object.assign(new Error(reply.error.message), reply.error);
  }

  /** Lets the mails on the wire finish (their replies arrive), then ends the threads. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.slots.map(async (thread) => {
        if (!thread) return;
        const exited = new Promise<void>((resolve) => thread.worker.once("exit", () => resolve()));
        // Held while it finishes: a process with nothing else to do must not end under this await.
        thread.worker.ref();
        thread.worker.postMessage({ kind: "close" });
        await exited;
      }),
    );
  }

  /** The thread with the fewest sends in flight for its connections. */
  private leastLoaded(): number {
    let best = 0;
    let bestLoad = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.slots.length; i++) {
      const load = (this.slots[i]?.pending.size ?? 0) / this.shares[i];
      if (load < bestLoad) {
        best = i;
        bestLoad = load;
      }
    }
    return best;
  }

  private request(slot: number, request: Request): Promise<ThreadReply> {
    if (this.closed) {
      return Promise.resolve({ ok: false, error: { message: "smtp sender closed", code: "ECLOSED" } });
    }
    const thread = this.slots[slot] ?? this.start(slot);
    const id = this.nextId++;
    return new Promise((resolve) => {
      // A thread holds the process open only while it has sends in flight.
      if (thread.pending.size === 0) thread.worker.ref();
      thread.pending.set(id, resolve);
      thread.worker.postMessage({ id, ...request });
    });
  }

  private start(slot: number): SendThread {
    const require = createRequire(import.meta.url);
    const worker = new Worker(THREAD_SOURCE, {
      eval: true,
      workerData: {
        smtpPool: require.resolve("nodemailer/lib/smtp-pool"),
        dkim: require.resolve("nodemailer/lib/dkim"),
        mimeFuncs: require.resolve("nodemailer/lib/mime-funcs"),
        dataStream: require.resolve("nodemailer/lib/smtp-connection/data-stream"),
        options: { ...this.options, maxConnections: this.shares[slot] },
      },
    });
    const thread: SendThread = { worker, pending: new Map() };
    worker.on("message", (reply: ThreadReply & { id: number }) => {
      const resolve = thread.pending.get(reply.id);
      if (!resolve) return;
      thread.pending.delete(reply.id);
      if (thread.pending.size === 0) worker.unref();
      const { id: _, ...rest } = reply;
      resolve(rest as ThreadReply);
    });
    const fail = (why: string) => {
      if (this.slots[slot] === thread) this.slots[slot] = null;
      const pending = [...thread.pending.values()];
      thread.pending.clear();
      for (const resolve of pending) resolve({ ok: false, error: { message: why, code: "ETHREAD" } });
    };
    worker.on("error", (err) => fail(`smtp thread failed: ${err.message}`));
    worker.on("exit", (code) => fail(`smtp thread exited (${code})`));
    this.slots[slot] = thread;
    return thread;
  }
}
