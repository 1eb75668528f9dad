// Points: a monthly statement of the balance, then two reminders before points expire. The copy names the
// expiry date rather than "30 days left", so it stays true if the shop moves the send day.
import { button, heading, note, points, recommendations, text } from "./blocks.js";
import { defineStep } from "./define.js";
import { EN_NAME, JA_NAME, JA_SUBJECT_NAME } from "./snippets.js";
import type { LibraryTemplate } from "./types.js";

const SCENARIO = "points-expiry";

const monthlyStatement = defineStep(SCENARIO, "monthly-statement", {
  ja: {
    email: {
      subject: `【{{ shop.name }}】${JA_SUBJECT_NAME}の保有ポイントのお知らせ`,
      preheader: "現在の保有ポイントは{{ points.balance }}ptです。",
      sections: [
        heading("保有ポイントのお知らせ"),
        text(`<p>${JA_NAME}</p>
<p>いつも{{ shop.name }}をご利用いただき、ありがとうございます。<br />
現在の保有ポイントをお知らせいたします。</p>`),
        points("ja"),
        text(
          "<p>ポイントは、ご注文手続きの際にお支払いの一部としてご利用いただけます。ポイントの履歴はマイページからご確認ください。</p>",
        ),
        button("マイページでポイントを確認する", "shop.memberPageUrl"),
        recommendations("ポイントでお得に手に入るおすすめ商品"),
      ],
    },
    line: `${JA_NAME}
{{ shop.name }}です。
現在の保有ポイントをお知らせします。

保有ポイント：{{ points.balance }}pt
うち{{ points.expiresAt }}に失効予定：{{ points.expiringAmount }}pt

ポイントはご注文時にお支払いの一部としてご利用いただけます。
▼マイページで確認する
{{ shop.memberPageUrl }}`,
    sms: "現在の保有ポイントは{{ points.balance }}ptです。詳細はマイページで {{ shop.memberPageUrl }}",
  },
  en: {
    email: {
      subject: "Your points balance: {{ points.balance }} points",
      preheader: "Here's your monthly points statement from {{ shop.name }}.",
      sections: [
        heading("Your monthly points statement"),
        text(`<p>Hi ${EN_NAME},</p>
<p>Here's a quick look at your points with {{ shop.name }}.</p>`),
        points("en"),
        text(
          "<p>You can use your points toward any order at checkout. See your full history in your account.</p>",
        ),
        button("View my points", "shop.memberPageUrl"),
        recommendations("Treat yourself with your points"),
      ],
    },
    line: `Hi ${EN_NAME}, here's your points update from {{ shop.name }}.

Balance: {{ points.balance }} pts
Expiring on {{ points.expiresAt }}: {{ points.expiringAmount }} pts

Use them toward any order at checkout.
Your account: {{ shop.memberPageUrl }}`,
    sms: "You have {{ points.balance }} points. See your balance: {{ shop.memberPageUrl }}",
  },
});

