// The vocabulary of the cross-shop table: who calls as shop B, what one probe sends and what it expects,
// and the signed deliveries a provider webhook takes (made with shop B's secrets).
import { createHmac, randomUUID } from "node:crypto";
import type { LightMyRequestResponse } from "fastify";
import { areaOf, type Role, roleMayAct } from "../../../src/accounts/roles.js";
import { csrfTokenFor, SESSION_COOKIE, signIn } from "../../../src/accounts/sessions.js";
import { addMember } from "../../../src/accounts/users.js";
import { shopifyHmac } from "../../../src/integrations/shopify/index.js";
import {
  INBOUND_SIGNATURE_HEADER,
  inboundWebhookSecret,
  signInboundBody,
} from "../../../src/messaging/inbound/signature.js";
import { postfixBounce } from "../../messaging/inbound/reports.js";
import { newSubscriber } from "../../messaging/push/push-service.js";
import { bearer } from "../../support/app.js";
import type { OwnShop, ShopA } from "./seed.js";
import { INSTANCE_SECRET, type World } from "./world.js";

/** Someone calling as shop B. Every probe runs once per caller. */
export interface Caller {
  name: string;
  headers(): Record<string, string>;
  /** Whether this caller may call the route (its auth level, its "METHOD /url") at all; where not, 403. */
  reaches(auth: string, route: string, routeAuth: string): boolean;
}

export function apiKeyCaller(name: string, key: string, kind: "secret" | "public"): Caller {
  return {
    name,
    headers: () => bearer(key),
    reaches: (auth) => auth === "public" || (kind === "secret" && auth === "secret"),
  };
}

/**
 * A person signed in to the admin as a member of shop B in a role: the session cookie, the CSRF token
 * and the shop header on every request. They reach a secret route only where their role may act.
 */
export async function userCaller(world: World, shopId: number, role: Role): Promise<Caller> {
  const email = `${role}@shop-b.example`;
  const password = "a passphrase of shop B";
  await addMember(world.ctx.db, world.clock, shopId, { email, role, password });
  const outcome = await signIn(world.ctx.db, world.clock, email, password);
  if (!outcome.ok) throw new Error(`could not sign in as ${email}`);
  const { token } = outcome.session;
  return {
    name: `a ${role} of shop B (signed in)`,
    headers: () => ({
      cookie: `${SESSION_COOKIE}=${token}`,
      "x-csrf-token": csrfTokenFor(INSTANCE_SECRET, token),
      "x-kizuna-shop": String(shopId),
    }),
    // Sessions reach only the routes declared "secret": storefront routes take keys alone.
    reaches: (auth, route, routeAuth) => {
      if (auth !== "secret" || routeAuth !== "secret") return false;
      const [method, url] = route.split(" ");
      return roleMayAct(role, areaOf(method, url));
    },
  };
}

/**
 * not-found: names a resource of A's, answered 404. no-leak: a list, search, report or preview, answered
 * 200 with nothing of A's in it (and, unless `own`, exactly what B's twin C gets). own-write: acts on B's
 * own data under A's identifiers. refused: a provider webhook signed with B's secret on A's path, 401.
 * After every probe, A's rows must be as they were.
 */
export type Outcome = "not-found" | "no-leak" | "own-write" | "refused";

export interface Probe {
  outcome: Outcome;
  url: string;
  /** A create that a second caller of B repeats answers this (B's own conflict, e.g. 409), not `status`. */
  repeatStatus?: number;
  payload?: unknown;
  /** A webhook delivery: sent as is, once, with no caller's key. */
  raw?: { body: string; headers: Record<string, string> };
  /** The status when the caller reaches the route, if not the outcome's (404, 200, 200, 401). */
  status?: number;
  /** no-leak: the answer shows B's own settings or ids, so it is not compared with the twin's. */
  own?: boolean;
  /** The handler wants the secret key although the route takes the public one (identify's profile fields). */
  needsSecret?: boolean;
  /** own-write: more about B's answer, e.g. that it is not A's row. Returns a problem, or null. */
  check?(res: LightMyRequestResponse): string | null;
}

export interface RouteCase {
  auth: "secret" | "public" | "session" | "none";
  /** Routes no shop principal calls: why another shop's data is out of reach, and where their own credential is tested. */
  open?: string;
  probes?: (a: ShopA, b: OwnShop) => Probe[];
}

export const DEFAULT_STATUS: Record<Outcome, number> = {
  "not-found": 404,
  "no-leak": 200,
  "own-write": 200,
  refused: 401,
};

