// Double opt-in requests, kept in the consent log until a table of their own exists: a request is a
// consent_log row with source "double-opt-in:pending" and granted 0 — the consent stays off, and the
// log says so — plus a transactional confirmation mail in the outbox whose payload carries the signed
// link. Confirming grants the consent with source "double-opt-in", logged like any other change.
//
// A request is answered once: a later "no" (an unsubscribe, the shop's API) outranks an older pending
// "yes", so an old link cannot sign someone up again; a link older than CONFIRMATION_VALID_DAYS is
// refused; and sign-ups repeated within RESEND_AFTER_MS do not mail the customer again.
import type { Clock } from "../../core/clock.js";
import { toIso } from "../../core/clock.js";
import { setConsents } from "../../customers/index.js";
import { type Db, inTransaction, toJson } from "../../db/index.js";
import { recordMessageEvents } from "../outbox.js";
import type { OptInChannel } from "./settings.js";
import { ensureOptInTemplates, OPT_IN_TEMPLATE_KEY } from "./templates.js";
import { CONFIRMATION_VALID_DAYS, type ConfirmationRef, confirmationToken } from "./token.js";

export const OPT_IN_SOURCES = {
  /** The consent_log row of a request waiting for its confirmation (granted 0). */
  pending: "double-opt-in:pending",
  /** The consent granted by the customer's confirmation. */
  confirmed: "double-opt-in",
} as const;

/** A second sign-up within this time reuses the first request instead of mailing again. */
export const RESEND_AFTER_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface ConfirmationRequest {
  shopId: number;
  customerId: number;
  channel: OptInChannel;
  /** Where the sign-up came from ("api", "api:identify"), kept with the mail for the record. */
  source: string;
}

export type RequestOutcome =
  | { status: "requested"; requestId: number; messageId: number }
  /** A request made less than RESEND_AFTER_MS ago is still open: nothing new is sent. */
  | { status: "already-requested"; requestId: number }
  | { status: "already-granted" }
  /** The customer has no address on the channel to send the link to. */
  | { status: "no-address" };

/** The payload of the confirmation mail: the renderer turns the token into {{ confirmUrl }}. */
export interface OptInPayload {
  optIn: { channel: OptInChannel; token: string; source: string };
}

/**
 * Records a pending request and queues the confirmation mail (template "opt-in.confirm"); the consent
 * stays off. `secret` signs the link. Joins the caller's transaction when given one.
 */
