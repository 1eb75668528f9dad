// The audit log: who changed or sent what, and when. Entries name the actor (a user's email or an API
// key's prefix) and the route's parameters, never a request body: bodies carry customers' personal data.
import { type Clock, toIso } from "../core/clock.js";
import type { Db } from "../db/index.js";

export type ActorKind = "user" | "api_key" | "cli" | "system";

export interface Actor {
  kind: ActorKind;
  id: number | null;
  label: string;
}

/** Commands run in the server's shell: whoever can run them owns the instance. */
export const CLI_ACTOR: Actor = { kind: "cli", id: null, label: "kizuna (server shell)" };

export interface AuditEntry {
  shopId: number | null;
  actor: Actor;
  action: string;
  target?: Record<string, unknown>;
  status?: number;
}

export async function recordAudit(db: Db, clock: Clock, entry: AuditEntry): Promise<void> {
  await db
    .insertInto("audit_log")
    .values({
      shop_id: entry.shopId,
      actor_kind: entry.actor.kind,
      actor_id: entry.actor.id,
      actor_label: entry.actor.label,
      action: entry.action,
      target: JSON.stringify(entry.target ?? {}),
      status: entry.status ?? null,
      at: toIso(clock.now()),
    })
    .execute();
}

export interface AuditRecord {
  id: number;
  at: string;
  actorKind: ActorKind;
  actorId: number | null;
  actor: string;
  action: string;
  target: Record<string, unknown>;
  status: number | null;
}

/** Newest first; `before` (an entry id) pages back. */
export async function listAudit(
  db: Db,
  shopId: number,
  options: { limit?: number; before?: number; action?: string } = {},
): Promise<AuditRecord[]> {
  let query = db
    .selectFrom("audit_log")
    .selectAll()
    .where("shop_id", "=", shopId)
    .orderBy("id", "desc")
    .limit(Math.min(options.limit ?? 100, 1000));
  if (options.before !== undefined) query = query.where("id", "<", options.before);
  if (options.action) query = query.where("action", "=", options.action);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: Number(r.id),
    at: r.at,
    actorKind: r.actor_kind,
    actorId: r.actor_id === null ? null : Number(r.actor_id),
    actor: r.actor_label,
    action: r.action,
    target: typeof r.target === "string" ? JSON.parse(r.target) : (r.target as Record<string, unknown>),
    status: r.status,
  }));
}
