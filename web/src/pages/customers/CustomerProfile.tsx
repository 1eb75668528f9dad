// One customer on one page (/customers/:externalId): who they are and how to reach them, what they
// agreed to receive, their points and coupons, the segments they are in, what the analytics predict,
// what to recommend them, and their history.
import { Link, useParams } from "react-router";
import { formatDateTime, formatMoney, useI18n, usePageText } from "../../i18n";
import { useSession } from "../../session";
import { useLoad } from "../../useLoad";
import { CustomerConsents } from "./CustomerConsents";
import { CustomerTimeline } from "./CustomerTimeline";
import {
  apiPath,
  type Coupon,
  type CustomerMetrics,
  domesticPhone,
  fullKana,
  fullName,
  type Product,
  type CustomerProfile as Profile,
} from "./types";

const ja = {
  back: "検索に戻る",
  customerId: "顧客ID",
  email: "メール",
  phone: "電話",
  line: "LINE ID",
  rank: "会員ランク",
  since: "登録日時",
  points: "ポイント",
  balance: "残高",
  expiry: "次の失効",
  noExpiry: "失効予定なし",
  coupons: "クーポン",
  noCoupons: "発行されたクーポンはありません。",
  off: "引き",
  minOrder: "{amount}以上のご注文で",
  expires: "有効期限",
  used: "使用済み",
  unused: "未使用",
  expired: "期限切れ",
  segments: "セグメント",
  noSegments: "どのセグメントにも入っていません。",
  entered: "入った日時",
  analysis: "RFM と予測",
  noMetrics: "まだ分析されていません（分析は毎晩更新されます）。",
  group: "RFM グループ",
  scores: "R / F / M スコア",
  orders: "注文回数",
  revenue: "累計購入額",
  pAlive: "継続して購入する確率",
  expectedOrders: "今後1年の予想注文回数",
  nextOrder: "次回注文の予想日",
  clv: "今後1年の予想購入額",
  recommendations: "おすすめ商品",
  noRecommendations: "おすすめできる商品はまだありません。",
  champions: "優良顧客",
  loyal: "ロイヤル顧客",
  potential: "育成候補",
  new: "新規顧客",
  needs_attention: "要フォロー",
  at_risk: "離反の危険",
  dormant: "休眠顧客",
};
const en: typeof ja = {
  back: "Back to search",
  customerId: "Customer id",
  email: "Email",
  phone: "Phone",
  line: "LINE id",
  rank: "Member rank",
  since: "Customer since",
  points: "Points",
  balance: "Balance",
  expiry: "Next expiry",
  noExpiry: "Nothing expires",
  coupons: "Coupons",
  noCoupons: "No coupons issued.",
  off: "off",
  minOrder: "on orders from {amount}",
  expires: "Expires",
  used: "Used",
  unused: "Not used",
  expired: "Expired",
  segments: "Segments",
  noSegments: "Not in any segment.",
  entered: "Entered",
  analysis: "RFM and predictions",
  noMetrics: "Not analysed yet (analytics refresh every night).",
  group: "RFM group",
  scores: "R / F / M scores",
  orders: "Orders",
  revenue: "Revenue",
  pAlive: "Chance they are still a customer",
  expectedOrders: "Expected orders next 12 months",
  nextOrder: "Expected next order",
  clv: "Expected spend next 12 months",
  recommendations: "Recommended products",
  noRecommendations: "Nothing to recommend yet.",
  champions: "Champions",
  loyal: "Loyal",
  potential: "Potential loyalists",
  new: "New",
  needs_attention: "Needs attention",
  at_risk: "At risk",
  dormant: "Dormant",
};
type Word = keyof typeof ja;

