// Japan's 47 prefectures, canonical Japanese name with the short form and the romanised name, so
// imports may say 東京, 東京都 or Tokyo and all land as 東京都.

const PREFECTURES: Array<[canonical: string, romaji: string]> = [
  ["北海道", "Hokkaido"],
  ["青森県", "Aomori"],
  ["岩手県", "Iwate"],
  ["宮城県", "Miyagi"],
  ["秋田県", "Akita"],
  ["山形県", "Yamagata"],
  ["福島県", "Fukushima"],
  ["茨城県", "Ibaraki"],
  ["栃木県", "Tochigi"],
  ["群馬県", "Gunma"],
  ["埼玉県", "Saitama"],
  ["千葉県", "Chiba"],
  ["東京都", "Tokyo"],
  ["神奈川県", "Kanagawa"],
  ["新潟県", "Niigata"],
  ["富山県", "Toyama"],
  ["石川県", "Ishikawa"],
  ["福井県", "Fukui"],
  ["山梨県", "Yamanashi"],
  ["長野県", "Nagano"],
  ["岐阜県", "Gifu"],
  ["静岡県", "Shizuoka"],
  ["愛知県", "Aichi"],
  ["三重県", "Mie"],
  ["滋賀県", "Shiga"],
  ["京都府", "Kyoto"],
  ["大阪府", "Osaka"],
  ["兵庫県", "Hyogo"],
  ["奈良県", "Nara"],
  ["和歌山県", "Wakayama"],
  ["鳥取県", "Tottori"],
  ["島根県", "Shimane"],
  ["岡山県", "Okayama"],
  ["広島県", "Hiroshima"],
  ["山口県", "Yamaguchi"],
  ["徳島県", "Tokushima"],
  ["香川県", "Kagawa"],
  ["愛媛県", "Ehime"],
  ["高知県", "Kochi"],
  ["福岡県", "Fukuoka"],
  ["佐賀県", "Saga"],
  ["長崎県", "Nagasaki"],
  ["熊本県", "Kumamoto"],
  ["大分県", "Oita"],
  ["宮崎県", "Miyazaki"],
  ["鹿児島県", "Kagoshima"],
  ["沖縄県", "Okinawa"],
];

export const PREFECTURE_NAMES: readonly string[] = PREFECTURES.map(([name]) => name);

const lookup = new Map<string, string>();
for (const [canonical, romaji] of PREFECTURES) {
  lookup.set(canonical, canonical);
  lookup.set(canonical === "北海道" ? canonical : canonical.slice(0, -1), canonical);
  lookup.set(romaji.toLowerCase(), canonical);
  lookup.set(
    `${romaji.toLowerCase()}-${canonical.endsWith("都") ? "to" : canonical.endsWith("府") ? "fu" : "ken"}`,
    canonical,
  );
}
lookup.set("hokkaidou", "北海道");

/** The canonical prefecture name, or null when the text names none of the 47. */
export function canonicalPrefecture(value: string): string | null {
  const key = value.normalize("NFKC").trim().toLowerCase();
  return lookup.get(key) ?? null;
}

/** JIS X 0401 code (01 北海道 … 47 沖縄県), which Japanese cart exports often use instead of the name. */
export function prefectureByCode(code: number): string | null {
  return PREFECTURES[code - 1]?.[0] ?? null;
}
