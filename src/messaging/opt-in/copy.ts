// The words of the confirmation pages in Japanese and English. Plain strings are text (the pages escape
// them); the functions return HTML and must be given already-escaped arguments.
import type { Locale } from "../preferences/copy.js";

export interface OptInCopy {
  /** What the page says in the other language's switch link. */
  languageName: string;
  confirmTitle: string;
  confirmLead(shop: string): string;
  confirmButton: string;
  confirmedTitle: string;
  confirmedLead(shop: string): string;
  expiredTitle: string;
  expiredLead: string;
  withdrawnTitle: string;
  withdrawnLead: string;
}

const ja: OptInCopy = {
  languageName: "日本語",
  confirmTitle: "メールアドレスの確認",
  confirmLead: (shop) =>
    `${shop}からのお知らせメールの受け取りを開始します。よろしければ下のボタンを押してください。`,
  confirmButton: "受け取りを開始する",
  confirmedTitle: "確認が完了しました",
  confirmedLead: (shop) =>
    `ありがとうございます。${shop}からのお知らせメールをお届けします。配信はいつでも停止できます。`,
  expiredTitle: "このリンクは有効期限が切れています",
  expiredLead: "お手数ですが、もう一度お申し込みください。",
  withdrawnTitle: "このお申し込みは取り消されています",
  withdrawnLead:
    "お申し込みの後に配信停止のご連絡をいただいています。受け取りを希望される場合は、あらためてお申し込みください。",
};

const en: OptInCopy = {
  languageName: "English",
  confirmTitle: "Confirm your email address",
  confirmLead: (shop) => `You are about to start receiving news from ${shop}. Press the button to confirm.`,
  confirmButton: "Start receiving emails",
  confirmedTitle: "Thank you for confirming",
  confirmedLead: (shop) =>
    `${shop} will now send you its news. You can unsubscribe at any time from any of its emails.`,
  expiredTitle: "This link has expired",
  expiredLead: "Please sign up again.",
  withdrawnTitle: "This sign-up was withdrawn",
  withdrawnLead:
    "You asked not to receive these emails after signing up. To receive them, please sign up again.",
};

export const OPT_IN_COPY: Record<Locale, OptInCopy> = { ja, en };