export function CustomerProfile() {
  const { externalId = "" } = useParams();
  const p = usePageText({ ja, en });
  const { language } = useI18n();
  const { shop } = useSession();
  const zone = shop?.timezone ?? "Asia/Tokyo";
  const { data: profile, error } = useLoad<Profile>(apiPath(externalId));

  return (
    <section className="customers customers-profile">
      <p>
        <Link to="/customers">← {p("back")}</Link>
      </p>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {profile && (
        <>
          <div className="customers-header">
            <div>
              <h1>{fullName(profile) ?? profile.externalId}</h1>
              {fullKana(profile) && <p className="customers-kana">{fullKana(profile)}</p>}
            </div>
            <dl className="facts customers-contacts">
              <dt>{p("customerId")}</dt>
              <dd>{profile.externalId}</dd>
              <dt>{p("email")}</dt>
              <dd className="customers-break">
                {profile.email ? <a href={`mailto:${profile.email}`}>{profile.email}</a> : "—"}
              </dd>
              <dt>{p("phone")}</dt>
              <dd>
                {profile.phone ? <a href={`tel:${profile.phone}`}>{domesticPhone(profile.phone)}</a> : "—"}
              </dd>
              {profile.lineUserId && (
                <>
                  <dt>{p("line")}</dt>
                  <dd className="customers-break">{profile.lineUserId}</dd>
                </>
              )}
              {profile.memberRank && (
                <>
                  <dt>{p("rank")}</dt>
                  <dd>{profile.memberRank}</dd>
                </>
              )}
              <dt>{p("since")}</dt>
              <dd>{formatDateTime(profile.createdAt, zone, language)}</dd>
            </dl>
          </div>
          <div className="customers-grid">
            <CustomerConsents key={profile.id} externalId={externalId} initial={profile.consents} />
            <section className="customers-card" aria-labelledby="customers-points-title">
              <h2 id="customers-points-title">{p("points")}</h2>
              <dl className="facts">
                <dt>{p("balance")}</dt>
                <dd className="customers-points">{profile.points.balance.toLocaleString(language)} pt</dd>
                <dt>{p("expiry")}</dt>
                <dd>
                  {profile.points.nextExpiryAt
                    ? `${profile.points.nextExpiryPoints.toLocaleString(language)} pt · ${formatDateTime(profile.points.nextExpiryAt, zone, language)}`
                    : p("noExpiry")}
                </dd>
              </dl>
            </section>
            <Coupons externalId={externalId} word={p} />
            <Segments externalId={externalId} word={p} />
            <Analysis externalId={externalId} word={p} />
            <Recommendations externalId={externalId} word={p} />
          </div>
          <CustomerTimeline externalId={externalId} />
        </>
      )}
    </section>
  );
}

type WordOf = (key: Word) => string;

