// The SMTP sender threads against a real SMTP server: the configured pool width is the most connections
// open at once however many threads share it, every mail arrives once, an SMTP refusal comes back across
// the thread with the fields that classify it, and closing lets the mails on the wire finish (a mail cut
// off there would be deferred and sent again).
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterEach, describe, expect, it } from "vitest";
import { classifySmtpError } from "../../../src/messaging/channels/email/smtp.js";
import { SmtpThreadPool, type ThreadMail } from "../../../src/messaging/channels/email/smtp-threads.js";

interface Peer {
  port: number;
  messageIds: string[];
  maxOpen: number;
  /** Milliseconds each DATA is held before the reply. */
  holdData: number;
  close(): Promise<void>;
}

async function startPeer(): Promise<Peer> {
  let open = 0;
  const peer = { messageIds: [] as string[], maxOpen: 0, holdData: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onConnect(_session, callback) {
      open++;
      peer.maxOpen = Math.max(peer.maxOpen, open);
      callback();
    },
    onClose() {
      open--;
    },
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith("gone@")) {
        return callback(Object.assign(new Error("5.1.1 user unknown"), { responseCode: 550 }));
      }
      callback();
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const id = Buffer.concat(chunks)
          .toString("latin1")
          .match(/^Message-ID:\s*(<[^>]+>)/im)?.[1];
        setTimeout(() => {
          if (id) peer.messageIds.push(id);
          callback();
        }, peer.holdData);
      });
    },
  });
  server.on("error", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return Object.assign(peer, {
    port: (server.server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

function mail(n: number, to = `member${n}@example.jp`): ThreadMail {
  return {
    from: { name: "きずな茶房", address: "news@kizuna-sabo.jp" },
    to,
    subject: `お知らせ ${n}`,
    html: `<p>こんにちは ${n}</p>`,
    text: `こんにちは ${n}`,
    messageId: `<m${n}@kizuna-sabo.jp>`,
    headers: { "X-Kizuna-Message": String(n) },
    envelope: { from: "news@kizuna-sabo.jp", to },
  };
}

const transport = (port: number, maxConnections: number) => ({
  pool: true,
  host: "127.0.0.1",
  port,
  secure: false,
  ignoreTLS: true,
  maxConnections,
  maxMessages: Number.POSITIVE_INFINITY,
});

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

describe("SMTP sender threads", () => {
  it("shares the pool width between threads and delivers every mail once", async () => {
    const peer = await startPeer();
    peer.holdData = 5;
    const pool = new SmtpThreadPool(transport(peer.port, 4), 2);
    cleanup.push(peer.close, () => pool.close());
    expect(pool.threads).toBe(2);

    const replies = await Promise.all(Array.from({ length: 60 }, (_, i) => pool.send(mail(i))));
    expect(replies.every((r) => r.ok)).toBe(true);
    expect([...peer.messageIds].sort()).toEqual(
      Array.from({ length: 60 }, (_, i) => `<m${i}@kizuna-sabo.jp>`).sort(),
    );
    // Both threads opened connections (one alone has 2), and together never more than the pool's 4.
    expect(peer.maxOpen).toBeGreaterThan(2);
    expect(peer.maxOpen).toBeLessThanOrEqual(4);
  });

  it("never starts more threads than connections", async () => {
    const pool = new SmtpThreadPool(transport(1, 2), 8);
    expect(pool.threads).toBe(2);
    await pool.close();
  });

  it("brings an SMTP refusal back with what classifies it: a hard bounce for an unknown recipient", async () => {
    const peer = await startPeer();
    const pool = new SmtpThreadPool(transport(peer.port, 2), 1);
    cleanup.push(peer.close, () => pool.close());

    const reply = await pool.send(mail(1, "gone@example.jp"));
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.responseCode).toBe(550);
    expect(classifySmtpError(reply.error)).toMatchObject({ status: "failed", suppress: true });
    // The thread is still there for the next mail.
    expect((await pool.send(mail(2))).ok).toBe(true);
  });

  it("verifies through a thread and reports a server that is not there", async () => {
    const peer = await startPeer();
    const pool = new SmtpThreadPool(transport(peer.port, 1), 1);
    await expect(pool.verify()).resolves.toBeUndefined();
    await pool.close();
    await peer.close();

    const nowhere = new SmtpThreadPool(transport(peer.port, 1), 1);
    cleanup.push(() => nowhere.close());
    await expect(nowhere.verify()).rejects.toMatchObject({ code: "ESOCKET" });
  });

  it("lets the mails on the wire finish when it is closed, and takes no more", async () => {
    const peer = await startPeer();
    peer.holdData = 300;
    const pool = new SmtpThreadPool(transport(peer.port, 3), 1);
    cleanup.push(peer.close);

    const sending = Array.from({ length: 3 }, (_, i) => pool.send(mail(i)));
    while (peer.maxOpen < 3) await new Promise((resolve) => setTimeout(resolve, 10));
    await pool.close();
    expect((await Promise.all(sending)).map((r) => r.ok)).toEqual([true, true, true]);
    expect(peer.messageIds).toHaveLength(3);
    const late = await pool.send(mail(9));
    expect(late.ok).toBe(false);
    if (!late.ok) expect(classifySmtpError(late.error).status).toBe("deferred");
  });
});
