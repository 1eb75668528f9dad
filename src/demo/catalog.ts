// The demo shop's catalogue: cosmetics and health food (consumables with replenishment cycles), beauty
// appliances with warranties, general goods, and subscription (定期便) versions of a few consumables.
// Each product also gets an availability history (launch date, past and current stock-outs) that the
// customer simulation respects.
import { type Random, WeightedTable } from "./random.js";
import { DAY } from "./time.js";

export const DEMO_SITE = "https://demo.kizuna.example";

/** The shopper interest a product serves; customers weight these differently. */
export type Interest =
  | "skincare"
  | "makeup"
  | "haircare"
  | "bodycare"
  | "health"
  | "device"
  | "goods"
  | "gift";
export type Target = "female" | "male" | "unisex";
export type Sex = "female" | "male" | "unknown";

export interface Outage {
  from: number;
  /** When stock came back (a restock event), or Infinity while still sold out. */
  to: number;
}

export interface DemoProduct {
  /** Database id, known once the catalogue is written. */
  id: number;
  sku: string;
  name: string;
  brand: string;
  line: string;
  categoryPath: string;
  interest: Interest;
  target: Target;
  size: string | null;
  /** Tax-included yen (see history.ts for how tax is treated). */
  price: number;
  taxRate: number;
  stock: number;
  replenishmentDays: number | null;
  warrantyMonths: number | null;
  consumable: boolean;
  /** A 定期便 SKU: sold only as a delivery every SUBSCRIPTION_CYCLE_DAYS, never as a one-off purchase. */
  subscription: boolean;
  popularity: number;
  launchedAt: number;
  outages: Outage[];
  searchTerms: string[];
}

interface Item {
  name: string;
  category: string;
  size?: string;
  /** Typical tax-included price before the line's price factor. */
  price: number;
  days?: number | null;
  warranty?: number;
  consumable?: boolean;
  target?: Target;
  search?: string;
}

interface Line {
  key: string;
  brand: string;
  interest: Interest;
  skuPrefix: string;
  target: Target;
  priceFactor: number;
  popularity: number;
  taxRate: number;
  items: readonly Item[];
}

const SKINCARE_ITEMS: readonly Item[] = [
  { name: "クレンジングオイル", category: "スキンケア/クレンジング", size: "150mL", price: 1980, days: 60 },
  { name: "洗顔フォーム", category: "スキンケア/洗顔料", size: "120g", price: 1540, days: 60 },
  { name: "化粧水", category: "スキンケア/化粧水", size: "150mL", price: 2200, days: 45 },
  { name: "化粧水 つめかえ用", category: "スキンケア/化粧水", size: "300mL", price: 3520, days: 90 },
  { name: "乳液", category: "スキンケア/乳液", size: "120mL", price: 2420, days: 60 },
  { name: "美容液", category: "スキンケア/美容液", size: "30mL", price: 4180, days: 45 },
  { name: "クリーム", category: "スキンケア/クリーム", size: "40g", price: 3850, days: 60 },
  { name: "UVミルク SPF50+ PA++++", category: "スキンケア/日焼け止め", size: "50mL", price: 1980, days: 60 },
  { name: "シートマスク", category: "スキンケア/パック・マスク", size: "7枚入", price: 1320, days: 30 },
  { name: "トライアルセット", category: "スキンケア/トライアル", size: "7日分", price: 1100, days: null },
];

function skincareLine(
  key: string,
  brand: string,
  target: Target,
  priceFactor: number,
  popularity: number,
): Line {
  return {
    key,
    brand,
    interest: "skincare",
    skuPrefix: "SK",
    target,
    priceFactor,
    popularity,
    taxRate: 10,
    items: SKINCARE_ITEMS,
  };
}

