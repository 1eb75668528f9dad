// The customer's history, newest first: orders with their amounts, storefront events, and messages
// with whether they were opened and clicked. More is loaded a page at a time.
import { useEffect, useState } from "react";
import { api } from "../../api";
import { formatDateTime, formatMoney, useI18n, usePageText } from "../../i18n";
import { useSession } from "../../session";
import { apiPath, type Timeline, type TimelineEntry } from "./types";

const PAGE = 30;
const KINDS = ["all", "order", "message", "event"] as const;
type KindFilter = (typeof KINDS)[number];

const ja = {
  title: "タイムライン",
  show: "表示",
  all: "すべて",
  order: "注文",
  message: "メッセージ",
  event: "サイトでの行動",
  "kind.order": "注文",
  "kind.message": "メッセージ",
  "kind.event": "サイト行動",
  more: "さらに読み込む",
  loading: "読み込んでいます…",
  empty: "まだ履歴はありません。",
  opened: "開封",
  clicked: "クリック",
  notOpened: "未開封",
  coupon: "クーポン",
  pointsUsed: "ポイント利用",
  // Order statuses
  "status.pending": "保留中",
  "status.paid": "支払い済み",
  "status.shipped": "発送済み",
  "status.completed": "完了",
  "status.cancelled": "キャンセル",
  "status.returned": "返品",
  // Order channels
  "orderChannel.online": "オンライン",
  "orderChannel.store": "店舗",
  "orderChannel.marketplace": "モール",
  // Storefront events
  "event.product_view": "商品を閲覧",
  "event.cart_add": "カートに追加",
  "event.cart_remove": "カートから削除",
  "event.checkout_start": "購入手続きを開始",
  "event.favourite": "お気に入りに追加",
  "event.restock_request": "再入荷通知を申込",
  "event.search": "検索",
  "event.login": "ログイン",
  "event.page_view": "ページを閲覧",
  "event.restock": "再入荷",
  // Message channels and statuses
  "channel.email": "メール",
  "channel.line": "LINE",
  "channel.sms": "SMS",
  "channel.push": "プッシュ通知",
  "channel.postal": "DM（郵送）",
  "msg.queued": "送信待ち",
  "msg.rendering": "作成中",
  "msg.sending": "送信中",
  "msg.sent": "送信済み",
  "msg.delivered": "配信済み",
  "msg.deferred": "再送待ち",
  "msg.bounced": "不達",
  "msg.failed": "失敗",
  "msg.suppressed": "配信停止中",
};
const en: typeof ja = {
  title: "Timeline",
  show: "Show",
  all: "Everything",
  order: "Orders",
  message: "Messages",
  event: "Storefront activity",
  "kind.order": "Order",
  "kind.message": "Message",
  "kind.event": "Storefront",
  more: "Load more",
  loading: "Loading…",
  empty: "No history yet.",
  opened: "Opened",
  clicked: "Clicked",
  notOpened: "Not opened",
  coupon: "Coupon",
  pointsUsed: "Points used",
  "status.pending": "Pending",
  "status.paid": "Paid",
  "status.shipped": "Shipped",
  "status.completed": "Completed",
  "status.cancelled": "Cancelled",
  "status.returned": "Returned",
  "orderChannel.online": "Online",
  "orderChannel.store": "In store",
  "orderChannel.marketplace": "Marketplace",
  "event.product_view": "Viewed a product",
  "event.cart_add": "Added to cart",
  "event.cart_remove": "Removed from cart",
  "event.checkout_start": "Started checkout",
  "event.favourite": "Added to favourites",
  "event.restock_request": "Asked for a restock alert",
  "event.search": "Searched",
  "event.login": "Signed in",
  "event.page_view": "Viewed a page",
  "event.restock": "Restocked",
  "channel.email": "Email",
  "channel.line": "LINE",
  "channel.sms": "SMS",
  "channel.push": "Push",
  "channel.postal": "Postal mail",
  "msg.queued": "Queued",
  "msg.rendering": "Preparing",
  "msg.sending": "Sending",
  "msg.sent": "Sent",
  "msg.delivered": "Delivered",
  "msg.deferred": "Retrying",
  "msg.bounced": "Bounced",
  "msg.failed": "Failed",
  "msg.suppressed": "Suppressed",
};
type Word = keyof typeof ja;

