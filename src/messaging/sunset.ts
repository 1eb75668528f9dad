// The sunset policy: an address that has not opened or clicked anything in 180 days (configurable) gets
// no more promotional email — sending on to people who stopped reading is what gets a shop's mail put in
// spam for everyone. Before that, each such customer is asked once whether to keep receiving mail (the
// re-permission message); opening or clicking it makes them active again.
import { sql } from "kysely";
import { z } from "zod";
import type { Clock } from "../core/clock.js";
import { toIso } from "../core/clock.js";
import { anyOf, type Db, fromJson, selectIn } from "../db/index.js";
import { button, heading, text } from "../scenarios/library/content/blocks.js";
import { emailDocument, escapeOutputs } from "../scenarios/library/content/layout.js";
import { ensureTemplates } from "../scenarios/templates.js";

export const REPERMISSION_TEMPLATE = "sunset.repermission";

/** The fields and their bounds, without defaults: what a change to the policy is checked against. */
export const sunsetFields = {
  enabled: z.boolean(),
  /** From a month to three years without an open or a click. */
  days: z.number().int().min(30).max(1095),
};
export const sunsetSettingsSchema = z.object({
  enabled: sunsetFields.enabled.default(true),
  days: sunsetFields.days.default(180),
});
export type SunsetSettings = z.infer<typeof sunsetSettingsSchema>;

export function sunsetSettings(settingsJson: string | undefined): SunsetSettings {
  const parsed = sunsetSettingsSchema.safeParse(fromJson<{ sunset?: unknown }>(settingsJson).sunset ?? {});
  return parsed.success ? parsed.data : sunsetSettingsSchema.parse({});
}

export type SunsetVerdict = "send" | "ask" | "sunset";

/**
 * For each customer: send as usual, ask once (send the re-permission message instead), or stop. Only
 * customers mailed for at least `days` count: a new subscriber who has not opened yet is not inactive.
 */
export async function sunsetVerdicts(
  db: Db,
  shopId: number,
  customerIds: number[],
  now: Date,
  settings: SunsetSettings,
): Promise<Map<number, SunsetVerdict>> {
  const verdicts = new Map<number, SunsetVerdict>();
  if (!settings.enabled || customerIds.length === 0) return verdicts;
  const cutoff = toIso(now.getTime() - settings.days * 86_400_000);
  const rows = await selectIn(db, customerIds, (ids) =>
    db
      .selectFrom("messages")
      .select([
        "customer_id",
        sql<string>`min(sent_at)`.as("first_sent"),
        sql<string | null>`max(opened_at)`.as("last_open"),
        sql<string | null>`max(clicked_at)`.as("last_click"),
        sql<string | null>`max(case when template_key = ${REPERMISSION_TEMPLATE} then sent_at end)`.as(
          "asked",
        ),
      ])
      .where("shop_id", "=", shopId)
      .where("channel", "=", "email")
      .where(anyOf(db, "customer_id", ids))
      .where("sent_at", "is not", null)
      .groupBy("customer_id")
      .execute(),
  );
  for (const r of rows) {
    if (r.first_sent > cutoff) continue;
    const engaged = [r.last_open, r.last_click].some((t) => t !== null && t > cutoff);
    if (engaged) continue;
    verdicts.set(r.customer_id, r.asked ? "sunset" : "ask");
  }
  return verdicts;
}

/** The re-permission message, queued once per customer (its idempotency key says so). */
export async function queueRepermission(
  db: Db,
  clock: Clock,
  shopId: number,
  customerIds: number[],
): Promise<void> {
  if (customerIds.length === 0) return;
  await ensureRepermissionTemplates(db, clock, shopId);
  const now = toIso(clock.now());
  await db
    .insertInto("messages")
    .values(
      customerIds.map((customerId) => ({
        shop_id: shopId,
        customer_id: customerId,
        channel: "email" as const,
        template_key: REPERMISSION_TEMPLATE,
        message_class: "promotional" as const,
        status: "queued" as const,
        status_reason: "sunset policy: asking before stopping",
        idempotency_key: `sunset:${customerId}`,
        payload: "{}",
        queued_at: now,
        updated_at: now,
        due_at: now,
      })),
    )
    .onConflict((oc) => oc.columns(["shop_id", "idempotency_key"]).doNothing())
    .execute();
}

const COPY = {
  ja: {
    subject: "【{{ shop.name }}】今後もメールをお届けしてよろしいですか？",
    preheader: "ボタンを押すだけで、これまで通りお届けします。",
    heading: "今後もメールを<br />お届けしてよろしいですか？",
    body: `<p>しばらくメールをご覧いただいていないようでしたので、ご連絡いたしました。</p>
<p>引き続き{{ shop.name }}からのお知らせをご希望の場合は、下のボタンを押してください。ご返答がない場合、今後のメールマガジンの配信を停止いたします。</p>`,
    button: "これからも受け取る",
  },
  en: {
    subject: "Do you still want to hear from {{ shop.name }}?",
    preheader: "One click keeps your subscription as it is.",
    heading: "Do you still want<br />our emails?",
    body: `<p>We noticed you haven't opened our emails in a while.</p>
<p>If you'd like to keep hearing from {{ shop.name }}, press the button below. Otherwise we'll stop sending you our newsletter.</p>`,
    button: "Keep me subscribed",
  },
} as const;

async function ensureRepermissionTemplates(db: Db, clock: Clock, shopId: number): Promise<void> {
  await ensureTemplates(
    db,
    clock,
    shopId,
    (["ja", "en"] as const).map((locale) => {
      const c = COPY[locale];
      return {
        key: REPERMISSION_TEMPLATE,
        channel: "email" as const,
        locale,
        messageClass: "promotional" as const,
        subject: c.subject,
        preheader: c.preheader,
        body: escapeOutputs(
          emailDocument({
            locale,
            messageClass: "promotional",
            preheader: c.preheader,
            sections: [heading(c.heading), text(c.body), button(c.button, "preferencesUrl")],
          }),
        ),
      };
    }),
  );
}
