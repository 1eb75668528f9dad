// Given a shop that has really sent its cart reminders — through the delivery worker, over SMTP, to a
// real SMTP sink — the stories here hand its bounce, complaint and unsubscribe mail back: to the inbound
// SMTP listener with nodemailer, or to the webhooks through the HTTP app, signed as the shop's MTA would.
import type { FastifyInstance } from "fastify";
import Fastify from "fastify";
import { serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import nodemailer from "nodemailer";
import { expect } from "vitest";
import { registerAuth } from "../../../src/http/auth.js";
import { errorHandler } from "../../../src/http/errors.js";
import { saveChannelSettings } from "../../../src/messaging/channels/settings.js";
import { DeliveryWorker } from "../../../src/messaging/delivery/worker.js";
import {
  INBOUND_SIGNATURE_HEADER,
  type InboundSmtpServer,
  inboundRoutes,
  signInboundBody,
  startInboundSmtp,
} from "../../../src/messaging/inbound/index.js";
import { saveShopProfile } from "../../../src/shops/profile.js";
import {
  MONDAY_10AM,
  openShop,
  putProduct,
  sendEvents,
  setClock,
  switchOn,
  type TestApp,
  upsertCustomer,
  workerAt,
} from "../../scenarios/library/support.js";
import { type SmtpSink, startSmtpSink } from "../../support/smtp.js";
import type { Original } from "./reports.js";

export const BOUNCE_ADDRESS = "bounces@mail.kizuna-sabo.jp";
export const UNSUBSCRIBE_ADDRESS = "unsubscribe@mail.kizuna-sabo.jp";

/** A mail the shop sent, as the sink received it, with the outbox row it came from. */
export interface SentMail extends Original {
  messageId: number;
  customerId: number;
  /** The Message-ID header. */
  headerMessageId: string;
  /** The List-Unsubscribe mailto, as a mail client would follow it. */
  unsubscribeMailto: { to: string; subject: string };
}

export interface SendingShop {
  t: TestApp;
  shopId: number;
  sink: SmtpSink;
  /** Each member leaves a cart at 10:01; the 1-hour reminders go out at 11:01. */
  sendReminders(members: Array<{ id: string; email: string }>): Promise<SentMail[]>;
  /** Runs the delivery worker until nothing is due. */
  drain(): Promise<number>;
  close(): Promise<void>;
}

export async function openSendingShop(
  addresses: { bounce?: string; unsubscribe?: string } = {},
): Promise<SendingShop> {
  const t = await openShop(MONDAY_10AM);
  const shopId = t.shop.shop.id;
  const sink = await startSmtpSink();
  await saveShopProfile(t.ctx.db, shopId, {
    url: "https://kizuna-sabo.jp",
    address: "〒150-0001 東京都渋谷区神宮前1-2-3",
    email: "info@kizuna-sabo.jp",
    phone: "03-1234-5678",
  });
  await saveChannelSettings(t.ctx.db, t.clock, t.ctx.secret, shopId, "email", {
    provider: "smtp",
    settings: {
      host: "127.0.0.1",
      port: sink.port,
      fromAddress: "news@kizuna-sabo.jp",
      fromName: "きずな茶房",
      bounceAddress: addresses.bounce ?? BOUNCE_ADDRESS,
      unsubscribeAddress: addresses.unsubscribe ?? UNSUBSCRIBE_ADDRESS,
    },
    secrets: {},
  });
  await switchOn(t, "cart-abandonment");
  await putProduct(t, { sku: "MATCHA-100", name: "宇治抹茶 100g", price: 2480, stock: 20 });
  const delivery = new DeliveryWorker({
    db: t.ctx.db,
    clock: t.clock,
    secret: t.ctx.secret,
    publicUrl: "https://crm.kizuna-sabo.jp",
  });

  async function sendReminders(members: Array<{ id: string; email: string }>): Promise<SentMail[]> {
    const before = sink.received.length;
    for (const m of members) await upsertCustomer(t, { externalId: m.id, email: m.email }, { email: true });
    setClock(t, "2026-06-01 10:01");
    await sendEvents(
      t,
      members.map((m) => ({ type: "cart_add", customerId: m.id, sku: "MATCHA-100" })),
    );
    await workerAt(t, "2026-06-01 10:01:10");
    await workerAt(t, "2026-06-01 11:01:10");
    await delivery.drain();
    await sink.waitFor(before + members.length);
    const mails = sink.received.slice(before);
    const rows = await t.ctx.db
      .selectFrom("messages")
      .select(["id", "customer_id", "address", "status"])
      .where("shop_id", "=", shopId)
      .where("status", "=", "sent")
      .execute();
    return members.map((m) => {
      const mail = mails.find((r) => r.envelopeTo[0] === m.email);
      const row = rows.find((r) => r.address === m.email);
      expect(mail, `a reminder reached ${m.email}`).toBeDefined();
      expect(row, `the reminder to ${m.email} is sent`).toBeDefined();
      const unfolded = mail!.raw.toString("utf8").replace(/\r\n[ \t]+/g, " ");
      const mailto = unfolded.match(/<mailto:([^?>]+)\?subject=([^>]+)>/)!;
      return {
        messageId: row!.id,
        customerId: row!.customer_id,
        recipient: m.email,
        envelopeFrom: mail!.envelopeFrom,
        raw: mail!.raw,
        headerMessageId: mail!.messageId ?? "",
        unsubscribeMailto: { to: mailto[1], subject: decodeURIComponent(mailto[2]) },
      };
    });
  }

  return {
    t,
    shopId,
    sink,
    sendReminders,
    drain: () => delivery.drain(),
    async close() {
      await delivery.close();
      await sink.close();
      await t.close();
    },
  };
}

/** The inbound SMTP listener, in-process on a free port. */
export function startListener(t: TestApp): Promise<InboundSmtpServer> {
  return startInboundSmtp(t.ctx.db, t.clock, { port: 0 });
}

/** Hands a raw mail to the listener as an MTA would: over SMTP, with the given envelope. */
export async function deliverMail(
  listener: InboundSmtpServer,
  envelope: { from: string; to: string[] },
  raw: string | Buffer,
): Promise<void> {
  const transport = nodemailer.createTransport({ host: "127.0.0.1", port: listener.port, ignoreTLS: true });
  try {
    await transport.sendMail({ envelope, raw });
  } finally {
    transport.close();
  }
}

/** A mail client following the List-Unsubscribe mailto: a new mail from the member. */
export async function sendUnsubscribeMail(
  listener: InboundSmtpServer,
  from: string,
  mailto: { to: string; subject: string },
): Promise<void> {
  const transport = nodemailer.createTransport({ host: "127.0.0.1", port: listener.port, ignoreTLS: true });
  try {
    await transport.sendMail({ from, to: mailto.to, subject: mailto.subject, text: "unsubscribe" });
  } finally {
    transport.close();
  }
}

const inboundApps = new WeakMap<TestApp, Promise<FastifyInstance>>();

/**
 * The app the webhooks are posted to: the real app once it mounts inboundRoutes; until then the same
 * plugin on an app with the real auth and error handling.
 */
export function inboundApp(t: TestApp): Promise<FastifyInstance> {
  if (t.app.hasRoute({ method: "POST", url: "/hooks/email/inbound/:shopId" })) return Promise.resolve(t.app);
  let app = inboundApps.get(t);
  if (!app) {
    app = (async () => {
      const fastify = Fastify();
      fastify.setValidatorCompiler(validatorCompiler);
      fastify.setSerializerCompiler(serializerCompiler);
      fastify.setErrorHandler(errorHandler);
      await registerAuth(fastify, t.ctx);
      await fastify.register(inboundRoutes, { ctx: t.ctx });
      await fastify.ready();
      return fastify;
    })();
    inboundApps.set(t, app);
  }
  return app;
}

/** The shop's inbound setup, as GET /v1/channels/email/inbound shows it to the shop. */
export async function inboundSetup(t: TestApp) {
  const res = await (await inboundApp(t)).inject({
    method: "GET",
    url: "/v1/channels/email/inbound",
    headers: t.secret,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as {
    rawMail: { path: string; url: string | null };
    bounceEvents: { path: string; url: string | null };
    signature: { header: string; format: string; secret: string };
    addresses: { bounceAddress: string | null; unsubscribeAddress: string | null };
    reports: { received: number; byOutcome: Record<string, number>; byTopic: Record<string, number> };
  };
}

/** Posts to a hook, signed with `secret` (the shop's, unless a test says otherwise). */
export async function postSigned(
  t: TestApp,
  path: string,
  body: string,
  contentType: string,
  secret: string,
  signature = signInboundBody(secret, body),
) {
  return (await inboundApp(t)).inject({
    method: "POST",
    url: path,
    headers: { "content-type": contentType, [INBOUND_SIGNATURE_HEADER]: signature },
    payload: body,
  });
}

/** Closes the stand-in app, when one was made. */
export async function closeInboundApp(t: TestApp): Promise<void> {
  const app = await inboundApps.get(t);
  if (app && app !== t.app) await app.close();
  inboundApps.delete(t);
}

export async function messageOf(t: TestApp, id: number) {
  return t.ctx.db
    .selectFrom("messages")
    .select(["status", "status_reason", "delivered_at"])
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
}

/** The message's events after it was sent: [type, reason]. */
export async function eventsAfterSent(t: TestApp, id: number): Promise<Array<[string, string | null]>> {
  const rows = await t.ctx.db
    .selectFrom("message_events")
    .select(["type", "reason"])
    .where("message_id", "=", id)
    .orderBy("id")
    .execute();
  const sent = rows.findIndex((r) => r.type === "sent");
  return rows.slice(sent + 1).map((r) => [r.type, r.reason]);
}

export async function suppressionsOf(t: TestApp, shopId: number) {
  return t.ctx.db
    .selectFrom("suppressions")
    .select(["channel", "address", "reason"])
    .where("shop_id", "=", shopId)
    .orderBy("address")
    .execute();
}

export async function emailConsentOf(t: TestApp, shopId: number, customerId: number) {
  return t.ctx.db
    .selectFrom("consents")
    .select(["granted", "source"])
    .where("shop_id", "=", shopId)
    .where("customer_id", "=", customerId)
    .where("channel", "=", "email")
    .executeTakeFirst();
}