function Coupons({ externalId, word }: { externalId: string; word: WordOf }) {
  const { language } = useI18n();
  const { shop } = useSession();
  const zone = shop?.timezone ?? "Asia/Tokyo";
  const { data, error } = useLoad<{ coupons: Coupon[] }>(`${apiPath(externalId)}/coupons`);
  const now = Date.now();
  return (
    <section className="customers-card" aria-labelledby="customers-coupons-title">
      <h2 id="customers-coupons-title">{word("coupons")}</h2>
      {error && <p className="error">{error}</p>}
      {data && data.coupons.length === 0 && <p className="customers-muted">{word("noCoupons")}</p>}
      {data && data.coupons.length > 0 && (
        <ul className="customers-list">
          {data.coupons.map((c) => {
            const value = c.kind === "percent" ? `${c.value}%` : formatMoney(c.value, c.currency, language);
            const state = c.redeemedAt
              ? word("used")
              : c.expiresAt && Date.parse(c.expiresAt) < now
                ? word("expired")
                : word("unused");
            return (
              <li key={c.code}>
                <code className="customers-sku">{c.code}</code> {value} {word("off")}{" "}
                <span className="customers-chip">{state}</span>
                <br />
                <span className="customers-muted">
                  {c.minOrder > 0 &&
                    `${word("minOrder").replace("{amount}", formatMoney(c.minOrder, c.currency, language))} · `}
                  {word("expires")}: {formatDateTime(c.expiresAt, zone, language)}
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

function Segments({ externalId, word }: { externalId: string; word: WordOf }) {
  const { language } = useI18n();
  const { shop } = useSession();
  const { data, error } = useLoad<{ segments: Array<{ key: string; name: string; enteredAt: string }> }>(
    `${apiPath(externalId)}/segments`,
  );
  return (
    <section className="customers-card" aria-labelledby="customers-segments-title">
      <h2 id="customers-segments-title">{word("segments")}</h2>
      {error && <p className="error">{error}</p>}
      {data && data.segments.length === 0 && <p className="customers-muted">{word("noSegments")}</p>}
      {data && data.segments.length > 0 && (
        <ul className="customers-list customers-segments">
          {data.segments.map((s) => (
            <li key={s.key}>
              <Link to={`/segments/${encodeURIComponent(s.key)}`}>{s.name}</Link>{" "}
              <span className="customers-muted">
                {word("entered")}: {formatDateTime(s.enteredAt, shop?.timezone ?? "Asia/Tokyo", language)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Analysis({ externalId, word }: { externalId: string; word: WordOf }) {
  const { language } = useI18n();
  const { shop } = useSession();
  const zone = shop?.timezone ?? "Asia/Tokyo";
  const currency = shop?.currency ?? "JPY";
  const { data, error } = useLoad<CustomerMetrics>(`${apiPath(externalId)}/metrics`);
  const percent = (x: number) => `${Math.round(x * 100)}%`;
  return (
    <section className="customers-card" aria-labelledby="customers-analysis-title">
      <h2 id="customers-analysis-title">{word("analysis")}</h2>
      {error && <p className="error">{error}</p>}
      {data && !data.rfm && <p className="customers-muted">{word("noMetrics")}</p>}
      {data?.rfm && (
        <dl className="facts">
          <dt>{word("group")}</dt>
          <dd>
            <span className="customers-chip">{word(data.rfm.group as Word) ?? data.rfm.group}</span>
          </dd>
          <dt>{word("scores")}</dt>
          <dd>
            {data.rfm.recency} / {data.rfm.frequency} / {data.rfm.monetary}
          </dd>
          <dt>{word("orders")}</dt>
          <dd>{data.orders.toLocaleString(language)}</dd>
          <dt>{word("revenue")}</dt>
          <dd>{formatMoney(data.revenue, currency, language)}</dd>
          {data.predictions && (
            <>
              <dt>{word("pAlive")}</dt>
              <dd>{percent(data.predictions.pAlive)}</dd>
              <dt>{word("expectedOrders")}</dt>
              <dd>
                {data.predictions.expectedOrders365.toLocaleString(language, { maximumFractionDigits: 1 })}
              </dd>
              <dt>{word("nextOrder")}</dt>
              <dd>{formatDateTime(data.predictions.nextOrderAt, zone, language)}</dd>
              <dt>{word("clv")}</dt>
              <dd>{formatMoney(Math.round(data.predictions.clv365), currency, language)}</dd>
            </>
          )}
        </dl>
      )}
    </section>
  );
}

function Recommendations({ externalId, word }: { externalId: string; word: WordOf }) {
  const { language } = useI18n();
  const { data, error } = useLoad<{ products: Product[] }>(`${apiPath(externalId)}/recommendations?limit=6`);
  return (
    <section className="customers-card" aria-labelledby="customers-recs-title">
      <h2 id="customers-recs-title">{word("recommendations")}</h2>
      {error && <p className="error">{error}</p>}
      {data && data.products.length === 0 && <p className="customers-muted">{word("noRecommendations")}</p>}
      {data && data.products.length > 0 && (
        <ul className="customers-list customers-products">
          {data.products.map((product) => (
            <li key={product.sku}>
              {product.url ? (
                <a href={product.url} target="_blank" rel="noreferrer">
                  {product.name}
                </a>
              ) : (
                product.name
              )}{" "}
              <span className="customers-muted">
                <code className="customers-sku">{product.sku}</code>{" "}
                {formatMoney(product.price, product.currency, language)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