const LINES: readonly Line[] = [
  skincareLine("hananoshizuku", "ハナノシズク", "female", 1.0, 1.5),
  skincareLine("whitelumina", "ホワイトルミナ 薬用美白", "female", 1.3, 1.0),
  skincareLine("naturalbase", "ナチュラルベース 敏感肌", "female", 0.9, 0.9),
  skincareLine("agelessrich", "エイジレスリッチ", "female", 2.0, 0.7),
  skincareLine("pureclear", "ピュアクリア 薬用アクネ", "unisex", 0.75, 0.8),
  {
    key: "kizunamen",
    brand: "KIZUNA MEN",
    interest: "skincare",
    skuPrefix: "MN",
    target: "male",
    priceFactor: 1,
    popularity: 1,
    taxRate: 10,
    items: [
      {
        name: "オールインワンジェル",
        category: "メンズケア/オールインワン",
        size: "100g",
        price: 2750,
        days: 45,
      },
      { name: "薬用洗顔ジェル", category: "メンズケア/洗顔料", size: "130g", price: 1320, days: 60 },
      { name: "化粧水", category: "メンズケア/化粧水", size: "150mL", price: 1980, days: 45 },
      { name: "BBクリーム", category: "メンズケア/BBクリーム", size: "30g", price: 2200, days: 90 },
      { name: "UVジェル SPF50+", category: "メンズケア/日焼け止め", size: "80g", price: 1650, days: 60 },
      {
        name: "デオドラントスプレー",
        category: "メンズケア/デオドラント",
        size: "150g",
        price: 1100,
        days: 45,
      },
    ],
  },
  {
    key: "colormuse",
    brand: "カラーミューズ",
    interest: "makeup",
    skuPrefix: "MU",
    target: "female",
    priceFactor: 1,
    popularity: 1,
    taxRate: 10,
    items: [
      {
        name: "化粧下地 トーンアップ",
        category: "メイクアップ/化粧下地",
        size: "30mL",
        price: 2640,
        days: 90,
      },
      {
        name: "リキッドファンデーション 01 ライト",
        category: "メイクアップ/ファンデーション",
        price: 3520,
        days: 90,
      },
      {
        name: "リキッドファンデーション 02 ナチュラル",
        category: "メイクアップ/ファンデーション",
        price: 3520,
        days: 90,
      },
      {
        name: "リキッドファンデーション 03 オークル",
        category: "メイクアップ/ファンデーション",
        price: 3520,
        days: 90,
      },
      {
        name: "クッションファンデーション",
        category: "メイクアップ/ファンデーション",
        price: 3850,
        days: 90,
      },
      { name: "フェイスパウダー", category: "メイクアップ/フェイスパウダー", price: 3080, days: 90 },
      { name: "コンシーラー", category: "メイクアップ/コンシーラー", price: 1980, days: 120 },
      { name: "ロングラッシュマスカラ", category: "メイクアップ/マスカラ", price: 1760, days: 90 },
      { name: "リキッドアイライナー ブラック", category: "メイクアップ/アイライナー", price: 1430, days: 60 },
      {
        name: "アイブロウペンシル ナチュラルブラウン",
        category: "メイクアップ/アイブロウ",
        price: 1320,
        days: 60,
      },
      { name: "リップスティック 01 ローズ", category: "メイクアップ/リップ", price: 2420 },
      { name: "リップスティック 02 コーラル", category: "メイクアップ/リップ", price: 2420 },
      { name: "リップスティック 03 ベージュ", category: "メイクアップ/リップ", price: 2420 },
      { name: "リップスティック 04 レッド", category: "メイクアップ/リップ", price: 2420 },
      { name: "ティントリップ 05 チェリー", category: "メイクアップ/リップ", price: 1650 },
      { name: "アイシャドウパレット ブラウン", category: "メイクアップ/アイシャドウ", price: 3300 },
      { name: "アイシャドウパレット ピンク", category: "メイクアップ/アイシャドウ", price: 3300 },
      { name: "アイシャドウパレット オレンジ", category: "メイクアップ/アイシャドウ", price: 3300 },
      { name: "パウダーチーク ピーチ", category: "メイクアップ/チーク", price: 2200 },
      { name: "パウダーチーク ローズ", category: "メイクアップ/チーク", price: 2200 },
      { name: "メイクキープミスト", category: "メイクアップ/仕上げ", size: "80mL", price: 1980, days: 60 },
      { name: "ネイルカラー ヌーディベージュ", category: "メイクアップ/ネイル", price: 990 },
      { name: "ネイルカラー ボルドー", category: "メイクアップ/ネイル", price: 990 },
    ],
  },
  {
    key: "tsuyami",
    brand: "ツヤミ",
    interest: "haircare",
    skuPrefix: "HC",
    target: "female",
    priceFactor: 1,
    popularity: 1.1,
    taxRate: 10,
    items: [
      { name: "モイストシャンプー", category: "ヘアケア/シャンプー", size: "400mL", price: 1650, days: 45 },
      {
        name: "モイストトリートメント",
        category: "ヘアケア/トリートメント",
        size: "400g",
        price: 1650,
        days: 45,
      },
      {
        name: "モイストシャンプー つめかえ用",
        category: "ヘアケア/シャンプー",
        size: "350mL",
        price: 1320,
        days: 45,
      },
      {
        name: "モイストトリートメント つめかえ用",
        category: "ヘアケア/トリートメント",
        size: "350g",
        price: 1320,
        days: 45,
      },
      { name: "ヘアオイル", category: "ヘアケア/ヘアオイル", size: "100mL", price: 2420, days: 90 },
      {
        name: "集中補修ヘアマスク",
        category: "ヘアケア/トリートメント",
        size: "200g",
        price: 2200,
        days: 60,
      },
      { name: "ヘアミスト", category: "ヘアケア/スタイリング", size: "200mL", price: 1540, days: 60 },
    ],
  },
  {
    key: "scalplab",
    brand: "スカルプラボ",
    interest: "haircare",
    skuPrefix: "HC",
    target: "unisex",
    priceFactor: 1,
    popularity: 0.8,
    taxRate: 10,
    items: [
      {
        name: "薬用スカルプシャンプー",
        category: "ヘアケア/シャンプー",
        size: "350mL",
        price: 3300,
        days: 45,
      },
      {
        name: "スカルプコンディショナー",
        category: "ヘアケア/トリートメント",
        size: "350mL",
        price: 3300,
        days: 45,
      },
      { name: "薬用育毛エッセンス", category: "ヘアケア/スカルプケア", size: "120mL", price: 5500, days: 30 },
      { name: "頭皮クレンジング", category: "ヘアケア/スカルプケア", size: "200g", price: 2420, days: 60 },
    ],
  },
  {
    key: "botanicalbath",
    brand: "ボタニカルバス",
    interest: "bodycare",
    skuPrefix: "BC",
    target: "unisex",
    priceFactor: 1,
    popularity: 0.9,
    taxRate: 10,
    items: [
      { name: "ボディソープ", category: "ボディケア/ボディソープ", size: "480mL", price: 1320, days: 45 },
      {
        name: "ボディソープ つめかえ用",
        category: "ボディケア/ボディソープ",
        size: "400mL",
        price: 990,
        days: 45,
      },
      { name: "ボディミルク", category: "ボディケア/ボディクリーム", size: "250mL", price: 1980, days: 60 },
      {
        name: "シュガーボディスクラブ",
        category: "ボディケア/スクラブ",
        size: "200g",
        price: 2420,
        days: 60,
      },
      { name: "ハンドクリーム 桜", category: "ボディケア/ハンドケア", size: "50g", price: 1100, days: 45 },
      { name: "ハンドクリーム ゆず", category: "ボディケア/ハンドケア", size: "50g", price: 1100, days: 45 },
      {
        name: "ハンドクリーム 無香料",
        category: "ボディケア/ハンドケア",
        size: "50g",
        price: 1100,
        days: 45,
      },
      { name: "薬用入浴剤 30包", category: "ボディケア/入浴剤", price: 1980, days: 30 },
      { name: "リップバーム", category: "ボディケア/リップケア", price: 880, days: 60 },
      { name: "フットクリーム", category: "ボディケア/フットケア", size: "60g", price: 1540, days: 60 },
      { name: "デオドラントジェル", category: "ボディケア/デオドラント", size: "40g", price: 1320, days: 60 },
    ],
  },
  {
    key: "sukoyaka",
    brand: "すこやか習慣",
    interest: "health",
    skuPrefix: "HF",
    target: "unisex",
    priceFactor: 1,
    popularity: 1.2,
    taxRate: 8,
    items: [
      ...supplement("ビタミンC 1000", 1296, "unisex", "ビタミンC"),
      ...supplement("マルチビタミン&ミネラル", 1620, "unisex", "マルチビタミン"),
      ...supplement("鉄+葉酸", 1404, "female", "鉄分"),
      ...supplement("コラーゲンペプチド 粉末", 3240, "female", "コラーゲン"),
      ...supplement("ヒアルロン酸", 2376, "female", "ヒアルロン酸"),
      ...supplement("乳酸菌 EC-12", 2160, "unisex", "乳酸菌"),
      ...supplement("DHA・EPA", 2916, "unisex", "DHA"),
      ...supplement("グルコサミン&コンドロイチン", 3240, "unisex", "グルコサミン"),
      ...supplement("ルテイン", 2160, "unisex", "ルテイン"),
      ...supplement("亜鉛", 1080, "male", "亜鉛"),
      ...supplement("生酵素", 3024, "female", "酵素"),
      ...supplement("黒酢カプセル", 2592, "unisex", "黒酢"),
      ...supplement("ビタミンD", 1080, "unisex", "ビタミンD"),
      ...supplement("プラセンタ", 4860, "female", "プラセンタ"),
      ...supplement("大豆イソフラボン", 1944, "female", "イソフラボン"),
      { name: "大麦若葉の青汁 30包", category: "健康食品/青汁", price: 3240, days: 30, search: "青汁" },
      { name: "ソイプロテイン 抹茶", category: "健康食品/プロテイン", size: "900g", price: 3888, days: 30 },
      {
        name: "ホエイプロテイン ココア",
        category: "健康食品/プロテイン",
        size: "1kg",
        price: 4320,
        days: 30,
      },
      { name: "オーガニック ルイボスティー 30包", category: "健康食品/健康茶", price: 1296, days: 30 },
      { name: "黒豆茶 30包", category: "健康食品/健康茶", price: 1080, days: 30, search: "黒豆茶" },
      { name: "酵素ドリンク", category: "健康食品/美容ドリンク", size: "720mL", price: 4320, days: 30 },
      { name: "プラセンタドリンク 10本", category: "健康食品/美容ドリンク", price: 3240, days: 10 },
    ],
  },
  {
    key: "kizunadevice",
    brand: "Kizuna Beauty Tech",
    interest: "device",
    skuPrefix: "DV",
    target: "unisex",
    priceFactor: 1,
    popularity: 0.5,
    taxRate: 10,
    items: [
      {
        name: "RF美顔器 リフトプロ",
        category: "美容家電/美顔器",
        price: 39800,
        warranty: 24,
        target: "female",
      },
      { name: "イオン導入美顔器", category: "美容家電/美顔器", price: 19800, warranty: 12, target: "female" },
      {
        name: "光美容器 スムースライト",
        category: "美容家電/光美容器",
        price: 49800,
        warranty: 24,
        target: "female",
      },
      { name: "大風量ヘアドライヤー", category: "美容家電/ヘアドライヤー", price: 24800, warranty: 12 },
      { name: "マイナスイオンドライヤー", category: "美容家電/ヘアドライヤー", price: 14800, warranty: 12 },
      { name: "ストレートヘアアイロン", category: "美容家電/ヘアアイロン", price: 12800, warranty: 12 },
      { name: "カールアイロン 32mm", category: "美容家電/ヘアアイロン", price: 11000, warranty: 12 },
      { name: "音波電動歯ブラシ", category: "美容家電/オーラルケア", price: 16500, warranty: 24 },
      { name: "電動歯ブラシ 替えブラシ 3本", category: "美容家電/オーラルケア", price: 2200, days: 90 },
      { name: "電動頭皮ブラシ", category: "美容家電/スカルプケア", price: 14800, warranty: 12 },
      { name: "EMSフットケア", category: "美容家電/ボディケア", price: 19800, warranty: 12 },
    ],
  },
  {
    key: "kizunaliving",
    brand: "Kizuna Living",
    interest: "goods",
    skuPrefix: "GD",
    target: "unisex",
    priceFactor: 1,
    popularity: 0.7,
    taxRate: 10,
    items: [
      { name: "今治フェイスタオル", category: "生活雑貨/タオル", price: 1320, consumable: false },
      { name: "今治バスタオル", category: "生活雑貨/タオル", price: 3300, consumable: false },
      {
        name: "マイクロファイバー ヘアターバン",
        category: "生活雑貨/ヘアアクセサリー",
        price: 1100,
        consumable: false,
      },
      { name: "天然毛ヘアブラシ", category: "生活雑貨/ヘアアクセサリー", price: 3850, consumable: false },
      { name: "メイクポーチ", category: "生活雑貨/メイク小物", price: 2200, consumable: false },
      { name: "5倍拡大ミラー", category: "生活雑貨/メイク小物", price: 2750, consumable: false },
      { name: "メイクブラシ 5本セット", category: "生活雑貨/メイク小物", price: 4400, consumable: false },
      { name: "スポンジパフ 2個入", category: "生活雑貨/メイク小物", price: 660, days: 60 },
      { name: "大判コットン 80枚", category: "生活雑貨/メイク小物", price: 440, days: 30 },
      { name: "超音波アロマディフューザー", category: "生活雑貨/アロマ", price: 6600, warranty: 12 },
      {
        name: "エッセンシャルオイル ラベンダー",
        category: "生活雑貨/アロマ",
        size: "10mL",
        price: 1650,
        days: 60,
      },
      {
        name: "エッセンシャルオイル ユーカリ",
        category: "生活雑貨/アロマ",
        size: "10mL",
        price: 1650,
        days: 60,
      },
      { name: "シルク枕カバー", category: "生活雑貨/寝具", price: 5980, consumable: false },
      { name: "着圧ソックス", category: "生活雑貨/ファッション", price: 1980, consumable: false },
      { name: "ガーゼルームウェア", category: "生活雑貨/ファッション", price: 4950, consumable: false },
      { name: "真空断熱マグ", category: "生活雑貨/キッチン", price: 2200, consumable: false },
      { name: "ガラスボトル 500mL", category: "生活雑貨/キッチン", price: 1650, consumable: false },
      { name: "折りたたみエコバッグ", category: "生活雑貨/バッグ", price: 1320, consumable: false },
    ],
  },
  {
    key: "kizunagift",
    brand: "Kizuna Gift",
    interest: "gift",
    skuPrefix: "GF",
    target: "unisex",
    priceFactor: 1,
    popularity: 0.6,
    taxRate: 10,
    items: [
      { name: "スキンケア ギフトセット", category: "ギフト/ギフトセット", price: 5500, target: "female" },
      { name: "ハンドクリーム 3本ギフト", category: "ギフト/ギフトセット", price: 3300 },
      { name: "バスタイム ギフトセット", category: "ギフト/ギフトセット", price: 4400 },
      { name: "今治タオル ギフトセット", category: "ギフト/ギフトセット", price: 5500, consumable: false },
      {
        name: "プレミアム エイジングケア ギフト",
        category: "ギフト/ギフトセット",
        price: 11000,
        target: "female",
      },
      { name: "メンズ スキンケアギフト", category: "ギフト/ギフトセット", price: 4950, target: "male" },
    ],
  },
];

