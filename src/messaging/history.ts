// One message's history, for the API and the CLI alike: where it is, how many attempts, why, and every
// state it went through (message_events), oldest first.
import { NotFoundError } from "../core/errors.js";
import { type Db, fromJson } from "../db/index.js";

export interface MessageHistory {
  id: number;
  customerId: number;
  channel: string;
  template: string;
  status: string;
  reason: string | null;
  attempts: number;
  queuedAt: string;
  sentAt: string | null;
  openedAt: string | null;
  clickedAt: string | null;
  events: Array<{ type: string; reason: string | null; detail: unknown; at: string }>;
}

export async function messageHistory(db: Db, shopId: number, id: number): Promise<MessageHistory> {
  const m = await db
    .selectFrom("messages")
    .selectAll()
    .where("shop_id", "=", shopId)
    .where("id", "=", id)
    .executeTakeFirst();
  if (!m) throw new NotFoundError(`message ${id}`);
  const events = await db
    .selectFrom("message_events")
    .select(["type", "reason", "detail", "at"])
    .where("shop_id", "=", shopId)
    .where("message_id", "=", m.id)
    .orderBy("id")
    .execute();
  return {
    id: m.id,
    customerId: m.customer_id,
    channel: m.channel,
    template: m.template_key,
    status: m.status,
    reason: m.status_reason,
    attempts: m.attempts,
    queuedAt: m.queued_at,
    sentAt: m.sent_at,
    openedAt: m.opened_at,
    clickedAt: m.clicked_at,
    events: events.map((e) => ({ ...e, detail: e.detail ? fromJson(e.detail) : null })),
  };
}
