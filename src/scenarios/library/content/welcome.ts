// Welcome series for a new member: who the shop is, then its bestsellers and how to choose, then a coupon
// for the first purchase.
import { button, coupon, heading, note, recommendations, text } from "./blocks.js";
import { defineStep } from "./define.js";
import {
  couponText,
  EN_NAME,
  EN_SUBJECT_NAME,
  JA_NAME,
  JA_SUBJECT_NAME,
  recommendationsText,
} from "./snippets.js";
import type { LibraryTemplate } from "./types.js";

const SCENARIO = "welcome";

const welcome1 = defineStep(SCENARIO, "welcome-1", {
  ja: {
    email: {
      subject: "【{{ shop.name }}】会員登録ありがとうございます",
      preheader: "{{ shop.name }}のこと、少しだけご紹介させてください。",
      sections: [
        heading("ようこそ、<br />{{ shop.name }}へ"),
        text(`<p>${JA_NAME}</p>
<p>このたびは{{ shop.name }}の会員にご登録いただき、誠にありがとうございます。</p>`),
        text(`{% comment %}お店の成り立ちや、大切にしていることに書き換えてください。{% endcomment %}
<p>{{ shop.name }}は、「毎日の暮らしの中で、長く愛せるものをお届けしたい」という想いから始まったお店です。一つひとつの商品を心を込めて選び、丁寧にお届けしています。</p>
<p>これから、新商品や季節のおすすめ、会員の皆さまへのお得なお知らせをお届けしてまいります。どうぞよろしくお願いいたします。</p>`),
        button("ショップを見る", "shop.url"),
        note(
          '※ご注文履歴やポイントは<a href="{{ shop.memberPageUrl }}">マイページ</a>からご確認いただけます。',
        ),
      ],
    },
    line: `${JA_NAME}
{{ shop.name }}です。会員登録ありがとうございます！

{% comment %}お店の紹介に書き換えてください。{% endcomment %}{{ shop.name }}は「毎日の暮らしの中で、長く愛せるものをお届けしたい」という想いから始まったお店です。
新商品や季節のおすすめ、会員さま向けのお得なお知らせをお届けしますので、どうぞよろしくお願いいたします。

▼ショップはこちら
{{ shop.url }}`,
    sms: "会員登録ありがとうございます。お店のご紹介はこちら {{ shop.url }}",
  },
  en: {
    email: {
      subject: `Welcome to {{ shop.name }}${EN_SUBJECT_NAME}!`,
      preheader: "We're so glad you're here. Here's a little about us.",
      sections: [
        heading("Welcome to {{ shop.name }}"),
        text(`<p>Hi ${EN_NAME},</p>
<p>Thanks for joining us! We're so glad you're here.</p>`),
        text(`{% comment %}Replace with your shop's own story.{% endcomment %}
<p>{{ shop.name }} started with a simple idea: everyday things should be made well enough to love for years. We choose every product with care, and we're always happy to help you find the right one.</p>
<p>From now on, you'll be the first to hear about new arrivals, seasonal favorites and member-only offers.</p>`),
        button("Start shopping", "shop.url"),
        note('Your orders and points are always in <a href="{{ shop.memberPageUrl }}">your account</a>.'),
      ],
    },
    line: `Hi ${EN_NAME}, welcome to {{ shop.name }}!

{% comment %}Replace with your shop's own story.{% endcomment %}We started with a simple idea: everyday things should be made well enough to love for years. You'll be the first to hear about new arrivals and member-only offers.

Start shopping: {{ shop.url }}`,
    sms: "Welcome to {{ shop.name }}! Thanks for joining. Start shopping: {{ shop.url }}",
  },
});

