// Japanese first, English too: one dictionary per language, the choice kept in the browser. Dates and
// money are formatted in the shop's time zone and currency, whatever the browser's own settings.
import { createContext, type ReactNode, useContext, useMemo, useState } from "react";

const ja = {
  appName: "Kizuna 絆",
  signIn: "ログイン",
  signOut: "ログアウト",
  email: "メールアドレス",
  password: "パスワード",
  signingIn: "ログインしています…",
  wrongPassword: "メールアドレスまたはパスワードが違います",
  locked:
    "ログインの失敗が続いたため、アカウントをロックしました。しばらく待つか、オーナーに解除を依頼してください。",
  tooMany: "試行回数が多すぎます。しばらくしてからもう一度お試しください。",
  language: "言語",
  shop: "ショップ",
  home: "ホーム",
  members: "メンバー",
  apiKeys: "API キー",
  auditLog: "操作ログ",
  settings: "設定",
  welcome: "ようこそ",
  yourRole: "あなたの権限",
  timezone: "タイムゾーン",
  currency: "通貨",
  apiDocs: "API リファレンス",
  name: "名前",
  role: "権限",
  lastSignIn: "最終ログイン",
  lockedUntil: "ロック中",
  unlock: "ロック解除",
  remove: "削除",
  addMember: "メンバーを追加",
  add: "追加",
  initialPassword: "初期パスワード（この画面でのみ表示されます）",
  kind: "種類",
  label: "ラベル",
  prefix: "先頭",
  created: "作成日時",
  lastUsed: "最終利用",
  revoked: "無効化",
  revoke: "無効にする",
  issueKey: "キーを発行",
  newKey: "新しいキー（この画面でのみ表示されます）",
  when: "日時",
  actor: "実行者",
  action: "操作",
  target: "対象",
  never: "—",
  loading: "読み込み中…",
  owner: "オーナー",
  marketer: "マーケター",
  analyst: "アナリスト",
  secretKind: "シークレット（全権限）",
  publicKind: "公開（ストアフロントのイベントのみ）",
  confirmRevoke: "このキーを無効にしますか？このキーを使う連携は止まります。",
  confirmRemove: "このメンバーをショップから外しますか？",
  notAllowed: "この画面を開く権限がありません。",
  dashboard: "ダッシュボード",
  customers: "顧客",
  segments: "セグメント",
  scenarios: "シナリオ",
  templates: "テンプレート",
  campaigns: "キャンペーン",
  analytics: "分析",
  channels: "チャネル",
  guardrails: "配信ルール",
  save: "保存",
  cancel: "キャンセル",
};

type Dictionary = typeof ja;
export type Key = keyof Dictionary;

const en: Dictionary = {
  appName: "Kizuna",
  signIn: "Sign in",
  signOut: "Sign out",
  email: "Email address",
  password: "Password",
  signingIn: "Signing in…",
  wrongPassword: "Wrong email address or password",
  locked: "Too many failed sign-ins: the account is locked. Wait, or ask an owner to unlock it.",
  tooMany: "Too many attempts. Try again in a little while.",
  language: "Language",
  shop: "Shop",
  home: "Home",
  members: "Members",
  apiKeys: "API keys",
  auditLog: "Audit log",
  settings: "Settings",
  welcome: "Welcome",
  yourRole: "Your role",
  timezone: "Time zone",
  currency: "Currency",
  apiDocs: "API reference",
  name: "Name",
  role: "Role",
  lastSignIn: "Last sign-in",
  lockedUntil: "Locked",
  unlock: "Unlock",
  remove: "Remove",
  addMember: "Add a member",
  add: "Add",
  initialPassword: "Initial password (shown only here)",
  kind: "Kind",
  label: "Label",
  prefix: "Starts with",
  created: "Created",
  lastUsed: "Last used",
  revoked: "Revoked",
  revoke: "Revoke",
  issueKey: "Issue a key",
  newKey: "New key (shown only here)",
  when: "When",
  actor: "Who",
  action: "Action",
  target: "Target",
  never: "—",
  loading: "Loading…",
  owner: "Owner",
  marketer: "Marketer",
  analyst: "Analyst",
  secretKind: "Secret (full access)",
  publicKind: "Public (storefront events only)",
  confirmRevoke: "Revoke this key? Integrations using it will stop.",
  confirmRemove: "Take this member off the shop?",
  notAllowed: "Your role cannot open this page.",
  dashboard: "Dashboard",
  customers: "Customers",
  segments: "Segments",
  scenarios: "Scenarios",
  templates: "Templates",
  campaigns: "Campaigns",
  analytics: "Analytics",
  channels: "Channels",
  guardrails: "Guardrails",
  save: "Save",
  cancel: "Cancel",
};

export type Language = "ja" | "en";
const DICTIONARIES: Record<Language, Dictionary> = { ja, en };
const STORAGE_KEY = "kizuna.language";

interface I18n {
  language: Language;
  setLanguage(language: Language): void;
  t(key: Key): string;
}

const I18nContext = createContext<I18n | null>(null);

function initialLanguage(): Language {
  const stored = localStorage.getItem(STORAGE_KEY);
  return stored === "en" || stored === "ja" ? stored : "ja";
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(initialLanguage);
  const value = useMemo<I18n>(
    () => ({
      language,
      setLanguage(next) {
        localStorage.setItem(STORAGE_KEY, next);
        document.documentElement.lang = next;
        setLanguageState(next);
      },
      t: (key) => DICTIONARIES[language][key],
    }),
    [language],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error("useI18n outside I18nProvider");
  return value;
}

/**
 * A page's own words: each page keeps its dictionaries next to its code (the same keys in both
 * languages, which the type checks), so pages grow without one shared file in everyone's way.
 */
export function usePageText<D extends Record<string, string>>(dictionaries: Record<Language, D>) {
  const { language } = useI18n();
  return (key: keyof D): string => dictionaries[language][key];
}

/** A UTC timestamp as the shop's local date and time, in the admin's language. */
export function formatDateTime(iso: string | null, timeZone: string, language: Language): string {
  if (!iso) return "—";
  return new Intl.DateTimeFormat(language === "ja" ? "ja-JP" : "en-GB", {
    timeZone,
    dateStyle: "medium",
    timeStyle: "short",
  }).format(new Date(iso));
}

/** Minor units in one major unit of a currency: 1 for yen, 100 for dollars. */
export function minorUnitsPerMajor(currency: string): number {
  const digits =
    new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 0;
  return 10 ** digits;
}

/** Integer minor units as the shop's currency (¥1,280; $12.80). */
export function formatMoney(minor: number, currency: string, language: Language): string {
  return new Intl.NumberFormat(language === "ja" ? "ja-JP" : "en-US", { style: "currency", currency }).format(
    minor / minorUnitsPerMajor(currency),
  );
}

/** A count with the language's digit grouping (12,345). */
export function formatNumber(value: number, language: Language): string {
  return new Intl.NumberFormat(language === "ja" ? "ja-JP" : "en-US").format(value);
}
