// Settings → Channels: one card per channel (email over SMTP, LINE, SMS, web push, postal DM) with its
// provider settings, credentials that are never shown back, a connection test and the resume button of
// a paused channel; and the sender identity promotional mail must carry. Only owners change them.
import { useEffect, useState } from "react";
import { useI18n, usePageText } from "../i18n";
import { useSession } from "../session";
import { useLoad } from "../useLoad";
import "./Settings.css";
import { ChannelCard, type ChannelView } from "./settings/ChannelCard";
import type { SettingsChannel } from "./settings/providers";
import { SenderIdentity } from "./settings/SenderIdentity";

const ja = {
  lead: "メッセージを送る経路を設定します。認証情報は暗号化して保存され、画面に表示されることはありません。",
  readOnly: "閲覧のみの権限です。チャネルの変更はオーナーが行います。",
  email: "メール（SMTP）",
  line: "LINE",
  sms: "SMS",
  push: "Web プッシュ",
  postal: "郵送 DM",
  postalNote: "郵送 DM は印刷会社向けの CSV として書き出します。接続の設定はありません。",
};
const en: typeof ja = {
  lead: "Where messages go out. Credentials are stored encrypted and never shown again.",
  readOnly: "Read-only access: the shop's owner changes channels.",
  email: "Email (SMTP)",
  line: "LINE",
  sms: "SMS",
  push: "Web push",
  postal: "Postal DM",
  postalNote: "Postal DM is exported as a CSV for the print vendor: there is no connection to set.",
};

const CARDS: SettingsChannel[] = ["email", "line", "sms", "push"];

export function Channels() {
  const { t } = useI18n();
  const p = usePageText({ ja, en });
  const { shop } = useSession();
  // Channel settings are the owner's (the API's "settings" area); others read them.
  const canEdit = shop?.role === "owner";
  const { data, error } = useLoad<{ channels: ChannelView[] }>("/v1/channels");
  const [views, setViews] = useState<Record<string, ChannelView>>({});

  useEffect(() => {
    if (data) setViews(Object.fromEntries(data.channels.map((c) => [c.channel, c])));
  }, [data]);

  return (
    <section className="settings">
      <h1>{t("channels")}</h1>
      <p className="settings-note">{p("lead")}</p>
      {!canEdit && <p className="settings-readonly">{p("readOnly")}</p>}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {data && (
        <div className="settings-cards">
          {CARDS.map((channel) => (
            <ChannelCard
              key={`${shop?.id}:${channel}`}
              channel={channel}
              title={p(channel)}
              stored={views[channel] ?? data.channels.find((c) => c.channel === channel) ?? null}
              canEdit={canEdit}
              onChange={(view) => setViews((v) => ({ ...v, [channel]: view }))}
            />
          ))}
          <article className="settings-card" aria-labelledby="postal-title">
            <div className="settings-card-head">
              <h2 id="postal-title">{p("postal")}</h2>
            </div>
            <p className="settings-note">{p("postalNote")}</p>
          </article>
        </div>
      )}
      <SenderIdentity key={shop?.id} canEdit={canEdit} />
    </section>
  );
}