const expiry30d = defineStep(SCENARIO, "expiry-30d", {
  ja: {
    email: {
      subject: "【ポイント失効のお知らせ】{{ points.expiringAmount }}ptの有効期限が近づいています",
      preheader:
        "{{ points.expiresAt }}に{{ points.expiringAmount }}ptが失効します。お早めにご利用ください。",
      sections: [
        heading("ポイントの有効期限が<br />近づいています"),
        text(`<p>${JA_NAME}</p>
<p>いつも{{ shop.name }}をご利用いただき、ありがとうございます。<br />
保有ポイントのうち<strong>{{ points.expiringAmount }}pt</strong>が、<strong>{{ points.expiresAt }}</strong>に有効期限を迎えます。</p>
<p>期限を過ぎると失効してしまいますので、ぜひお早めにお買い物にご利用ください。</p>`),
        points("ja"),
        button("ポイントを使ってお買い物する", "shop.url"),
        recommendations("ポイントのご利用におすすめの商品"),
        note("※ポイントはご注文手続きの画面でご利用いただけます。"),
      ],
    },
    line: `${JA_NAME}
{{ shop.name }}です。
保有ポイントのうち{{ points.expiringAmount }}ptが、{{ points.expiresAt }}に有効期限を迎えます。

保有ポイント：{{ points.balance }}pt
失効予定：{{ points.expiringAmount }}pt（{{ points.expiresAt }}）

失効してしまう前に、ぜひお買い物にご利用ください。
{{ shop.url }}`,
    sms: "{{ points.expiringAmount }}ptが{{ points.expiresAt }}に失効します。お早めにご利用ください {{ shop.url }}",
  },
  en: {
    email: {
      subject: "{{ points.expiringAmount }} of your points expire on {{ points.expiresAt }}",
      preheader: "Use them before they're gone.",
      sections: [
        heading("Your points are expiring soon"),
        text(`<p>Hi ${EN_NAME},</p>
<p>Just a heads-up: <strong>{{ points.expiringAmount }} points</strong> in your account will expire on <strong>{{ points.expiresAt }}</strong>. Use them on your next order so they don't go to waste.</p>`),
        points("en"),
        button("Use my points", "shop.url"),
        recommendations("Ideas for your points"),
        note("Redeem your points at checkout."),
      ],
    },
    line: `Hi ${EN_NAME}, it's {{ shop.name }}.
{{ points.expiringAmount }} of your points expire on {{ points.expiresAt }}.

Balance: {{ points.balance }} pts

Use them on your next order before they're gone:
{{ shop.url }}`,
    sms: "{{ points.expiringAmount }} of your points expire on {{ points.expiresAt }}. Use them here: {{ shop.url }}",
  },
});

const expiry7d = defineStep(SCENARIO, "expiry-7d", {
  ja: {
    email: {
      subject: "【まもなく失効】{{ points.expiringAmount }}ptの有効期限は{{ points.expiresAt }}までです",
      preheader: "失効前の最後のご案内です。お見逃しのないようご注意ください。",
      sections: [
        heading("ポイントが<br />まもなく失効します"),
        text(`<p>${JA_NAME}</p>
<p>保有ポイントのうち<strong>{{ points.expiringAmount }}pt</strong>の有効期限が、<strong>{{ points.expiresAt }}</strong>に迫っています。</p>
<p>失効前の最後のご案内となります。ちょっとした日用品や、気になっていた商品のお試しにもご利用いただけますので、この機会にぜひお役立てください。</p>`),
        points("ja"),
        button("今すぐポイントを使う", "shop.url"),
        recommendations("ポイントでお求めやすいおすすめ商品"),
        note("※ポイントはご注文手続きの画面でご利用いただけます。"),
      ],
    },
    line: `${JA_NAME}
{{ shop.name }}です。
保有ポイントのうち{{ points.expiringAmount }}ptが、まもなく失効します。

有効期限：{{ points.expiresAt }}
保有ポイント：{{ points.balance }}pt

失効前の最後のご案内です。ぜひお早めにご利用ください。
{{ shop.url }}`,
    sms: "{{ points.expiringAmount }}ptがまもなく失効します（{{ points.expiresAt }}まで） {{ shop.url }}",
  },
  en: {
    email: {
      subject: "Last chance: {{ points.expiringAmount }} points expire on {{ points.expiresAt }}",
      preheader: "This is your final reminder before your points expire.",
      sections: [
        heading("Last chance to use your points"),
        text(`<p>Hi ${EN_NAME},</p>
<p>This is your final reminder: <strong>{{ points.expiringAmount }} points</strong> expire on <strong>{{ points.expiresAt }}</strong>. Even a small treat or a restock of an everyday favorite is a great way to use them.</p>`),
        points("en"),
        button("Use my points now", "shop.url"),
        recommendations("Easy ways to use your points"),
        note("Redeem your points at checkout."),
      ],
    },
    line: `Hi ${EN_NAME}, it's {{ shop.name }}.
Final reminder: {{ points.expiringAmount }} of your points expire on {{ points.expiresAt }}.

Balance: {{ points.balance }} pts

Use them before they're gone: {{ shop.url }}`,
    sms: "Last chance: {{ points.expiringAmount }} points expire on {{ points.expiresAt }}. Use them now: {{ shop.url }}",
  },
});

export const templates: LibraryTemplate[] = [...monthlyStatement, ...expiry30d, ...expiry7d];
