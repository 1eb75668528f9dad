// The words of the recipient pages in Japanese and English, and the choice between them: ?lang= when
// given, else the browser's Accept-Language, else the shop's locale. The plain strings are text (the
// pages escape them); the functions return HTML and must be given already-escaped arguments.
import type { Channel } from "../../db/index.js";
import type { Frequency } from "./preferences.js";

export const LOCALES = ["ja", "en"] as const;
export type Locale = (typeof LOCALES)[number];

function asLocale(value: string | undefined): Locale | null {
  const base = value?.trim().toLowerCase().split("-")[0];
  return base === "ja" || base === "en" ? base : null;
}

/** The first of ja/en the browser asks for, by its q weights. */
function fromAcceptLanguage(header: string | undefined): Locale | null {
  if (!header) return null;
  const ranked = header
    .split(",")
    .map((entry, index) => {
      const [tag, ...params] = entry.split(";");
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { locale: asLocale(tag), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((r) => r.locale !== null && r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return ranked[0]?.locale ?? null;
}

export function chooseLocale(
  query: string | undefined,
  acceptLanguage: string | undefined,
  shop?: string,
): Locale {
  return asLocale(query) ?? fromAcceptLanguage(acceptLanguage) ?? asLocale(shop) ?? "ja";
}

export interface Copy {
  /** What the page says in the other language's switch link. */
  languageName: string;
  channel: Record<Channel, string>;
  unsubscribeTitle(channel: string): string;
  unsubscribeLead(shop: string, channel: string): string;
  unsubscribeButton: string;
  unsubscribedTitle: string;
  unsubscribedLead(shop: string, channel: string): string;
  undoLead: string;
  resubscribeButton: string;
  managePreferences: string;
  preferencesTitle: string;
  preferencesLead(shop: string): string;
  channelsLegend: string;
  noChannels: string;
  categoriesLegend: string;
  categoriesHint: string;
  frequencyLegend: string;
  frequency: Record<Frequency, string>;
  saveButton: string;
  saved: string;
  resubscribed: string;
  invalidForm: string;
  /** What is wrong with a field, given the validator's (English) message. */
  invalidValue(message: string): string;
  field: Record<string, string>;
  invalidLinkTitle: string;
  invalidLinkLead: string;
  goneLinkLead: string;
  errorTitle: string;
  errorLead: string;
}

const ja: Copy = {
  languageName: "日本語",
  channel: {
    email: "メールマガジン",
    line: "LINEでのお知らせ",
    sms: "SMSでのお知らせ",
    push: "プッシュ通知",
    postal: "郵送のダイレクトメール",
  },
  unsubscribeTitle: (channel) => `${channel}の配信停止`,
  unsubscribeLead: (shop, channel) =>
    `${shop}からの${channel}の配信を停止します。よろしければ下のボタンを押してください。`,
  unsubscribeButton: "配信を停止する",
  unsubscribedTitle: "配信を停止しました",
  unsubscribedLead: (shop, channel) => `${shop}からの${channel}は今後お送りしません。`,
  undoLead: "誤って停止した場合は、こちらから再開できます。",
  resubscribeButton: "配信を再開する",
  managePreferences: "配信設定を変更する",
  preferencesTitle: "配信設定",
  preferencesLead: (shop) => `${shop}からのお知らせの受け取り方を選べます。`,
  channelsLegend: "受け取る方法",
  noChannels: "現在お知らせをお送りできる連絡先はありません。",
  categoriesLegend: "興味のあるカテゴリ",
  categoriesHint: "何も選ばない場合は、すべてのカテゴリのお知らせをお送りします。",
  frequencyLegend: "配信頻度",
  frequency: { all: "すべて受け取る", weekly: "多くても週に1回", monthly: "多くても月に1回" },
  saveButton: "保存する",
  saved: "配信設定を保存しました。",
  resubscribed: "配信を再開しました。",
  invalidForm: "入力内容を確認してください。",
  invalidValue: () => "選択内容が正しくありません",
  field: { action: "操作", channel: "受け取る方法", category: "カテゴリ", frequency: "配信頻度" },
  invalidLinkTitle: "このリンクは無効です",
  invalidLinkLead: "リンクが途中で切れていないか、メッセージ内のリンクをそのまま開いているかご確認ください。",
  goneLinkLead: "このリンクは現在ご利用いただけません。",
  errorTitle: "エラーが発生しました",
  errorLead: "しばらくしてからもう一度お試しください。",
};

const en: Copy = {
  languageName: "English",
  channel: {
    email: "emails",
    line: "LINE messages",
    sms: "text messages",
    push: "push notifications",
    postal: "postal mail",
  },
  unsubscribeTitle: (channel) => `Unsubscribe from ${channel}`,
  unsubscribeLead: (shop, channel) =>
    `You will no longer receive ${channel} from ${shop}. Press the button to confirm.`,
  unsubscribeButton: "Unsubscribe",
  unsubscribedTitle: "You have been unsubscribed",
  unsubscribedLead: (shop, channel) => `${shop} will not send you ${channel} any more.`,
  undoLead: "Unsubscribed by mistake? You can subscribe again.",
  resubscribeButton: "Subscribe again",
  managePreferences: "Manage your preferences",
  preferencesTitle: "Your preferences",
  preferencesLead: (shop) => `Choose how ${shop} keeps in touch with you.`,
  channelsLegend: "How we may contact you",
  noChannels: "We have no contact details to send you news at the moment.",
  categoriesLegend: "Topics you are interested in",
  categoriesHint: "Leave them all unticked to hear about everything.",
  frequencyLegend: "How often",
  frequency: { all: "Everything", weekly: "At most once a week", monthly: "At most once a month" },
  saveButton: "Save",
  saved: "Your preferences have been saved.",
  resubscribed: "You are subscribed again.",
  invalidForm: "Please check the form.",
  invalidValue: (message) => message,
  field: { action: "action", channel: "how we may contact you", category: "topics", frequency: "how often" },
  invalidLinkTitle: "This link is not valid",
  invalidLinkLead: "Please check that you opened the whole link from the message.",
  goneLinkLead: "This link can no longer be used.",
  errorTitle: "Something went wrong",
  errorLead: "Please try again in a little while.",
};

export const COPY: Record<Locale, Copy> = { ja, en };