const welcome2 = defineStep(SCENARIO, "welcome-2", {
  ja: {
    email: {
      subject: "はじめての方に選ばれている、{{ shop.name }}の人気商品",
      preheader: "迷ったときの選び方のポイントもあわせてご紹介します。",
      sections: [
        heading("はじめての方に<br />選ばれている人気商品"),
        text(`<p>${JA_NAME}</p>
<p>{{ shop.name }}には、たくさんの商品がございます。「どれから試せばいいの？」という方のために、はじめての方によく選ばれている商品をご紹介します。</p>`),
        recommendations("人気の商品"),
        text(`{% comment %}お店の商品に合わせて、選び方のポイントを書き換えてください。{% endcomment %}
<p><strong>■ 選び方のポイント</strong><br />
迷ったときは、まずは定番の人気商品や、少量のお試しサイズから始めるのがおすすめです。商品ページのレビューも、ぜひ参考になさってください。</p>
<p>ご自分に合うものが分からない場合は、<a href="mailto:{{ shop.email }}">{{ shop.email }}</a>までお気軽にご相談ください。スタッフがお選びするお手伝いをいたします。</p>`),
        button("人気の商品をもっと見る", "shop.url"),
      ],
    },
    line: `${JA_NAME}
{{ shop.name }}です。
「どれから試せばいいの？」という方のために、はじめての方によく選ばれている商品をご紹介します。${recommendationsText("ja", "【人気の商品】")}

迷ったときは、定番の人気商品から始めるのがおすすめです。選び方のご相談もお気軽にどうぞ（{{ shop.email }}）。`,
    sms: "はじめての方に人気の商品をご紹介しています {{ shop.url }}",
  },
  en: {
    email: {
      subject: "Our bestsellers, and how to choose",
      preheader: "Not sure where to start? These customer favorites are a great first pick.",
      sections: [
        heading("Not sure where to start?"),
        text(`<p>Hi ${EN_NAME},</p>
<p>With so much to choose from, here's a shortcut: the favorites most customers start with.</p>`),
        recommendations("Our bestsellers"),
        text(`{% comment %}Replace with buying advice for your products.{% endcomment %}
<p><strong>How to choose</strong><br />
When in doubt, start with a bestseller or a smaller size to try. Customer reviews on each product page are a great guide too.</p>
<p>Still unsure? Write to <a href="mailto:{{ shop.email }}">{{ shop.email }}</a> and we'll help you find the right fit.</p>`),
        button("Shop bestsellers", "shop.url"),
      ],
    },
    line: `Hi ${EN_NAME}, it's {{ shop.name }}.
Not sure where to start? These are the favorites most customers try first.${recommendationsText("en", "Our bestsellers:")}

Need help choosing? Write to us at {{ shop.email }}.`,
    sms: "Not sure where to start? See our bestsellers: {{ shop.url }}",
  },
});

const welcome3 = defineStep(SCENARIO, "welcome-3", {
  ja: {
    email: {
      subject: `【{{ coupon.label }}】${JA_SUBJECT_NAME}へ、はじめてのお買い物に使えるクーポンです`,
      preheader: "{{ coupon.expiresAt }}までご利用いただけます。この機会にぜひお試しください。",
      sections: [
        heading("はじめてのお買い物に使える<br />クーポンをお届けします"),
        text(`<p>${JA_NAME}</p>
<p>{{ shop.name }}の会員にご登録いただき、ありがとうございます。<br />
はじめてのお買い物をもっと気軽に楽しんでいただけるよう、会員さま限定のクーポンをご用意しました。</p>`),
        coupon("ja"),
        button("クーポンを使ってお買い物する", "shop.url"),
        recommendations("はじめての方におすすめの商品"),
        note("※クーポンコードはご注文手続きの画面でご入力ください。"),
      ],
    },
    line: `${JA_NAME}
{{ shop.name }}です。
はじめてのお買い物に使える、会員さま限定のクーポンをお届けします。

${couponText("ja")}

この機会に、ぜひお試しください。
{{ shop.url }}`,
    sms: "はじめてのお買い物に使える{{ coupon.label }}クーポン：{{ coupon.code }} {{ shop.url }}",
  },
  en: {
    email: {
      subject: "{{ coupon.label }} your first order, just for you",
      preheader: "A welcome gift for your first order. Valid until {{ coupon.expiresAt }}.",
      sections: [
        heading("A welcome gift for your first order"),
        text(`<p>Hi ${EN_NAME},</p>
<p>Ready to try us out? Here's a members-only coupon to make your first order even sweeter.</p>`),
        coupon("en"),
        button("Shop with my coupon", "shop.url"),
        recommendations("Great first picks"),
        note("Enter the code at checkout."),
      ],
    },
    line: `Hi ${EN_NAME}, it's {{ shop.name }}.
Here's a welcome gift for your first order:

${couponText("en")}

Shop now: {{ shop.url }}`,
    sms: "Welcome gift: {{ coupon.label }} your first order with code {{ coupon.code }}: {{ shop.url }}",
  },
});

export const templates: LibraryTemplate[] = [...welcome1, ...welcome2, ...welcome3];
