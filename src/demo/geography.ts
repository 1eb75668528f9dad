// Where demo customers live: the 47 prefectures weighted by population (2020 census, thousands), with
// the leading digits of their postal codes and a few municipalities, and the shop's physical stores.
import { type Random, WeightedTable } from "./random.js";

export interface Prefecture {
  name: string;
  /** First two digits of the prefecture's 7-digit postal codes. */
  postalPrefixes: readonly string[];
  cities: readonly string[];
  /** Remote prefectures pay more for delivery. */
  remote: boolean;
}

type Row = readonly [name: string, population: number, postal: string, cities: string];

const PREFECTURES: readonly Row[] = [
  ["北海道", 5225, "04 05 06 07 08 09", "札幌市中央区 札幌市北区 旭川市 函館市"],
  ["青森県", 1238, "03", "青森市 八戸市 弘前市"],
  ["岩手県", 1211, "02", "盛岡市 一関市"],
  ["宮城県", 2302, "98", "仙台市青葉区 仙台市泉区 石巻市"],
  ["秋田県", 960, "01", "秋田市 横手市"],
  ["山形県", 1068, "99", "山形市 鶴岡市"],
  ["福島県", 1833, "96 97", "福島市 郡山市 いわき市"],
  ["茨城県", 2867, "30 31", "水戸市 つくば市 日立市"],
  ["栃木県", 1933, "32", "宇都宮市 小山市"],
  ["群馬県", 1939, "37", "前橋市 高崎市"],
  ["埼玉県", 7345, "33 34 35 36", "さいたま市浦和区 さいたま市大宮区 川口市 川越市 所沢市"],
  ["千葉県", 6284, "26 27 28 29", "千葉市中央区 船橋市 柏市 市川市 松戸市"],
  [
    "東京都",
    14048,
    "10 11 12 13 14 15 16 17 18 19 20",
    "渋谷区 新宿区 世田谷区 杉並区 練馬区 港区 品川区 八王子市 町田市",
  ],
  ["神奈川県", 9237, "21 22 23 24 25", "横浜市西区 横浜市港北区 川崎市中原区 相模原市 藤沢市"],
  ["新潟県", 2201, "94 95", "新潟市中央区 長岡市"],
  ["富山県", 1035, "93", "富山市 高岡市"],
  ["石川県", 1133, "92", "金沢市 白山市"],
  ["福井県", 767, "91", "福井市 坂井市"],
  ["山梨県", 810, "40", "甲府市 甲斐市"],
  ["長野県", 2048, "38 39", "長野市 松本市"],
  ["岐阜県", 1979, "50", "岐阜市 大垣市"],
  ["静岡県", 3633, "41 42 43", "静岡市葵区 浜松市中央区 沼津市"],
  ["愛知県", 7542, "44 45 46 47 48 49", "名古屋市中区 名古屋市千種区 豊田市 岡崎市 一宮市"],
  ["三重県", 1770, "51", "津市 四日市市"],
  ["滋賀県", 1414, "52", "大津市 草津市"],
  ["京都府", 2578, "60 61 62", "京都市中京区 京都市左京区 宇治市"],
  ["大阪府", 8838, "53 54 55 56 57 58 59", "大阪市北区 大阪市中央区 堺市堺区 豊中市 吹田市 枚方市"],
  ["兵庫県", 5465, "65 66 67", "神戸市中央区 姫路市 西宮市 尼崎市"],
  ["奈良県", 1324, "63", "奈良市 橿原市"],
  ["和歌山県", 922, "64", "和歌山市 田辺市"],
  ["鳥取県", 553, "68", "鳥取市 米子市"],
  ["島根県", 671, "69", "松江市 出雲市"],
  ["岡山県", 1888, "70 71", "岡山市北区 倉敷市"],
  ["広島県", 2800, "72 73", "広島市中区 福山市 呉市"],
  ["山口県", 1342, "74 75", "山口市 下関市"],
  ["徳島県", 720, "77", "徳島市 阿南市"],
  ["香川県", 950, "76", "高松市 丸亀市"],
  ["愛媛県", 1335, "79", "松山市 今治市"],
  ["高知県", 692, "78", "高知市 南国市"],
  ["福岡県", 5135, "80 81 82 83", "福岡市中央区 福岡市博多区 北九州市小倉北区 久留米市"],
  ["佐賀県", 811, "84", "佐賀市 唐津市"],
  ["長崎県", 1312, "85", "長崎市 佐世保市"],
  ["熊本県", 1738, "86", "熊本市中央区 八代市"],
  ["大分県", 1124, "87", "大分市 別府市"],
  ["宮崎県", 1070, "88", "宮崎市 都城市"],
  ["鹿児島県", 1588, "89", "鹿児島市 霧島市"],
  ["沖縄県", 1467, "90", "那覇市 沖縄市 浦添市"],
];

const REMOTE = new Set(["北海道", "沖縄県"]);

const prefectureTable = new WeightedTable<Prefecture>(
  PREFECTURES.map(([name, , postal, cities]) => ({
    name,
    postalPrefixes: postal.split(" "),
    cities: cities.split(" "),
    remote: REMOTE.has(name),
  })),
  PREFECTURES.map((r) => r[1]),
);

export const PREFECTURE_NAMES: readonly string[] = PREFECTURES.map((r) => r[0]);

const TOWNS = [
  "本町",
  "中央",
  "緑町",
  "旭町",
  "栄町",
  "幸町",
  "東町",
  "南町",
  "北町",
  "新町",
  "駅前",
  "桜町",
  "宮前",
];

export function drawPrefecture(rng: Random): Prefecture {
  return prefectureTable.draw(rng);
}

export function drawPostalCode(rng: Random, prefecture: Prefecture): string {
  return rng.pick(prefecture.postalPrefixes) + rng.digits(5);
}

/** Municipality, town and block number, e.g. 渋谷区本町2-14-3 (the prefecture has its own column). */
export function drawAddress(rng: Random, prefecture: Prefecture): string {
  return `${rng.pick(prefecture.cities)}${rng.pick(TOWNS)}${rng.int(1, 5)}-${rng.int(1, 30)}-${rng.int(1, 20)}`;
}

export interface Store {
  id: string;
  prefecture: string;
}

/** The shop's own stores; customers living in these prefectures sometimes shop there. */
export const STORES: readonly Store[] = [
  { id: "STORE-SHIBUYA", prefecture: "東京都" },
  { id: "STORE-SHINJUKU", prefecture: "東京都" },
  { id: "STORE-YOKOHAMA", prefecture: "神奈川県" },
  { id: "STORE-SAKAE", prefecture: "愛知県" },
  { id: "STORE-UMEDA", prefecture: "大阪府" },
  { id: "STORE-TENJIN", prefecture: "福岡県" },
  { id: "STORE-SAPPORO", prefecture: "北海道" },
];

export function storesIn(prefecture: string): Store[] {
  return STORES.filter((s) => s.prefecture === prefecture);
}