/** A supplement in a 30-day bottle and a 90-day economy pack. */
function supplement(name: string, price: number, target: Target, search: string): Item[] {
  return [
    { name: `${name} 30日分`, category: "健康食品/サプリメント", price, days: 30, target, search },
    {
      name: `${name} 90日分 お徳用`,
      category: "健康食品/サプリメント",
      price: Math.round((price * 2.7) / 10) * 10,
      days: 90,
      target,
      search,
    },
  ];
}

/** Japanese shelf prices: a round pre-tax price with consumption tax added (e.g. ¥1,800 → ¥1,980). */
function shelfPrice(price: number, factor: number, taxRate: number): number {
  const preTax = Math.max(100, Math.round((price * factor) / (1 + taxRate / 100) / 100) * 100);
  return Math.floor(preTax * (1 + taxRate / 100));
}

/** Builds the catalogue (ids still 0) and its availability history over [historyStart, now]. */
export function buildCatalog(rng: Random, historyStart: number, now: number): DemoProduct[] {
  const products: DemoProduct[] = [];
  const skuCounters = new Map<string, number>();
  for (const line of LINES) {
    for (const item of line.items) {
      const n = (skuCounters.get(line.skuPrefix) ?? 0) + 1;
      skuCounters.set(line.skuPrefix, n);
      const sku = `${line.skuPrefix}-${String(n).padStart(4, "0")}`;
      const consumable = item.warranty === undefined && item.consumable !== false;
      const replenishmentDays = item.days ?? null;
      const name = [line.brand, item.name, item.size].filter(Boolean).join(" ");
      const leaf = item.category.split("/").at(-1) ?? item.category;
      const durable = item.warranty !== undefined;
      // Most products predate the history; some launched during it.
      const launchedAt = rng.chance(0.85)
        ? historyStart - rng.uniform(30, 900) * DAY
        : rng.uniform(historyStart + 60 * DAY, now - 45 * DAY);
      products.push({
        id: 0,
        sku,
        name,
        brand: line.brand,
        line: line.key,
        categoryPath: item.category,
        interest: line.interest,
        target: item.target ?? line.target,
        size: item.size ?? null,
        price: durable ? item.price : shelfPrice(item.price, line.priceFactor, line.taxRate),
        taxRate: line.taxRate,
        stock: durable ? rng.int(5, 80) : rng.int(40, 900),
        replenishmentDays,
        warrantyMonths: item.warranty ?? null,
        consumable,
        subscription: false,
        popularity: line.popularity * rng.lognormal(0.6) * (durable ? 0.6 : 1),
        launchedAt,
        outages: [],
        searchTerms: [leaf, item.search ?? leaf, line.brand.split(" ")[0]],
      });
    }
  }
  planStockOuts(rng, products, historyStart, now);
  return [...products, ...subscriptionOffers(rng, products, now)];
}

