// Email over SMTP with nodemailer's pooled transport: a few long-lived connections, each carrying one
// message at a time. Every promotional mail carries List-Unsubscribe with an HTTPS one-click URL and a
// mailto (RFC 2369/8058); DKIM signing is optional. SMTP replies decide what happens next: 4xx and
// connection trouble are tried again later, 5xx for the recipient is a hard bounce (suppressed).
import { availableParallelism } from "node:os";
import { z } from "zod";
import type { ChannelAdapter, OutgoingMessage, ProviderDefinition, SendResult } from "../types.js";
import { SmtpThreadPool, type ThreadSmtpError } from "./smtp-threads.js";

export const smtpSettingsSchema = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(587),
  /** Implicit TLS (port 465). Otherwise STARTTLS is used when the server offers it. */
  secure: z.boolean().default(false),
  /** Refuse to send unless the connection is encrypted (STARTTLS required). */
  requireTls: z.boolean().default(false),
  fromAddress: z.string().email(),
  fromName: z.string().min(1).max(100),
  replyTo: z.string().email().optional(),
  /**
   * Where bounces go (the envelope sender, Return-Path). With `bounces@mail.example.jp` a message is
   * sent from `bounces+<message id>@mail.example.jp`, so a bounce names the message it is about.
   */
  bounceAddress: z.string().email().optional(),
  /** The mailto of List-Unsubscribe (an address whose mail Kizuna reads); the HTTPS URL is always there. */
  unsubscribeAddress: z.string().email().optional(),
  /** Connections kept open: the pool's width, and so how many messages are on the wire at once. */
  maxConnections: z.number().int().min(1).max(50).default(5),
  /**
   * Threads that build and send the messages (each with its share of the connections), beside the
   * thread that claims, renders and records them. Default: one per two CPU cores, at least one.
   */
  sendThreads: z.number().int().min(1).max(16).optional(),
  ratePerSecond: z.number().positive().max(10_000).default(100),
  dkim: z.object({ domainName: z.string().min(1), keySelector: z.string().min(1) }).optional(),
  /** For a relay with a self-signed certificate on a private network. */
  allowSelfSignedCertificate: z.boolean().default(false),
});
export type SmtpSettings = z.infer<typeof smtpSettingsSchema>;

export const smtpSecretsSchema = z.object({
  user: z.string().optional(),
  password: z.string().optional(),
  dkimPrivateKey: z.string().optional(),
});
export type SmtpSecrets = z.infer<typeof smtpSecretsSchema>;

/** What an SMTP failure means for the message. */
export function classifySmtpError(err: ThreadSmtpError): SendResult {
  const reply = (err.response ?? err.message).slice(0, 300);
  const code = err.responseCode;
  if (code && code >= 500) {
    // Refused at RCPT: the address does not exist or takes no mail — a hard bounce.
    const forRecipient = err.code === "EENVELOPE" || /^RCPT/i.test(err.command ?? "");
    return { status: "failed", reason: `smtp ${code}: ${reply}`, suppress: forRecipient };
  }
  if (code && code >= 400) return { status: "deferred", reason: `smtp ${code}: ${reply}` };
  if (err.code === "EAUTH") return { status: "deferred", reason: `smtp authentication failed: ${reply}` };
  return { status: "deferred", reason: `smtp ${err.code ?? "error"}: ${err.message.slice(0, 200)}` };
}

function verpAddress(bounce: string, messageId: number): string {
  const at = bounce.lastIndexOf("@");
  return `${bounce.slice(0, at)}+m${messageId}${bounce.slice(at)}`;
}

class SmtpAdapter implements ChannelAdapter {
  readonly channel = "email" as const;
  readonly concurrency: number;
  readonly ratePerSecond: number;
  private readonly senders: SmtpThreadPool;

  constructor(
    private readonly settings: SmtpSettings,
    secrets: SmtpSecrets,
  ) {
    this.concurrency = settings.maxConnections;
    this.ratePerSecond = settings.ratePerSecond;
    const threads = settings.sendThreads ?? Math.max(1, Math.floor(availableParallelism() / 2));
    this.senders = new SmtpThreadPool(
      {
        pool: true,
        host: settings.host,
        port: settings.port,
        secure: settings.secure,
        requireTLS: settings.requireTls,
        maxConnections: settings.maxConnections,
        maxMessages: Number.POSITIVE_INFINITY,
        auth: secrets.user ? { user: secrets.user, pass: secrets.password ?? "" } : undefined,
        tls: settings.allowSelfSignedCertificate ? { rejectUnauthorized: false } : undefined,
        dkim:
          settings.dkim && secrets.dkimPrivateKey
            ? { ...settings.dkim, privateKey: secrets.dkimPrivateKey }
            : undefined,
        connectionTimeout: 30_000,
        socketTimeout: 60_000,
      },
      threads,
    );
  }

  async send(message: OutgoingMessage): Promise<SendResult> {
    const content = message.content;
    if (content.kind !== "email")
      return { status: "failed", reason: `email cannot carry ${content.kind} content` };
    const headers: Record<string, string> = {};
    if (message.unsubscribe) {
      const targets = [`<${message.unsubscribe.url}>`];
      const mailto = message.unsubscribe.mailto ?? this.settings.unsubscribeAddress;
      if (mailto)
        targets.push(`<mailto:${mailto}?subject=${encodeURIComponent(`unsubscribe ${message.id}`)}>`);
      headers["List-Unsubscribe"] = targets.join(", ");
      headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click";
    }
    headers["X-Kizuna-Message"] = String(message.id);
    const reply = await this.senders.send({
      from: { name: this.settings.fromName, address: this.settings.fromAddress },
      to: message.address,
      ...(this.settings.replyTo ? { replyTo: this.settings.replyTo } : {}),
      subject: content.subject,
      html: content.html,
      text: content.text,
      messageId: message.headerMessageId,
      headers,
      envelope: {
        from: this.settings.bounceAddress
          ? verpAddress(this.settings.bounceAddress, message.id)
          : this.settings.fromAddress,
        to: message.address,
      },
    });
    if (!reply.ok) return classifySmtpError(reply.error);
    return { status: "sent", providerId: reply.response.slice(0, 200) || undefined };
  }

  async verify(): Promise<void> {
    await this.senders.verify();
  }

  async close(): Promise<void> {
    await this.senders.close();
  }
}

export const smtpProvider: ProviderDefinition<SmtpSettings, SmtpSecrets> = {
  channel: "email",
  provider: "smtp",
  settingsSchema: smtpSettingsSchema,
  secretsSchema: smtpSecretsSchema,
  create: (settings, secrets) => new SmtpAdapter(settings, secrets),
};

/** The domain Message-IDs are made under: the sender's. */
export function messageIdDomain(settings: { fromAddress?: string }): string {
  return settings.fromAddress?.split("@")[1] ?? "kizuna.invalid";
}
