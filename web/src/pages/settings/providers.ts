// The fields the Channels page offers per provider, after the server's schemas
// (src/messaging/channels/*): settings are shown back, secrets are sealed and only said to be "set".
// Settings the form does not show (DKIM, invalid-number rules…) are kept as stored.

export type FieldKind = "text" | "email" | "url" | "number" | "boolean" | "secret";

export interface ProviderField {
  /** The settings or secrets key; a dot names a nested one (dkim.domainName). */
  name: string;
  kind: FieldKind;
  ja: string;
  en: string;
  required?: boolean;
  placeholder?: string;
}

export interface ProviderForm {
  provider: string;
  ja: string;
  en: string;
  settings: ProviderField[];
  secrets: ProviderField[];
}

export type SettingsChannel = "email" | "line" | "sms" | "push";

const pacing: ProviderField[] = [
  { name: "ratePerSecond", kind: "number", ja: "送信レート（通/秒）", en: "Rate (messages/second)" },
  { name: "concurrency", kind: "number", ja: "同時接続数", en: "Concurrency" },
];

export const PROVIDER_FORMS: Record<SettingsChannel, ProviderForm[]> = {
  email: [
    {
      provider: "smtp",
      ja: "SMTP",
      en: "SMTP",
      settings: [
        {
          name: "host",
          kind: "text",
          ja: "ホスト",
          en: "Host",
          required: true,
          placeholder: "smtp.example.jp",
        },
        { name: "port", kind: "number", ja: "ポート", en: "Port", placeholder: "587" },
        { name: "secure", kind: "boolean", ja: "暗黙の TLS（465 番）", en: "Implicit TLS (port 465)" },
        { name: "requireTls", kind: "boolean", ja: "STARTTLS を必須にする", en: "Require STARTTLS" },
        { name: "fromAddress", kind: "email", ja: "送信元アドレス", en: "From address", required: true },
        { name: "fromName", kind: "text", ja: "送信者名", en: "From name", required: true },
        { name: "replyTo", kind: "email", ja: "返信先アドレス", en: "Reply-to address" },
        { name: "bounceAddress", kind: "email", ja: "バウンス受信アドレス", en: "Bounce address" },
        {
          name: "unsubscribeAddress",
          kind: "email",
          ja: "配信停止受付アドレス（List-Unsubscribe）",
          en: "Unsubscribe address (List-Unsubscribe)",
        },
        { name: "maxConnections", kind: "number", ja: "接続数", en: "Connections" },
        { name: "ratePerSecond", kind: "number", ja: "送信レート（通/秒）", en: "Rate (messages/second)" },
      ],
      secrets: [
        { name: "user", kind: "secret", ja: "ユーザー名", en: "User name" },
        { name: "password", kind: "secret", ja: "パスワード", en: "Password" },
        { name: "dkimPrivateKey", kind: "secret", ja: "DKIM 秘密鍵", en: "DKIM private key" },
      ],
    },
  ],
  line: [
    {
      provider: "line",
      ja: "LINE Messaging API",
      en: "LINE Messaging API",
      settings: [
        {
          name: "botBasicId",
          kind: "text",
          ja: "LINE 公式アカウント ID",
          en: "Bot id",
          placeholder: "@kizuna",
        },
        ...pacing,
        { name: "timeoutMs", kind: "number", ja: "タイムアウト（ミリ秒）", en: "Timeout (ms)" },
        { name: "apiBaseUrl", kind: "url", ja: "API の URL（通常は空欄）", en: "API URL (usually blank)" },
      ],
      secrets: [
        {
          name: "channelAccessToken",
          kind: "secret",
          ja: "チャネルアクセストークン",
          en: "Channel access token",
          required: true,
        },
        {
          name: "channelSecret",
          kind: "secret",
          ja: "チャネルシークレット",
          en: "Channel secret",
          required: true,
        },
      ],
    },
  ],
  sms: [
    {
      provider: "twilio",
      ja: "Twilio",
      en: "Twilio",
      settings: [
        { name: "from", kind: "text", ja: "送信元番号または送信者名", en: "From number or sender id" },
        {
          name: "messagingServiceSid",
          kind: "text",
          ja: "Messaging Service SID",
          en: "Messaging Service SID",
        },
        ...pacing,
        { name: "timeoutMs", kind: "number", ja: "タイムアウト（ミリ秒）", en: "Timeout (ms)" },
        { name: "edge", kind: "text", ja: "エッジ（例: tokyo）", en: "Edge (e.g. tokyo)" },
        { name: "region", kind: "text", ja: "リージョン（例: jp1）", en: "Region (e.g. jp1)" },
      ],
      secrets: [
        { name: "accountSid", kind: "secret", ja: "Account SID", en: "Account SID", required: true },
        { name: "authToken", kind: "secret", ja: "Auth Token", en: "Auth token" },
        { name: "apiKeySid", kind: "secret", ja: "API キー SID", en: "API key SID" },
        { name: "apiKeySecret", kind: "secret", ja: "API キーシークレット", en: "API key secret" },
      ],
    },
    {
      provider: "http",
      ja: "HTTP ゲートウェイ",
      en: "HTTP gateway",
      settings: [
        { name: "url", kind: "url", ja: "送信 URL", en: "Send URL", required: true },
        {
          name: "from",
          kind: "text",
          ja: "送信元番号または送信者名",
          en: "From number or sender id",
          required: true,
        },
        { name: "verifyUrl", kind: "url", ja: "接続確認 URL", en: "Check URL" },
        ...pacing,
        { name: "timeoutMs", kind: "number", ja: "タイムアウト（ミリ秒）", en: "Timeout (ms)" },
      ],
      secrets: [
        {
          name: "signingSecret",
          kind: "secret",
          ja: "署名シークレット（16 文字以上）",
          en: "Signing secret (16+ characters)",
          required: true,
        },
        { name: "bearerToken", kind: "secret", ja: "Bearer トークン", en: "Bearer token" },
      ],
    },
  ],
  push: [
    {
      provider: "web-push",
      ja: "Web プッシュ（VAPID）",
      en: "Web push (VAPID)",
      settings: [
        {
          name: "subject",
          kind: "text",
          ja: "連絡先（mailto: または https:）",
          en: "Contact (mailto: or https:)",
          required: true,
        },
        { name: "vapidPublicKey", kind: "text", ja: "VAPID 公開鍵", en: "VAPID public key", required: true },
        { name: "ttlSeconds", kind: "number", ja: "保持時間（秒）", en: "Time to live (seconds)" },
        ...pacing,
      ],
      secrets: [
        {
          name: "vapidPrivateKey",
          kind: "secret",
          ja: "VAPID 秘密鍵",
          en: "VAPID private key",
          required: true,
        },
      ],
    },
  ],
};

/** A nested value by dotted name. */
export function readPath(source: Record<string, unknown>, name: string): unknown {
  return name
    .split(".")
    .reduce<unknown>(
      (v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined),
      source,
    );
}

/** A copy of `target` with a nested value set (undefined removes it). */
export function writePath(
  target: Record<string, unknown>,
  name: string,
  value: unknown,
): Record<string, unknown> {
  const [head, ...rest] = name.split(".");
  const copy = { ...target };
  if (rest.length === 0) {
    if (value === undefined) delete copy[head];
    else copy[head] = value;
    return copy;
  }
  const inner = (copy[head] && typeof copy[head] === "object" ? copy[head] : {}) as Record<string, unknown>;
  copy[head] = writePath(inner, rest.join("."), value);
  return copy;
}
