// Guardrails against tiring customers: frequency caps (per channel and across channels) and quiet
// hours per channel, in the shop's time zone. The shop sets defaults (shops.settings.guardrails), a
// scenario may override them; transactional messages are exempt from both.
import { anyOf, type Channel, type Db, fromJson, type NewMessage, selectIn } from "../db/index.js";
import { type Frequency, frequencyWindowDays } from "../messaging/preferences/preferences.js";
import type { FrequencyCap, Guardrails, ScenarioDefinition } from "./definition.js";

/** What a shop gets until it says otherwise: one promotional message a day, three a week; no SMS, LINE or push at night. */
export const DEFAULT_GUARDRAILS: Required<Guardrails> = {
  frequencyCaps: [
    { max: 1, perDays: 1 },
    { max: 3, perDays: 7 },
  ],
  quietHours: {
    sms: { from: "21:00", to: "08:00" },
    line: { from: "21:00", to: "08:00" },
    push: { from: "21:00", to: "08:00" },
  },
};

export interface EffectiveGuardrails {
  frequencyCaps: FrequencyCap[];
  quietHours: Partial<Record<Channel, { from: string; to: string } | null>>;
}

export async function shopGuardrails(db: Db, shopId: number): Promise<EffectiveGuardrails> {
  const row = await db.selectFrom("shops").select("settings").where("id", "=", shopId).executeTakeFirst();
  return guardrailsFromSettings(row?.settings);
}

/** The shop's rules from its settings document (shops.settings), defaults where it says nothing. */
export function guardrailsFromSettings(settingsJson: string | undefined): EffectiveGuardrails {
  const settings = fromJson<{ guardrails?: Guardrails }>(settingsJson);
  return {
    frequencyCaps: settings.guardrails?.frequencyCaps ?? DEFAULT_GUARDRAILS.frequencyCaps,
    quietHours: { ...DEFAULT_GUARDRAILS.quietHours, ...(settings.guardrails?.quietHours ?? {}) },
  };
}

/** The scenario's overrides on top of the shop's rules (a null quiet-hours entry lifts the channel's). */
export function effectiveGuardrails(
  shop: EffectiveGuardrails,
  definition: ScenarioDefinition,
): EffectiveGuardrails {
  const own = definition.guardrails;
  return {
    frequencyCaps: own?.frequencyCaps ?? shop.frequencyCaps,
    quietHours: { ...shop.quietHours, ...(own?.quietHours ?? {}) },
  };
}

/** Statuses of messages that count against caps: everything not suppressed or failed before sending. */
const COUNTED = ["queued", "rendering", "sending", "sent", "delivered", "deferred"] as const;

/**
 * Recent promotional messages per customer, to check caps against; messages queued in this pass are
 * added with `record` so one batch cannot exceed a cap either.
 */
/** A cap a message breaks: one of the shop's (or the scenario's), or the customer's own choice. */
export type BrokenCap = FrequencyCap & { customerChoice?: Frequency };

export class CapLedger {
  private readonly sent = new Map<number, Array<{ channel: Channel; at: number }>>();
  /**
   * Customers who chose in the preference centre to hear at most weekly or monthly: one promotional
   * message in any 7 or 30 days, on every channel together, on top of the shop's caps.
   */
  private readonly chosen = new Map<number, BrokenCap>();

  /** `pending`: messages queued earlier in the same pass, not yet written. */
  static async load(
    db: Db,
    shopId: number,
    customerIds: number[],
    now: Date,
    lookbackDays: number,
    pending: NewMessage[] = [],
  ): Promise<CapLedger> {
    const ledger = new CapLedger();
    if (customerIds.length === 0) return ledger;
    const choices = await selectIn(db, customerIds, (ids) =>
      db
        .selectFrom("customer_preferences")
        .select(["customer_id", "frequency"])
        .where("shop_id", "=", shopId)
        .where(anyOf(db, "customer_id", ids))
        .where("frequency", "in", ["weekly", "monthly"])
        .execute(),
    );
    let lookback = lookbackDays;
    for (const c of choices) {
      const frequency = c.frequency as Frequency;
      const perDays = frequencyWindowDays(frequency);
      if (perDays === null) continue;
      ledger.chosen.set(c.customer_id, { max: 1, perDays, customerChoice: frequency });
      lookback = Math.max(lookback, perDays);
    }
    const since = new Date(now.getTime() - lookback * 86_400_000).toISOString();
    const rows = await selectIn(db, customerIds, (ids) =>
      db
        .selectFrom("messages")
        .select(["customer_id", "channel", "queued_at"])
        .where("shop_id", "=", shopId)
        .where(anyOf(db, "customer_id", ids))
        .where("queued_at", ">", since)
        .where("queued_at", "<=", now.toISOString())
        .where("message_class", "=", "promotional")
        .where("status", "in", COUNTED)
        .execute(),
    );
    for (const r of rows) ledger.record(r.customer_id, r.channel, Date.parse(r.queued_at));
    const wanted = new Set(customerIds);
    for (const m of pending) {
      if (m.status === "queued" && m.message_class === "promotional" && wanted.has(m.customer_id)) {
        ledger.record(m.customer_id, m.channel, Date.parse(m.queued_at));
      }
    }
    return ledger;
  }

  record(customerId: number, channel: Channel, at: number): void {
    const list = this.sent.get(customerId);
    if (list) list.push({ channel, at });
    else this.sent.set(customerId, [{ channel, at }]);
  }

  /** The first cap a message on `channel` would break (the shop's first, then the customer's), or null. */
  breaks(customerId: number, channel: Channel, now: number, caps: FrequencyCap[]): BrokenCap | null {
    const list = this.sent.get(customerId) ?? [];
    const own = this.chosen.get(customerId);
    for (const cap of own ? [...caps, own] : caps) {
      if (cap.channel && cap.channel !== channel) continue;
      const since = now - cap.perDays * 86_400_000;
      const n = list.filter((m) => m.at > since && (!cap.channel || m.channel === cap.channel)).length;
      if (n >= cap.max) return cap;
    }
    return null;
  }
}

export function longestCapWindow(caps: FrequencyCap[]): number {
  return caps.reduce((m, c) => Math.max(m, c.perDays), 1);
}
