// The confirmation mail's default wording, Japanese and English. Plain HTML rather than the library's
// MJML frame: it is one paragraph and a button, and it must render even for a shop that has set up
// nothing else. It names the sender (shop.name, shop.address) like every mail the shop sends, and the
// link it carries ({{ confirmUrl }}) is the only way the consent is granted.
import type { Clock } from "../../core/clock.js";
import type { Db } from "../../db/index.js";
import { ensureTemplates, type TemplateInput } from "../../scenarios/index.js";
import { CONFIRMATION_VALID_DAYS } from "./token.js";

export const OPT_IN_TEMPLATE_KEY = "opt-in.confirm";

/** Variables these templates use that the renderer's vocabulary must provide. */
export const OPT_IN_TEMPLATE_VARIABLES = ["confirmUrl"] as const;

const FONT = {
  ja: "'Hiragino Kaku Gothic ProN','Hiragino Sans','Yu Gothic',Meiryo,sans-serif",
  en: "'Helvetica Neue',Helvetica,Arial,sans-serif",
};

interface Wording {
  subject: string;
  preheader: string;
  paragraphs: string[];
  button: string;
  fallback: string;
  notMe: string;
}

const WORDING: Record<"ja" | "en", Wording> = {
  ja: {
    subject: "【{{ shop.name }}】メールアドレスの確認をお願いします",
    preheader: "ボタンを押すと、お知らせメールの受け取りが始まります。",
    paragraphs: [
      "{{ shop.name | escape }}のお知らせメールにお申し込みいただき、ありがとうございます。",
      "お申し込みを完了するには、下のボタンからメールアドレスのご確認をお願いいたします。",
    ],
    button: "メールアドレスを確認する",
    fallback: `ボタンが押せない場合は、次のURLをブラウザで開いてください（有効期限は${CONFIRMATION_VALID_DAYS}日間です）。`,
    notMe:
      "お心当たりのない場合は、このメールを破棄してください。ご確認いただかない限り、お知らせメールをお送りすることはありません。",
  },
  en: {
    subject: "Please confirm your email address for {{ shop.name }}",
    preheader: "One click and you will start receiving our news.",
    paragraphs: [
      "Thank you for signing up for news from {{ shop.name | escape }}.",
      "To finish signing up, please confirm your email address with the button below.",
    ],
    button: "Confirm my email address",
    fallback: `If the button does not work, open this link in your browser (it works for ${CONFIRMATION_VALID_DAYS} days):`,
    notMe:
      "If you did not sign up, simply ignore this email: we will not send you any news unless you confirm.",
  },
};

function body(locale: "ja" | "en"): string {
  const w = WORDING[locale];
  const p = (text: string) => `<p style="margin:0 0 16px;">${text}</p>`;
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ shop.name | escape }}</title>
</head>
<body style="margin:0;padding:24px 12px;background:#f5f3ef;color:#333333;font-family:${FONT[locale]};font-size:15px;line-height:1.8;">
<div style="display:none;max-height:0;overflow:hidden;">${w.preheader}</div>
<div style="max-width:560px;margin:0 auto;padding:24px;background:#ffffff;border-radius:6px;">
<p style="margin:0 0 20px;font-size:20px;font-weight:bold;text-align:center;">{{ shop.name | escape }}</p>
${w.paragraphs.map(p).join("\n")}
<p style="margin:28px 0;text-align:center;"><a href="{{ confirmUrl }}" style="display:inline-block;padding:14px 32px;background:#2f5d50;color:#ffffff;font-weight:bold;text-decoration:none;border-radius:4px;">${w.button}</a></p>
<p style="margin:0 0 16px;font-size:13px;color:#777777;">${w.fallback}<br>{{ confirmUrl }}</p>
<p style="margin:0 0 16px;font-size:13px;color:#777777;">${w.notMe}</p>
<p style="margin:24px 0 0;padding-top:16px;border-top:1px solid #e5e2dc;font-size:12px;color:#777777;">{{ shop.name | escape }}<br>{{ shop.address | escape }}</p>
</div>
</body>
</html>
`;
}

/** The default confirmation templates, one per language. */
export function optInTemplates(): TemplateInput[] {
  return (["ja", "en"] as const).map((locale) => ({
    key: OPT_IN_TEMPLATE_KEY,
    channel: "email",
    locale,
    messageClass: "transactional",
    subject: WORDING[locale].subject,
    preheader: WORDING[locale].preheader,
    body: body(locale),
  }));
}

/** Adds the default confirmation templates the shop does not have (never overwriting its edits). */
export async function ensureOptInTemplates(db: Db, clock: Clock, shopId: number): Promise<number> {
  return ensureTemplates(db, clock, shopId, optInTemplates());
}