/** Days between two subscription deliveries. */
export const SUBSCRIPTION_CYCLE_DAYS = 30;
/** The shop started selling 定期便 this long before now, so the oldest subscriptions have ten deliveries. */
const SUBSCRIPTIONS_SINCE_DAYS = 300;

/** Consumables also sold as a 定期便, by line and item name. */
const SUBSCRIPTION_OFFERS: ReadonlyArray<readonly [line: string, item: string]> = [
  ["sukoyaka", "大麦若葉の青汁 30包"],
  ["sukoyaka", "乳酸菌 EC-12 30日分"],
  ["sukoyaka", "コラーゲンペプチド 粉末 30日分"],
  ["sukoyaka", "マルチビタミン&ミネラル 30日分"],
  ["sukoyaka", "生酵素 30日分"],
  ["sukoyaka", "DHA・EPA 30日分"],
  ["sukoyaka", "グルコサミン&コンドロイチン 30日分"],
  ["sukoyaka", "ソイプロテイン 抹茶"],
  ["hananoshizuku", "美容液"],
  ["whitelumina", "美容液"],
  ["agelessrich", "クリーム"],
  ["kizunamen", "オールインワンジェル"],
  ["scalplab", "薬用育毛エッセンス"],
];

/**
 * The 定期便 SKUs: 10% below the one-off price, always in stock, on sale since the programme started.
 * They have no replenishment cycle of their own: the next delivery is the replenishment.
 */
