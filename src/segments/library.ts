// Ready-made segments a shop starts from: the lists a Japanese e-commerce CRM planner asks for first.
// Installed for the demo shop and by `kizuna segment starter`; each is an ordinary segment afterwards.
import type { Clock } from "../core/clock.js";
import type { Db } from "../db/index.js";
import type { SegmentInput } from "./schema.js";
import { type SegmentView, saveSegment } from "./segments.js";

export const STARTER_SEGMENTS: SegmentInput[] = [
  {
    key: "vip",
    name: "優良顧客（VIP）",
    description: "RFM で最近よく買い、購入回数も多いお客様 (champions)",
    rule: { type: "rfm", groups: ["champions"] },
  },
  {
    key: "f2-candidates",
    name: "F2転換候補",
    description: "初回購入から 90 日以内で、まだ 2 回目の購入がないお客様",
    rule: {
      type: "all",
      conditions: [
        { type: "orders", measure: "count", min: 1, max: 1 },
        { type: "order_date", which: "first", withinDays: 90 },
      ],
    },
  },
  {
    key: "at-risk",
    name: "離反予備軍",
    description: "以前はよく買っていたが、最近の購入がないお客様 (RFM: at risk)",
    rule: { type: "rfm", groups: ["at_risk"] },
  },
  {
    key: "dormant",
    name: "休眠顧客",
    description: "最後の購入から 180 日以上たったお客様",
    rule: { type: "order_date", which: "last", olderThanDays: 180 },
  },
  {
    key: "cart-abandoners",
    name: "カゴ落ち（3 日以内）",
    description: "3 日以内にカートに入れ、その後まだ注文していないお客様",
    rule: { type: "abandoned_cart", withinDays: 3 },
  },
  {
    key: "points-expiring",
    name: "ポイント失効間近",
    description: "30 日以内に 100 ポイント以上が失効するお客様",
    rule: { type: "points_expiring", withinDays: 30, min: 100 },
  },
  {
    key: "never-opened",
    name: "90 日間メール未開封",
    description: "メールを受け取っているが、90 日間ひとつも開封していないお客様",
    rule: {
      type: "all",
      conditions: [
        { type: "engagement", action: "received", withinDays: 90, channel: "email" },
        {
          type: "not",
          condition: { type: "engagement", action: "opened", withinDays: 90, channel: "email" },
        },
      ],
    },
  },
];

/** Saves the starter segments the shop does not have yet; returns them as stored. */
export async function installStarterSegments(db: Db, clock: Clock, shopId: number): Promise<SegmentView[]> {
  const existing = new Set(
    (await db.selectFrom("segments").select("key").where("shop_id", "=", shopId).execute()).map((r) => r.key),
  );
  const saved: SegmentView[] = [];
  for (const segment of STARTER_SEGMENTS) {
    if (!existing.has(segment.key)) saved.push(await saveSegment(db, clock, shopId, segment));
  }
  return saved;
}
