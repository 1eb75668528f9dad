// Deliverability: bounce, complaint and unsubscribe rates per send (a campaign, or a scenario step), and
// the guard that pauses a shop's email when the last day's rates pass its thresholds — mailbox providers
// throttle or block a sender long before a shop notices, so the pipeline stops first and says why.
import { sql } from "kysely";
import { z } from "zod";
import type { Clock } from "../core/clock.js";
import { toIso } from "../core/clock.js";
import { type Db, fromJson } from "../db/index.js";
import { pauseChannel } from "./channels/settings.js";

const rateBounds = z.number().min(0).max(1);
/** The fields and their bounds, without defaults: what a change to the thresholds is checked against. */
export const deliverabilityFields = {
  maxBounceRate: rateBounds,
  maxComplaintRate: rateBounds,
  maxUnsubscribeRate: rateBounds,
  /** Rates over fewer sends than this say little: no pause below it. */
  minSends: z.number().int().min(1),
};
export const deliverabilitySettingsSchema = z.object({
  maxBounceRate: deliverabilityFields.maxBounceRate.default(0.05),
  maxComplaintRate: deliverabilityFields.maxComplaintRate.default(0.003),
  maxUnsubscribeRate: deliverabilityFields.maxUnsubscribeRate.default(0.02),
  minSends: deliverabilityFields.minSends.default(200),
});
export type DeliverabilitySettings = z.infer<typeof deliverabilitySettingsSchema>;

export function deliverabilitySettings(settingsJson: string | undefined): DeliverabilitySettings {
  const parsed = deliverabilitySettingsSchema.safeParse(
    fromJson<{ deliverability?: unknown }>(settingsJson).deliverability ?? {},
  );
  return parsed.success ? parsed.data : deliverabilitySettingsSchema.parse({});
}

export interface SendRates {
  /** "campaign:<id>", "scenario:<id>:<step>", or "all". */
  send: string;
  sent: number;
  bounced: number;
  complaints: number;
  unsubscribes: number;
  opened: number;
  clicked: number;
  bounceRate: number;
  complaintRate: number;
  unsubscribeRate: number;
}

const rate = (n: number, of: number) => (of === 0 ? 0 : Math.round((n / of) * 10_000) / 10_000);

/**
 * Rates per send for a shop's messages on a channel sent since `since`. Sent counts messages that left
 * (sent, delivered or bounced afterwards); the other counts come from their events.
 */
export async function sendRates(
  db: Db,
  shopId: number,
  options: { since: string; channel?: string; by?: "send" | "all" },
): Promise<SendRates[]> {
  const channel = options.channel ?? "email";
  const sendKey =
    options.by === "all"
      ? sql<string>`'all'`
      : sql<string>`case when m.campaign_id is not null then 'campaign:' || cast(m.campaign_id as text)
          when m.scenario_id is not null then 'scenario:' || cast(m.scenario_id as text) || ':' || m.step_id
          else 'other' end`;
  const eventCount = (type: string) =>
    sql<number>`count(distinct case when e.type = ${type} then e.message_id end)`;
  const rows = await db
    .selectFrom("messages as m")
    .leftJoin("message_events as e", (j) =>
      j.onRef("e.message_id", "=", "m.id").on("e.type", "in", ["bounced", "complaint", "unsubscribe"]),
    )
    .select([
      sendKey.as("send"),
      sql<number>`count(distinct m.id)`.as("sent"),
      eventCount("bounced").as("bounced"),
      eventCount("complaint").as("complaints"),
      eventCount("unsubscribe").as("unsubscribes"),
      sql<number>`count(distinct case when m.opened_at is not null then m.id end)`.as("opened"),
      sql<number>`count(distinct case when m.clicked_at is not null then m.id end)`.as("clicked"),
    ])
    .where("m.shop_id", "=", shopId)
    .where("m.channel", "=", channel as "email")
    .where("m.sent_at", ">=", options.since)
    .groupBy(sql`1`)
    .orderBy(sql`1`)
    .execute();
  return rows.map((r) => {
    const sent = Number(r.sent);
    const bounced = Number(r.bounced);
    const complaints = Number(r.complaints);
    const unsubscribes = Number(r.unsubscribes);
    return {
      send: r.send,
      sent,
      bounced,
      complaints,
      unsubscribes,
      opened: Number(r.opened),
      clicked: Number(r.clicked),
      bounceRate: rate(bounced, sent),
      complaintRate: rate(complaints, sent),
      unsubscribeRate: rate(unsubscribes, sent),
    };
  });
}

const WINDOW_MS = 24 * 3_600_000;

/**
 * The worker's guard: for each shop sending email, the rates of the last 24 hours (or since the channel
 * was last resumed or changed, whichever is later); above a threshold, email pauses with the reason.
 * Returns how many channels it paused.
 */
export async function guardDeliverability(db: Db, clock: Clock): Promise<number> {
  const now = clock.now().getTime();
  const channels = await db
    .selectFrom("channel_settings")
    .innerJoin("shops", "shops.id", "channel_settings.shop_id")
    .select(["channel_settings.shop_id", "channel_settings.updated_at", "shops.settings"])
    .where("channel_settings.channel", "=", "email")
    .where("channel_settings.paused_at", "is", null)
    .execute();
  let paused = 0;
  for (const c of channels) {
    const limits = deliverabilitySettings(c.settings);
    const since = toIso(Math.max(now - WINDOW_MS, Date.parse(c.updated_at)));
    const [all] = await sendRates(db, c.shop_id, { since, by: "all" });
    if (!all || all.sent < limits.minSends) continue;
    const percent = (r: number) => `${(r * 100).toFixed(1)}%`;
    const breach =
      all.bounceRate > limits.maxBounceRate
        ? `bounce rate ${percent(all.bounceRate)} (limit ${percent(limits.maxBounceRate)})`
        : all.complaintRate > limits.maxComplaintRate
          ? `complaint rate ${percent(all.complaintRate)} (limit ${percent(limits.maxComplaintRate)})`
          : all.unsubscribeRate > limits.maxUnsubscribeRate
            ? `unsubscribe rate ${percent(all.unsubscribeRate)} (limit ${percent(limits.maxUnsubscribeRate)})`
            : null;
    if (breach) {
      await pauseChannel(db, clock, c.shop_id, "email", `${breach} over ${all.sent} emails since ${since}`);
      paused++;
    }
  }
  return paused;
}