function subscriptionOffers(rng: Random, products: readonly DemoProduct[], now: number): DemoProduct[] {
  const launchedAt = now - SUBSCRIPTIONS_SINCE_DAYS * DAY;
  return SUBSCRIPTION_OFFERS.map(([line, item]) => {
    const base = products.find((p) => p.line === line && p.name.includes(item));
    if (!base) throw new Error(`no product "${item}" in line ${line} to sell as a subscription`);
    return {
      ...base,
      sku: `${base.sku}-SUB`,
      name: `【定期便】${base.name}`,
      price: Math.floor((base.price * 0.9) / 10) * 10,
      stock: rng.int(200, 900),
      replenishmentDays: null,
      subscription: true,
      launchedAt,
      outages: [],
    };
  });
}

/**
 * About 6% are sold out now; about 11% were sold out for a while and restocked (a `restock` event);
 * about 8% came back within the last 30 days, so a replay of the last month sees restocks of products
 * customers looked at or asked about while they were gone.
 */
function planStockOuts(rng: Random, products: DemoProduct[], historyStart: number, now: number): void {
  for (const p of products) {
    const firstPossible = Math.max(historyStart, p.launchedAt + 30 * DAY);
    const roll = rng.next();
    if (roll < 0.06) {
      p.outages.push({ from: now - rng.uniform(4, 75) * DAY, to: Number.POSITIVE_INFINITY });
      p.stock = 0;
    } else if (roll < 0.17) {
      const outages = rng.chance(0.3) ? 2 : 1;
      let after = firstPossible;
      for (let i = 0; i < outages; i++) {
        const from = rng.uniform(after, now - 20 * DAY);
        const to = Math.min(now - rng.uniform(1, 10) * DAY, from + rng.uniform(7, 45) * DAY);
        if (to <= from) break;
        p.outages.push({ from, to });
        after = to + 20 * DAY;
        if (after >= now - 30 * DAY) break;
      }
      if (p.stock === 0) p.stock = rng.int(20, 200);
    } else if (roll < 0.25) {
      const to = now - rng.uniform(0.5, 29.5) * DAY;
      const from = Math.max(firstPossible, to - rng.uniform(10, 45) * DAY);
      if (to - from >= 3 * DAY) p.outages.push({ from, to });
    }
  }
}

