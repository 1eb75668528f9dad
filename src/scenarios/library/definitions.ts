// The ready-made scenarios a shop switches on with one click, with tuned defaults: timing, channel
// order, coupons (as percentages, so they suit any currency) and exit goals. Each send step's template
// is `<scenario key>.<step id>`; the messages themselves (Japanese and English, email, LINE and SMS)
// are in ./content.
import type { Channel } from "../../db/index.js";
import type { ScenarioDefinitionInput } from "../definition.js";

type StepInput = ScenarioDefinitionInput["steps"][number];

export interface LibraryScenario {
  key: string;
  name: { ja: string; en: string };
  /** What it does, for the gallery card. */
  summary: { ja: string; en: string };
  /** What shops typically see from it, for the gallery card. */
  expectedEffect: { ja: string; en: string };
  channels: Channel[];
  definition: ScenarioDefinitionInput;
}

const LINE_FIRST: Channel[] = ["line", "email"];
const EMAIL_FIRST: Channel[] = ["email", "line"];

/** A send step whose template is `<key>.<step>`. */
const send = (key: string, id: string, channels: Channel[], next?: string): StepInput => ({
  id,
  type: "send",
  template: `${key}.${id}`,
  channels,
  ...(next ? { next } : {}),
});
const wait = (id: string, duration: { days?: number; hours?: number }, next: string): StepInput => ({
  id,
  type: "wait",
  duration,
  next,
});
const coupon = (id: string, percent: number, days: number, prefix: string, next: string): StepInput => ({
  id,
  type: "action",
  action: { type: "issue_coupon", kind: "percent", value: percent, expiresInDays: days, prefix },
  next,
});

const ORDER_GOAL: ScenarioDefinitionInput["exitGoals"] = [{ type: "order_placed" }];