export function CustomerTimeline({ externalId }: { externalId: string }) {
  const p = usePageText({ ja, en });
  const { shop } = useSession();
  const [kind, setKind] = useState<KindFilter>("all");
  const [entries, setEntries] = useState<TimelineEntry[]>([]);
  const [nextBefore, setNextBefore] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);

  const load = (before: string | null, replace: boolean) => {
    const query = new URLSearchParams({ limit: String(PAGE) });
    if (kind !== "all") query.set("kind", kind);
    if (before) query.set("before", before);
    setLoading(true);
    setError(null);
    return api<Timeline>("GET", `${apiPath(externalId)}/timeline?${query}`)
      .then((page) => {
        setEntries((old) => (replace ? page.entries : [...old, ...page.entries]));
        setNextBefore(page.nextBefore);
      })
      .catch((err: Error) => setError(err.message))
      .finally(() => setLoading(false));
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new customer, filter or shop starts the list again.
  useEffect(() => {
    load(null, true);
  }, [externalId, kind, shop?.id]);

  return (
    <section className="customers-card customers-timeline" aria-labelledby="customers-timeline-title">
      <div className="customers-card-head">
        <h2 id="customers-timeline-title">{p("title")}</h2>
        <label className="customers-inline-label">
          {p("show")}
          <select value={kind} onChange={(e) => setKind(e.target.value as KindFilter)}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {p(k)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {!loading && !error && entries.length === 0 && <p>{p("empty")}</p>}
      <ol className="customers-timeline-list">
        {entries.map((entry) => (
          <TimelineItem key={`${entry.kind}-${entry.id}`} entry={entry} word={(w) => p(w as Word)} />
        ))}
      </ol>
      {loading && <p className="customers-muted">{p("loading")}</p>}
      {!loading && nextBefore && (
        <button type="button" onClick={() => load(nextBefore, false)}>
          {p("more")}
        </button>
      )}
    </section>
  );
}

/** A word of this dictionary, or the raw value when the server sent one the admin has no word for. */
function wordOr(word: (key: string) => string | undefined, key: string, raw: string): string {
  return word(key) ?? raw;
}

function TimelineItem({ entry, word }: { entry: TimelineEntry; word: (key: string) => string | undefined }) {
  const { language } = useI18n();
  const { shop } = useSession();
  const zone = shop?.timezone ?? "Asia/Tokyo";
  const when = formatDateTime(entry.at, zone, language);
  return (
    <li className={`customers-entry customers-entry-${entry.kind}`} data-kind={entry.kind}>
      <time dateTime={entry.at} className="customers-entry-time">
        {when}
      </time>
      <span className="customers-entry-kind">{word(`kind.${entry.kind}`)}</span>
      <div className="customers-entry-body">
        {entry.kind === "order" && (
          <>
            <strong className="customers-amount">{formatMoney(entry.total, entry.currency, language)}</strong>{" "}
            <span>{entry.externalId}</span>{" "}
            <span className="customers-chip">{wordOr(word, `status.${entry.status}`, entry.status)}</span>{" "}
            <span className="customers-muted">
              {wordOr(word, `orderChannel.${entry.channel}`, entry.channel)}
              {entry.couponCode && ` · ${word("coupon")} ${entry.couponCode}`}
              {entry.pointsUsed > 0 &&
                ` · ${word("pointsUsed")} ${entry.pointsUsed.toLocaleString(language)}`}
            </span>
          </>
        )}
        {entry.kind === "event" && (
          <>
            <span>{wordOr(word, `event.${entry.type}`, entry.type)}</span>
            {entry.sku && <code className="customers-sku">{entry.sku}</code>}
            {typeof entry.properties.query === "string" && <q>{entry.properties.query}</q>}
          </>
        )}
        {entry.kind === "message" && (
          <>
            <span>{wordOr(word, `channel.${entry.channel}`, entry.channel)}</span>{" "}
            <code className="customers-sku">{entry.template}</code>{" "}
            <span className="customers-chip">{wordOr(word, `msg.${entry.status}`, entry.status)}</span>{" "}
            {entry.openedAt && (
              <span
                className="customers-badge customers-badge-opened"
                title={formatDateTime(entry.openedAt, zone, language)}
              >
                {word("opened")} {formatDateTime(entry.openedAt, zone, language)}
              </span>
            )}{" "}
            {entry.clickedAt && (
              <span
                className="customers-badge customers-badge-clicked"
                title={formatDateTime(entry.clickedAt, zone, language)}
              >
                {word("clicked")} {formatDateTime(entry.clickedAt, zone, language)}
              </span>
            )}
            {!entry.openedAt && !entry.clickedAt && entry.sentAt && (
              <span className="customers-muted">{word("notOpened")}</span>
            )}
          </>
        )}
      </div>
    </li>
  );
}