export function isAvailable(product: DemoProduct, at: number): boolean {
  if (at < product.launchedAt) return false;
  for (const o of product.outages) if (at >= o.from && at < o.to) return false;
  return true;
}

export function productUrl(sku: string): string {
  return `${DEMO_SITE}/products/${sku}`;
}

export function productImageUrl(sku: string): string {
  return `${DEMO_SITE}/images/products/${sku}.jpg`;
}

const TARGET_FIT: Record<Sex, Record<Target, number>> = {
  female: { female: 1, unisex: 0.8, male: 0.03 },
  male: { female: 0.05, unisex: 1, male: 1.6 },
  unknown: { female: 0.7, unisex: 1, male: 0.3 },
};

const SEXES = ["female", "male", "unknown"] as const;

/** Choice tables by interest and shopper sex: popularity times fit. */
function tablesByInterest(products: readonly DemoProduct[]): Map<string, WeightedTable<DemoProduct>> {
  const tables = new Map<string, WeightedTable<DemoProduct>>();
  for (const interest of new Set(products.map((p) => p.interest))) {
    const candidates = products.filter((p) => p.interest === interest);
    for (const sex of SEXES) {
      const weights = candidates.map((p) => p.popularity * TARGET_FIT[sex][p.target]);
      tables.set(`${interest}/${sex}`, new WeightedTable(candidates, weights));
    }
  }
  return tables;
}