export const LIBRARY: LibraryScenario[] = [
  {
    key: "cart-abandonment",
    name: { ja: "カゴ落ちリマインド", en: "Cart abandonment" },
    summary: {
      ja: "カートに商品を入れたまま購入しなかったお客様に、1時間後・24時間後・72時間後（クーポン付き）にお知らせします。購入した時点で終了します。",
      en: "Reminds customers who left items in their cart after 1 hour, 24 hours and 72 hours (with a coupon). Stops as soon as they buy.",
    },
    expectedEffect: {
      ja: "カゴ落ち顧客の5〜10%の購入回復が目安です。",
      en: "Typically recovers 5–10% of abandoned carts.",
    },
    channels: ["line", "email", "sms"],
    definition: {
      name: "カゴ落ちリマインド / Cart abandonment",
      // A checkout started and left is an abandoned cart too; on a Shopify store without the snippet it
      // is the only one Kizuna hears of (checkouts webhooks). Re-entry keeps a cart add followed by a
      // checkout to one run.
      trigger: { type: "event", eventTypes: ["cart_add", "checkout_start"] },
      reentry: { afterDays: 3 },
      start: "wait-1h",
      steps: [
        wait("wait-1h", { hours: 1 }, "reminder-1h"),
        send("cart-abandonment", "reminder-1h", LINE_FIRST, "wait-24h"),
        // 24 hours after the first reminder, not after the cart: a shop's default cap allows one
        // promotional message a day, and 23 hours after the first the second would be held back.
        wait("wait-24h", { hours: 24 }, "reminder-24h"),
        send("cart-abandonment", "reminder-24h", LINE_FIRST, "wait-72h"),
        wait("wait-72h", { hours: 47 }, "coupon"),
        coupon("coupon", 10, 7, "CART", "reminder-72h"),
        send("cart-abandonment", "reminder-72h", ["line", "email", "sms"]),
      ],
      exitGoals: ORDER_GOAL,
    },
  },
  {
    key: "browse-abandonment",
    name: { ja: "閲覧離脱フォロー", en: "Browse abandonment" },
    summary: {
      ja: "商品を見たもののカートに入れなかったお客様に、翌日その商品とおすすめをお届けします。",
      en: "The day after a customer viewed a product without adding it to the cart, shows it again with recommendations.",
    },
    expectedEffect: { ja: "閲覧者の1〜3%の購入が目安です。", en: "Typically converts 1–3% of browsers." },
    channels: EMAIL_FIRST,
    definition: {
      name: "閲覧離脱フォロー / Browse abandonment",
      trigger: { type: "event", eventTypes: ["product_view"] },
      reentry: { afterDays: 7 },
      start: "wait-1d",
      steps: [
        wait("wait-1d", { days: 1 }, "carted"),
        {
          id: "carted",
          type: "branch",
          condition: { type: "event_since_entry", eventTypes: ["cart_add"] },
          no: "viewed-product",
        },
        send("browse-abandonment", "viewed-product", EMAIL_FIRST),
      ],
      exitGoals: ORDER_GOAL,
    },
  },
  {
    key: "recommendations",
    name: { ja: "週刊おすすめ", en: "Weekly recommendations" },
    summary: {
      ja: "半年以内に購入のあるお客様に、毎週金曜、一人ひとりのよく開封・購入する時間帯におすすめ商品をお届けします。",
      en: "Every Friday, sends active customers (an order in the last six months) their recommended products, at each one's usual hour.",
    },
    expectedEffect: {
      ja: "リピート購入の底上げ（CRM経由売上の10〜20%）が目安です。",
      en: "Lifts repeat purchases; typically 10–20% of CRM revenue.",
    },
    channels: LINE_FIRST,
    definition: {
      name: "週刊おすすめ / Weekly recommendations",
      trigger: { type: "schedule", every: "week", weekday: 5, at: "10:00" },
      audience: { type: "orders", min: 1, withinDays: 180 },
      reentry: "always",
      start: "weekly",
      steps: [
        { ...send("recommendations", "weekly", LINE_FIRST), sendTime: { type: "best_hour" } } as StepInput,
      ],
      exitGoals: [],
    },
  },
  {
    key: "recommendations-after-visit",
    name: { ja: "来訪後おすすめ", en: "Recommendations after a visit" },
    summary: {
      ja: "サイトに来訪したお客様に、3日後（購入がなければ）おすすめ商品をお届けします。",
      en: "Three days after a visit, if the customer has not bought, sends their recommended products.",
    },
    expectedEffect: { ja: "来訪者の再訪・購入を促します。", en: "Brings visitors back to buy." },
    channels: EMAIL_FIRST,
    definition: {
      name: "来訪後おすすめ / Recommendations after a visit",
      trigger: { type: "event", eventTypes: ["login", "page_view"] },
      reentry: { afterDays: 14 },
      start: "wait-3d",
      steps: [
        wait("wait-3d", { days: 3 }, "after-visit"),
        send("recommendations", "after-visit", EMAIL_FIRST),
      ],
      exitGoals: ORDER_GOAL,
    },
  },
  {
    key: "points-expiry",
    name: { ja: "ポイント失効のお知らせ", en: "Points expiry" },
    summary: {
      ja: "ポイントの有効期限の30日前と7日前に、残高と失効ポイントをお知らせします。ポイントのないお客様には送りません。",
      en: "30 and 7 days before points expire, tells customers their balance and what expires. Never to customers without points.",
    },
    expectedEffect: {
      ja: "失効前の駆け込み購入が見込めます。",
      en: "Prompts a purchase before points expire.",
    },
    channels: LINE_FIRST,
    definition: {
      name: "ポイント失効のお知らせ / Points expiry",
      trigger: { type: "date", source: { kind: "points_expiry" }, offsetDays: -30, at: "10:00" },
      audience: { type: "points", min: 1 },
      reentry: "always",
      start: "expiry-30d",
      steps: [
        send("points-expiry", "expiry-30d", LINE_FIRST, "wait-23d"),
        wait("wait-23d", { days: 23 }, "still-holding"),
        { id: "still-holding", type: "branch", condition: { type: "points", min: 1 }, yes: "expiry-7d" },
        send("points-expiry", "expiry-7d", LINE_FIRST),
      ],
      exitGoals: [],
    },
  },
  {
    key: "points-statement",
    name: { ja: "月次ポイント明細", en: "Monthly points statement" },
    summary: {
      ja: "毎月1日、ポイントをお持ちのお客様に残高と次回失効をお知らせします。",
      en: "On the 1st of each month, sends customers with points their balance and next expiry.",
    },
    expectedEffect: { ja: "ポイント利用と再訪を促します。", en: "Keeps points top of mind." },
    channels: EMAIL_FIRST,
    definition: {
      name: "月次ポイント明細 / Monthly points statement",
      trigger: { type: "schedule", every: "month", dayOfMonth: 1, at: "10:00" },
      audience: { type: "points", min: 1 },
      reentry: "always",
      start: "monthly-statement",
      steps: [send("points-expiry", "monthly-statement", EMAIL_FIRST)],
      exitGoals: [],
    },
  },
  {
    key: "birthday",
    name: { ja: "お誕生日クーポン", en: "Birthday coupon" },
    summary: {
      ja: "お誕生日の朝9時に、お祝いのメッセージとクーポン、おすすめ商品をお届けします。",
      en: "At 9:00 on their birthday, sends greetings with a coupon and recommendations.",
    },
    expectedEffect: {
      ja: "開封率・購入率ともに通常配信の2〜3倍が目安です。",
      en: "Opens and purchases typically 2–3× a regular send.",
    },
    channels: ["line", "email", "sms"],
    definition: {
      name: "お誕生日クーポン / Birthday coupon",
      trigger: { type: "date", source: { kind: "birthday" }, at: "09:00" },
      reentry: { afterDays: 300 },
      start: "coupon",
      steps: [
        coupon("coupon", 10, 30, "BDAY", "birthday"),
        send("birthday", "birthday", ["line", "email", "sms"]),
      ],
      exitGoals: [],
    },
  },
  {
    key: "winback",
    name: { ja: "休眠掘り起こし", en: "Dormant win-back" },
    summary: {
      ja: "最終購入から180日経ったお客様にクーポンを、365日経っても購入がなければより大きなクーポンをお届けします。",
      en: "180 days after the last order sends a coupon; at 365 days without an order, a bigger one.",
    },
    expectedEffect: {
      ja: "休眠顧客の2〜5%の復帰が目安です。",
      en: "Typically wins back 2–5% of dormant customers.",
    },
    channels: EMAIL_FIRST,
    definition: {
      name: "休眠掘り起こし / Dormant win-back",
      trigger: { type: "date", source: { kind: "last_order" }, offsetDays: 180, at: "10:00" },
      reentry: { afterDays: 150 },
      start: "coupon-180d",
      steps: [
        coupon("coupon-180d", 10, 30, "BACK", "dormant-180d"),
        send("winback", "dormant-180d", EMAIL_FIRST, "wait-365d"),
        wait("wait-365d", { days: 185 }, "coupon-365d"),
        coupon("coupon-365d", 15, 30, "BACK", "dormant-365d"),
        send("winback", "dormant-365d", EMAIL_FIRST),
      ],
      exitGoals: ORDER_GOAL,
    },
  },
  {
    key: "back-in-stock",
    name: { ja: "再入荷のお知らせ", en: "Back in stock" },
    summary: {
      ja: "品切れ商品が再入荷したとき、その商品を見た・お気に入りにした・再入荷通知を希望したお客様にお知らせします。",
      en: "When a sold-out product is back, tells the customers who viewed it, favourited it or asked to be told.",
    },
    expectedEffect: {
      ja: "再入荷通知希望者の10〜20%の購入が目安です。",
      en: "Typically 10–20% of those who asked buy.",
    },
    channels: ["line", "email", "sms"],
    definition: {
      name: "再入荷のお知らせ / Back in stock",
      trigger: { type: "restock", interest: ["viewed", "favourited", "requested"], lookbackDays: 60 },
      reentry: "always",
      start: "restocked",
      steps: [send("back-in-stock", "restocked", ["line", "email", "sms"])],
      exitGoals: [],
    },
  },
  {
    key: "post-purchase",
    name: { ja: "F2転換ステップメール", en: "Post-purchase step mails" },
    summary: {
      ja: "初回購入の発送翌日から、信頼・安心・機会・効果・オファーの5段階で2回目の購入へ導きます。再購入で終了します。",
      en: "From the day after a first order ships, five stages (trust, reassurance, opportunity, effect, offer) toward the second purchase. Stops on repurchase.",
    },
    expectedEffect: {
      ja: "F2転換率の5〜10ポイント向上が目安です。",
      en: "Typically lifts first-to-second purchase conversion by 5–10 points.",
    },
    channels: EMAIL_FIRST,
    definition: {
      name: "F2転換ステップメール / Post-purchase step mails",
      trigger: { type: "date", source: { kind: "shipped", firstOnly: true }, offsetDays: 1, at: "10:00" },
      reentry: "never",
      start: "trust",
      steps: [
        send("post-purchase", "trust", EMAIL_FIRST, "wait-3d"),
        wait("wait-3d", { days: 2 }, "reassurance"),
        send("post-purchase", "reassurance", EMAIL_FIRST, "wait-7d"),
        wait("wait-7d", { days: 4 }, "opportunity"),
        send("post-purchase", "opportunity", EMAIL_FIRST, "wait-14d"),
        wait("wait-14d", { days: 7 }, "effect"),
        send("post-purchase", "effect", EMAIL_FIRST, "wait-21d"),
        wait("wait-21d", { days: 7 }, "coupon"),
        coupon("coupon", 10, 14, "F2", "offer"),
        send("post-purchase", "offer", EMAIL_FIRST),
      ],
      exitGoals: ORDER_GOAL,
    },
  },
  {
    key: "replenishment",
    name: { ja: "買い替え・補充リマインド", en: "Replenishment reminder" },
    summary: {
      ja: "消耗品を使い切る頃（商品ごとの補充周期日数が経った日）に、お知らせします。再購入済みのお客様には送りません。",
      en: "When a consumable should be running low (its replenishment cycle after delivery), reminds the customer. Not if they re-bought.",
    },
    expectedEffect: {
      ja: "定期購入に近いリピートを作ります。",
      en: "Builds subscription-like repeat purchases.",
    },
    channels: LINE_FIRST,
    definition: {
      name: "買い替え・補充リマインド / Replenishment reminder",
      trigger: { type: "date", source: { kind: "replenishment" }, at: "10:00" },
      reentry: "always",
      start: "reminder",
      steps: [send("replenishment", "reminder", LINE_FIRST)],
      exitGoals: ORDER_GOAL,
    },
  },
  {
    key: "warranty-expiry",
    name: { ja: "保証期限のお知らせ", en: "Warranty expiry notice" },
    summary: {
      ja: "製品保証が切れる30日前に、会員ページへのリンクとともにお知らせします。",
      en: "30 days before a product's warranty ends, tells the customer, with a link to the member page.",
    },
    expectedEffect: {
      ja: "修理・買い替え・延長保証の案内につながります。",
      en: "Leads to repairs, replacements and extended warranties.",
    },
    channels: EMAIL_FIRST,
    definition: {
      name: "保証期限のお知らせ / Warranty expiry notice",
      trigger: { type: "date", source: { kind: "warranty_end" }, offsetDays: -30, at: "10:00" },
      reentry: "always",
      start: "notice",
      steps: [send("warranty-expiry", "notice", EMAIL_FIRST)],
      exitGoals: [],
    },
  },
  {
    key: "store-follow-up",
    name: { ja: "店舗購入フォロー", en: "In-store purchase follow-up" },
    summary: {
      ja: "店舗でお買い物いただいた1時間後に、お礼とお買い上げ商品に合うおすすめをお届けします。",
      en: "An hour after an in-store purchase, thanks the customer and recommends products that go with what they bought.",
    },
    expectedEffect: {
      ja: "店舗客のEC利用（OMO）を促します。",
      en: "Brings store customers online.",
    },
    channels: LINE_FIRST,
    definition: {
      name: "店舗購入フォロー / In-store purchase follow-up",
      trigger: { type: "order", channels: ["store"] },
      reentry: { afterDays: 7 },
      start: "wait-1h",
      steps: [wait("wait-1h", { hours: 1 }, "thanks"), send("store-follow-up", "thanks", LINE_FIRST)],
      exitGoals: [],
    },
  },
  {
    key: "welcome",
    name: { ja: "新規会員ウェルカム", en: "Welcome series" },
    summary: {
      ja: "会員登録したお客様に、ショップの紹介、人気商品、初回購入クーポン（未購入の場合）を3回に分けてお届けします。",
      en: "Introduces the shop to new members in three messages: who we are, bestsellers, and a first-purchase coupon if they have not bought.",
    },
    expectedEffect: {
      ja: "新規会員の初回購入率向上が見込めます。",
      en: "Raises new members' first-purchase rate.",
    },
    channels: EMAIL_FIRST,
    definition: {
      name: "新規会員ウェルカム / Welcome series",
      trigger: { type: "signup" },
      reentry: "never",
      start: "welcome-1",
      steps: [
        send("welcome", "welcome-1", EMAIL_FIRST, "wait-3d"),
        wait("wait-3d", { days: 3 }, "welcome-2"),
        send("welcome", "welcome-2", EMAIL_FIRST, "wait-7d"),
        wait("wait-7d", { days: 4 }, "bought"),
        { id: "bought", type: "branch", condition: { type: "orders", min: 1 }, no: "coupon" },
        coupon("coupon", 10, 14, "WELCOME", "welcome-3"),
        send("welcome", "welcome-3", EMAIL_FIRST),
      ],
      exitGoals: [],
    },
  },
  {
    key: "anniversary",
    name: { ja: "会員登録記念日", en: "Membership anniversary" },
    summary: {
      ja: "会員登録の記念日に、感謝のメッセージとクーポンをお届けします。",
      en: "On the anniversary of joining, thanks the customer with a coupon.",
    },
    expectedEffect: { ja: "ロイヤル顧客との関係を深めます。", en: "Deepens loyalty." },
    channels: LINE_FIRST,
    definition: {
      name: "会員登録記念日 / Membership anniversary",
      trigger: { type: "date", source: { kind: "member_since" }, at: "10:00" },
      reentry: { afterDays: 300 },
      start: "coupon",
      steps: [
        coupon("coupon", 10, 30, "THANKS", "anniversary"),
        send("anniversary", "anniversary", LINE_FIRST),
      ],
      exitGoals: [],
    },
  },
  {
    key: "subscription-milestone",
    name: { ja: "定期便の節目", en: "Subscription milestones" },
    summary: {
      ja: "定期便の3回目と6回目のお届けの2日後に、感謝と使い方のコツ、ささやかな特典をお届けします。",
      en: "Two days after the 3rd and 6th subscription delivery, thanks the customer with tips and a small gift.",
    },
    expectedEffect: {
      ja: "解約の多い3回目前後の継続率を支えます。",
      en: "Supports retention around the 3rd delivery, when most subscriptions are cancelled.",
    },
    channels: EMAIL_FIRST,
    definition: {
      name: "定期便の節目 / Subscription milestones",
      trigger: { type: "order", subscriptionDeliveries: [3, 6] },
      reentry: "always",
      start: "wait-2d",
      steps: [
        wait("wait-2d", { days: 2 }, "gift"),
        coupon("gift", 5, 30, "THANKS", "which"),
        {
          id: "which",
          type: "branch",
          condition: { type: "entry", path: "subscription.deliveryCount", op: "eq", value: 3 },
          yes: "delivery-3",
          no: "delivery-6",
        },
        send("subscription-milestone", "delivery-3", EMAIL_FIRST),
        send("subscription-milestone", "delivery-6", EMAIL_FIRST),
      ],
      exitGoals: [],
    },
  },
];

export function libraryScenario(key: string): LibraryScenario | undefined {
  return LIBRARY.find((s) => s.key === key);
}