export async function requestConfirmation(
  db: Db,
  clock: Clock,
  secret: string,
  request: ConfirmationRequest,
): Promise<RequestOutcome> {
  const { shopId, customerId, channel } = request;
  const now = clock.now();
  const at = toIso(now);
  return inTransaction(db, async (trx) => {
    const customer = await trx
      .selectFrom("customers")
      .select("email")
      .where("shop_id", "=", shopId)
      .where("id", "=", customerId)
      .executeTakeFirst();
    if (!customer?.email) return { status: "no-address" };
    const consent = await currentConsent(trx, shopId, customerId, channel);
    if (consent === 1) return { status: "already-granted" };
    const open = await latestRequest(trx, shopId, customerId, channel);
    if (open && now.getTime() - Date.parse(open.recorded_at) < RESEND_AFTER_MS) {
      return { status: "already-requested", requestId: open.id };
    }

    const logged = await trx
      .insertInto("consent_log")
      .values({
        shop_id: shopId,
        customer_id: customerId,
        channel,
        granted: 0,
        source: OPT_IN_SOURCES.pending,
        recorded_at: at,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const ref: ConfirmationRef = { shopId, customerId, channel, requestId: logged.id };
    const payload: OptInPayload = {
      optIn: { channel, token: confirmationToken(secret, ref), source: request.source },
    };
    await ensureOptInTemplates(trx, clock, shopId);
    const message = await trx
      .insertInto("messages")
      .values({
        shop_id: shopId,
        customer_id: customerId,
        channel,
        template_key: OPT_IN_TEMPLATE_KEY,
        message_class: "transactional",
        status: "queued",
        status_reason: null,
        idempotency_key: confirmationMessageKey(logged.id),
        scenario_id: null,
        scenario_version: null,
        run_id: null,
        step_id: null,
        campaign_id: null,
        variant: null,
        payload: toJson(payload),
        queued_at: at,
        sent_at: null,
        opened_at: null,
        clicked_at: null,
        updated_at: at,
        due_at: at,
        address: null,
        provider_id: null,
        delivered_at: null,
        converted_at: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return { status: "requested", requestId: logged.id, messageId: message.id };
  });
}

/** The outbox key of a request's mail: one mail per request, however often it is retried. */
export function confirmationMessageKey(requestId: number): string {
  return `opt-in:${requestId}`;
}

async function currentConsent(db: Db, shopId: number, customerId: number, channel: OptInChannel) {
  const row = await db
    .selectFrom("consents")
    .select("granted")
    .where("shop_id", "=", shopId)
    .where("customer_id", "=", customerId)
    .where("channel", "=", channel)
    .executeTakeFirst();
  return row?.granted ?? null;
}

/** The customer's newest pending request on the channel, unless something was logged after it. */
async function latestRequest(db: Db, shopId: number, customerId: number, channel: OptInChannel) {
  const latest = await db
    .selectFrom("consent_log")
    .select(["id", "source", "recorded_at"])
    .where("shop_id", "=", shopId)
    .where("customer_id", "=", customerId)
    .where("channel", "=", channel)
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  return latest?.source === OPT_IN_SOURCES.pending ? latest : undefined;
}

/** What a confirmation link stands for now. */
export type ConfirmationState =
  | { state: "invalid" }
  /** The shop, the customer or the request no longer exists. */
  | { state: "gone" }
  | { state: "pending" | "confirmed" | "expired" | "withdrawn"; request: OpenRequest };

export interface OpenRequest {
  shop: { id: number; name: string; locale: string };
  /** The customer now (a merged profile's requests move to the one it was merged into). */
  customerId: number;
  channel: OptInChannel;
  requestId: number;
}

/** Reads, without changing anything, what the link's request is now. */
export async function confirmationState(
  db: Db,
  clock: Clock,
  ref: ConfirmationRef | null,
): Promise<ConfirmationState> {
  if (!ref) return { state: "invalid" };
  const shop = await db
    .selectFrom("shops")
    .select(["id", "name", "locale"])
    .where("id", "=", ref.shopId)
    .executeTakeFirst();
  const pending = await db
    .selectFrom("consent_log")
    .select(["id", "customer_id", "recorded_at"])
    .where("shop_id", "=", ref.shopId)
    .where("id", "=", ref.requestId)
    .where("channel", "=", ref.channel)
    .where("source", "=", OPT_IN_SOURCES.pending)
    .executeTakeFirst();
  if (!shop || !pending || !(await isSameCustomer(db, ref, pending.customer_id))) return { state: "gone" };

  const request: OpenRequest = {
    shop,
    customerId: pending.customer_id,
    channel: ref.channel,
    requestId: pending.id,
  };
  const later = await db
    .selectFrom("consent_log")
    .select(["granted", "source"])
    .where("shop_id", "=", shop.id)
    .where("customer_id", "=", pending.customer_id)
    .where("channel", "=", ref.channel)
    .where("id", ">", pending.id)
    .orderBy("id", "desc")
    .execute();
  const consent = await currentConsent(db, shop.id, pending.customer_id, ref.channel);
  if (consent === 1) return { state: "confirmed", request };
  if (later.some((l) => l.granted === 0 && l.source !== OPT_IN_SOURCES.pending)) {
    return { state: "withdrawn", request };
  }
  const age = clock.now().getTime() - Date.parse(pending.recorded_at);
  if (age > CONFIRMATION_VALID_DAYS * DAY_MS) return { state: "expired", request };
  return { state: "pending", request };
}

/** The token's customer is the request's, or was merged into it since. */
async function isSameCustomer(db: Db, ref: ConfirmationRef, requestCustomerId: number): Promise<boolean> {
  if (ref.customerId === requestCustomerId) return true;
  const tombstone = await db
    .selectFrom("customers")
    .select("merged_into_id")
    .where("shop_id", "=", ref.shopId)
    .where("id", "=", ref.customerId)
    .executeTakeFirst();
  return tombstone?.merged_into_id === requestCustomerId;
}

/**
 * Grants the consent a pending link asks for (source "double-opt-in"), logs it, and records a
 * "confirmed" event on the confirmation mail. Any other state is returned as it is and changes nothing.
 */
export async function confirmRequest(
  db: Db,
  clock: Clock,
  ref: ConfirmationRef | null,
): Promise<ConfirmationState> {
  return inTransaction(db, async (trx) => {
    const found = await confirmationState(trx, clock, ref);
    if (found.state !== "pending") return found;
    const { request } = found;
    const at = toIso(clock.now());
    await setConsents(
      trx,
      clock,
      request.shop.id,
      request.customerId,
      { [request.channel]: true },
      OPT_IN_SOURCES.confirmed,
      at,
    );
    const mail = await trx
      .selectFrom("messages")
      .select("id")
      .where("shop_id", "=", request.shop.id)
      .where("idempotency_key", "=", confirmationMessageKey(request.requestId))
      .executeTakeFirst();
    if (mail) {
      await recordMessageEvents(trx, [
        {
          shopId: request.shop.id,
          messageId: mail.id,
          type: "confirmed",
          reason: OPT_IN_SOURCES.confirmed,
          at,
        },
      ]);
    }
    return { state: "confirmed", request };
  });
}