/**
 * Product choice tables built once per catalogue: by interest and shopper sex (popularity times fit),
 * and by brand line for shoppers loyal to one line. One-off purchases and browsing draw from the
 * products on the shelf; 定期便 SKUs have tables of their own.
 */
export class CatalogIndex {
  /** Products sold one at a time (everything but the 定期便 SKUs). */
  readonly products: readonly DemoProduct[];
  readonly subscriptions: readonly DemoProduct[];
  private readonly byInterest: Map<string, WeightedTable<DemoProduct>>;
  private readonly byLine = new Map<string, WeightedTable<DemoProduct>>();
  private readonly subscriptionsByInterest: Map<string, WeightedTable<DemoProduct>>;
  readonly skincareLines: readonly string[];

  constructor(all: readonly DemoProduct[]) {
    const products = all.filter((p) => !p.subscription);
    this.products = products;
    this.subscriptions = all.filter((p) => p.subscription);
    this.byInterest = tablesByInterest(products);
    this.subscriptionsByInterest = tablesByInterest(this.subscriptions);
    for (const line of new Set(products.map((p) => p.line))) {
      const candidates = products.filter((p) => p.line === line && !p.categoryPath.endsWith("トライアル"));
      this.byLine.set(
        line,
        new WeightedTable(
          candidates,
          candidates.map((p) => p.popularity),
        ),
      );
    }
    this.skincareLines = [
      ...new Set(products.filter((p) => p.interest === "skincare" && p.target !== "male").map((p) => p.line)),
    ];
  }

  draw(rng: Random, interest: Interest, sex: Sex): DemoProduct {
    const table = this.byInterest.get(`${interest}/${sex}`);
    if (!table) throw new Error(`no products for interest ${interest}`);
    return table.draw(rng);
  }

  drawFromLine(rng: Random, line: string): DemoProduct {
    const table = this.byLine.get(line);
    if (!table) throw new Error(`no products in line ${line}`);
    return table.draw(rng);
  }

  /** A 定期便 for a shopper's interest, or null when none is sold for it. */
  drawSubscription(rng: Random, interest: Interest, sex: Sex): DemoProduct | null {
    return this.subscriptionsByInterest.get(`${interest}/${sex}`)?.draw(rng) ?? null;
  }

  /** The 定期便 of a brand line, if it has one. */
  subscriptionOfLine(rng: Random, line: string): DemoProduct | null {
    const offers = this.subscriptions.filter((p) => p.line === line);
    return offers.length > 0 ? rng.pick(offers) : null;
  }

  /** Sold out now: what restock requests point at. */
  soldOut(): DemoProduct[] {
    return this.products.filter((p) => p.stock === 0);
  }
}
