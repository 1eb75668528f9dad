// The outbox's state machine. A message moves queued → rendering → sending → sent (→ delivered, opened,
// clicked, converted), or to deferred (tried again later), bounced, failed or suppressed; every move is
// a row in message_events with its reason. Transitions are written in bulk: one statement for the
// messages and one for their events, whatever the batch size.
import { sql } from "kysely";
import { type BulkColumn, bulkInsert, bulkUpdate } from "../db/bulk.js";
import { type Channel, type Db, forClaim, type Message, type MessageStatus, toJson } from "../db/index.js";
import { OPEN_MESSAGE_STATUSES } from "../db/migrations/0005_delivery.js";

export interface Transition {
  id: number;
  shopId: number;
  status: MessageStatus;
  reason: string | null;
  /** For queued/deferred: when to try again; for rendering/sending: the lease's end; otherwise null. */
  dueAt: string | null;
  /** The address it went to, when known. */
  address?: string | null;
  providerId?: string | null;
  /** Extra facts for the event row (provider response, bounce diagnostic). */
  detail?: Record<string, unknown>;
}

const TRANSITION_COLUMNS = [
  ["status", "text"],
  ["status_reason", "text"],
  ["due_at", "timestamptz"],
  ["address", "text"],
  ["provider_id", "text"],
  ["sent_at", "timestamptz"],
  ["attempts", "integer"],
  ["updated_at", "timestamptz"],
] as const satisfies readonly BulkColumn[];

const EVENT_COLUMNS = [
  ["shop_id", "bigint"],
  ["message_id", "bigint"],
  ["type", "text"],
  ["reason", "text"],
  ["detail", "jsonb"],
  ["at", "timestamptz"],
] as const satisfies readonly BulkColumn[];

/** What the row looked like when claimed, so a transition keeps what it does not change. */
export interface ClaimedRow {
  id: number;
  address: string | null;
  provider_id: string | null;
  sent_at: string | null;
  attempts: number;
}

/**
 * Writes transitions and their events. `before` holds each message's row as claimed; `attempt` says
 * whether this transition ends an attempt to send (counted in attempts).
 */
export async function writeTransitions(
  db: Db,
  now: string,
  transitions: Array<Transition & { before: ClaimedRow; attempt?: boolean }>,
): Promise<void> {
  if (transitions.length === 0) return;
  await bulkUpdate(
    db,
    "messages",
    ["id", "bigint"],
    TRANSITION_COLUMNS,
    transitions.map((t) => [
      t.id,
      t.status,
      t.reason,
      t.dueAt,
      t.address !== undefined ? t.address : t.before.address,
      t.providerId !== undefined ? t.providerId : t.before.provider_id,
      t.status === "sent" ? now : t.before.sent_at,
      t.before.attempts + (t.attempt ? 1 : 0),
      now,
    ]),
  );
  await bulkInsert(
    db,
    "message_events",
    EVENT_COLUMNS,
    transitions.map((t) => [t.shopId, t.id, t.status, t.reason, t.detail ? toJson(t.detail) : null, now]),
  );
}

/** Records things that happen to sent messages (open, click, unsubscribe, complaint, delivered). */
export async function recordMessageEvents(
  db: Db,
  events: Array<{
    shopId: number;
    messageId: number;
    type: string;
    reason?: string | null;
    detail?: unknown;
    at: string;
  }>,
): Promise<void> {
  await bulkInsert(
    db,
    "message_events",
    EVENT_COLUMNS,
    events.map((e) => [
      e.shopId,
      e.messageId,
      e.type,
      e.reason ?? null,
      e.detail === undefined ? null : toJson(e.detail),
      e.at,
    ]),
  );
}

/**
 * Claims up to `limit` messages that are due: queued or deferred ones whose time has come, and ones a
 * crashed worker was rendering or sending when its lease ran out. They move to "rendering" with this
 * worker's lease, in one transaction, so no two workers hold the same message (SKIP LOCKED on
 * PostgreSQL; SQLite has one writer).
 */
export async function claimDueMessages(
  db: Db,
  now: string,
  leaseUntil: string,
  limit: number,
  channels?: readonly Channel[],
): Promise<Message[]> {
  return db.transaction().execute(async (trx) => {
    let query = trx
      .selectFrom("messages")
      .selectAll()
      .where(sql<boolean>`status in (${sql.join(OPEN_MESSAGE_STATUSES.map((s) => sql.lit(s)))})`)
      .where("due_at", "<=", now)
      .orderBy("due_at")
      .limit(limit);
    if (channels) query = query.where("channel", "in", [...channels]);
    // A paused channel's messages wait where they are until the shop resumes it.
    query = query.where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("channel_settings as cs")
            .select("cs.shop_id")
            .whereRef("cs.shop_id", "=", "messages.shop_id")
            .whereRef("cs.channel", "=", "messages.channel")
            .where("cs.paused_at", "is not", null),
        ),
      ),
    );
    const rows = await forClaim(trx, query).execute();
    if (rows.length === 0) return [];
    const taken = rows.map((r) => {
      // A message left "sending" by a crashed worker may have reached the provider: say so.
      const reason =
        r.status === "sending" || r.status === "rendering" ? `lease expired while ${r.status}` : null;
      return { ...r, status_reason: reason };
    });
    await writeTransitions(
      trx as unknown as Db,
      now,
      taken.map((r) => ({
        id: r.id,
        shopId: r.shop_id,
        status: "rendering",
        reason: r.status_reason,
        dueAt: leaseUntil,
        before: r,
      })),
    );
    return taken.map((r) => ({ ...r, status: "rendering" as const, due_at: leaseUntil }));
  });
}
