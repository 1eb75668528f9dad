// A shop with N members who agreed to email and N promotional messages queued for them: the library's
// 30-day point-expiry reminder (a full MJML email with the member's name and points), as the scenario
// engine would have queued it. Used by the delivery benchmark and the crash test.

import type { Clock } from "../src/core/clock.js";
import { toIso } from "../src/core/clock.js";
import { bulkInsert } from "../src/db/bulk.js";
import type { Db } from "../src/db/index.js";
import { saveChannelSettings } from "../src/messaging/channels/settings.js";
import { ensureTemplates } from "../src/scenarios/index.js";
import { LIBRARY_TEMPLATES } from "../src/scenarios/library/content/index.js";
import { createShop } from "../src/shops/index.js";
import { saveShopProfile } from "../src/shops/profile.js";

export const SEEDED_TEMPLATE = "points-expiry.expiry-30d";

export interface SeedOptions {
  messages: number;
  smtpPort: number;
  /** The pool's width: how many mails are on the wire at once. */
  maxConnections: number;
  /** SMTP sender threads (default: the adapter's). */
  sendThreads?: number;
  instanceSecret: string;
  /** Sends per second the SMTP adapter allows (token bucket). */
  ratePerSecond?: number;
}

export const LAST_NAMES = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤"];
export const FIRST_NAMES = ["陽菜", "結衣", "蓮", "大翔", "葵", "湊", "凛", "陽翔", "芽依", "悠真"];

export async function seedOutbox(db: Db, clock: Clock, options: SeedOptions): Promise<{ shopId: number }> {
  const { shop } = await createShop(db, clock, { name: "きずな茶房" });
  const shopId = shop.id;
  const now = toIso(clock.now());
  await saveShopProfile(db, shopId, {
    url: "https://kizuna-sabo.jp",
    address: "〒150-0001 東京都渋谷区神宮前1-2-3",
    email: "info@kizuna-sabo.jp",
    phone: "03-1234-5678",
  });
  await saveChannelSettings(db, clock, options.instanceSecret, shopId, "email", {
    provider: "smtp",
    settings: {
      host: "127.0.0.1",
      port: options.smtpPort,
      fromAddress: "news@kizuna-sabo.jp",
      fromName: "きずな茶房",
      maxConnections: options.maxConnections,
      ...(options.sendThreads ? { sendThreads: options.sendThreads } : {}),
      ratePerSecond: options.ratePerSecond ?? 10_000,
    },
    secrets: {},
  });
  const [scenario, step] = SEEDED_TEMPLATE.split(".");
  await ensureTemplates(
    db,
    clock,
    shopId,
    LIBRARY_TEMPLATES.filter((t) => t.scenario === scenario && t.step === step && t.channel === "email").map(
      (t) => ({
        key: SEEDED_TEMPLATE,
        channel: t.channel,
        locale: t.locale,
        messageClass: t.messageClass,
        subject: t.subject ?? null,
        preheader: t.preheader ?? null,
        body: t.body,
      }),
    ),
  );

  const CHUNK = 5_000;
  for (let start = 0; start < options.messages; start += CHUNK) {
    const n = Math.min(CHUNK, options.messages - start);
    const ids = await insertMembers(db, shopId, start, n, now);
    const expiresAt = toIso(clock.now().getTime() + 30 * 86_400_000);
    await bulkInsert(
      db,
      "messages",
      [
        ["shop_id", "bigint"],
        ["customer_id", "bigint"],
        ["channel", "text"],
        ["template_key", "text"],
        ["message_class", "text"],
        ["status", "text"],
        ["idempotency_key", "text"],
        ["payload", "jsonb"],
        ["queued_at", "timestamptz"],
        ["updated_at", "timestamptz"],
        ["due_at", "timestamptz"],
      ],
      ids.map((id, k) => [
        shopId,
        id,
        "email",
        SEEDED_TEMPLATE,
        "promotional",
        "queued",
        `seed:${start + k}`,
        JSON.stringify({ points: { balance: 1000 + ((start + k) % 5000), expiringAmount: 300, expiresAt } }),
        now,
        now,
        now,
      ]),
    );
  }
  return { shopId };
}

/**
 * Members M<start> … M<start+n-1> (member<i>@example.jp, Japanese names) who agreed to email, written
 * in one statement each for profiles and consents; returns their ids in order. Also seeds the soak.
 */
export async function insertMembers(
  db: Db,
  shopId: number,
  start: number,
  n: number,
  now: string,
): Promise<number[]> {
  const customers = await bulkInsert<{ id: number }>(
    db,
    "customers",
    [
      ["shop_id", "bigint"],
      ["external_id", "text"],
      ["email", "text"],
      ["last_name", "text"],
      ["first_name", "text"],
      ["attributes", "jsonb"],
      ["created_at", "timestamptz"],
      ["updated_at", "timestamptz"],
    ],
    Array.from({ length: n }, (_, k) => {
      const i = start + k;
      return [
        shopId,
        `M${i}`,
        `member${i}@example.jp`,
        LAST_NAMES[i % 10],
        FIRST_NAMES[(i >> 3) % 10],
        "{}",
        now,
        now,
      ];
    }),
    { returning: ["id"] },
  );
  const ids = customers.rows.map((r) => Number(r.id));
  await bulkInsert(
    db,
    "consents",
    [
      ["shop_id", "bigint"],
      ["customer_id", "bigint"],
      ["channel", "text"],
      ["granted", "integer"],
      ["source", "text"],
      ["updated_at", "timestamptz"],
    ],
    ids.map((id) => [shopId, id, "email", 1, "seed", now]),
  );
  return ids;
}