/** A's marker and identifiers found in an answer, other than those the request itself sent. */
export function tracesOfA(res: LightMyRequestResponse, a: ShopA, sent: string): string[] {
  const answer = `${JSON.stringify(res.headers)}\n${res.body}`.toLowerCase();
  const request = sent.toLowerCase();
  return [a.marker, ...a.identifiers].filter((m) => {
    const needle = m.toLowerCase();
    return answer.includes(needle) && !request.includes(needle);
  });
}

/** A Shopify delivery signed with B's webhook secret, claiming to come from `domain`. */
export function shopifyDelivery(b: OwnShop, domain: string, payload: unknown) {
  const body = JSON.stringify(payload);
  return {
    body,
    headers: {
      "content-type": "application/json",
      "x-shopify-topic": "customers/update",
      "x-shopify-shop-domain": domain,
      "x-shopify-webhook-id": randomUUID(),
      "x-shopify-hmac-sha256": shopifyHmac(Buffer.from(body), b.shopifySecret),
    },
  };
}

/** A LINE delivery signed with B's channel secret: someone follows the account. */
export function lineDelivery(b: OwnShop, userId: string) {
  const body = JSON.stringify({
    destination: "Uown",
    events: [
      {
        type: "follow",
        mode: "active",
        timestamp: Date.parse("2026-06-01T00:00:00.000Z"),
        source: { type: "user", userId },
        webhookEventId: `01J${randomUUID().replaceAll("-", "").slice(0, 23).toUpperCase()}`,
        deliveryContext: { isRedelivery: false },
        replyToken: "reply-token",
        follow: { isUnblocked: false },
      },
    ],
  });
  const signature = createHmac("sha256", b.lineSecret).update(body).digest("base64");
  return { body, headers: { "content-type": "application/json", "x-line-signature": signature } };
}

const signedByB = (b: OwnShop, body: string, contentType: string) => ({
  body,
  headers: {
    "content-type": contentType,
    [INBOUND_SIGNATURE_HEADER.toLowerCase()]: signInboundBody(
      inboundWebhookSecret(INSTANCE_SECRET, b.shopId),
      body,
    ),
  },
});

/** A Postfix bounce of A's email (its VERP address names A's message), signed with B's inbound secret. */
export function bounceMail(a: ShopA, b: OwnShop) {
  const original = {
    envelopeFrom: `bounces+m${a.emailMessage}@${a.mailDomain}`,
    recipient: a.customer.email,
    raw: Buffer.from(`Message-ID: <kizuna.${a.emailMessage}@example.jp>\r\nSubject: x\r\n\r\nhello\r\n`),
  };
  return signedByB(b, postfixBounce(original), "message/rfc822");
}

/** A JSON bounce event about A's message or A's customer's address, signed with B's inbound secret. */
export function bounceEvent(b: OwnShop, event: Record<string, unknown>) {
  return signedByB(b, JSON.stringify({ type: "bounce", permanent: true, ...event }), "application/json");
}

/** A custom scenario B may save: it sends nothing. */
export const waitingFlow = {
  name: "B's",
  trigger: { type: "event", eventTypes: ["favourite"] },
  start: "pause",
  steps: [{ id: "pause", type: "wait", duration: { days: 1 } }],
};
/** A custom scenario that sends A's template. */
export const sendingFlow = (a: ShopA) => ({
  ...waitingFlow,
  start: "hello",
  steps: [{ id: "hello", type: "send", template: a.template.key, channels: ["email"] }],
});

/** An answer with its row and shop ids blanked: twins have the same data under different ids. */
export function withoutIds(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), (key, value) =>
      typeof value === "number" && /^(id|.*Id|.*_id)$/.test(key) ? "#" : value,
    );
  } catch {
    return body;
  }
}

export function notA(id: unknown, aId: number, what: string): string | null {
  return Number(id) === aId ? `answered with A's ${what} ${aId}` : null;
}
export const mergedNothing = (merged: unknown) => (merged === 0 ? null : `merged ${merged} profiles`);
export const noneLinked = (linked: unknown) => (linked === 0 ? null : `linked ${linked} of A's events`);
export const unmatched = (res: LightMyRequestResponse) =>
  res.json().outcome === "unmatched" ? null : `applied to a message: ${res.body}`;
export function pushKeys() {
  const { p256dh, auth } = newSubscriber();
  return { p256dh, auth };
}
export function shopifyCustomer(a: ShopA) {
  return { id: 7_000_001, email: a.customer.email, first_name: "B", last_name: "B", phone: null, tags: "" };
}
