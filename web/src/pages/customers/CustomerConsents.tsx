// Consent per channel, with who recorded it and when. Recording a change on a customer's behalf is a
// change to customer data, which the server leaves to owners; everyone else reads.
import { useState } from "react";
import { ApiError, api } from "../../api";
import { formatDateTime, useI18n, usePageText } from "../../i18n";
import { useSession } from "../../session";
import { apiPath, CHANNELS, type Channel, type ConsentState } from "./types";

const ja = {
  title: "配信の同意",
  email: "メール",
  line: "LINE",
  sms: "SMS",
  push: "プッシュ通知",
  postal: "DM（郵送）",
  granted: "同意あり",
  refused: "同意なし",
  unknown: "未確認",
  via: "記録元",
  allow: "同意あり（受け取る）",
  saving: "記録しています…",
  readOnly: "同意の変更はオーナーが行えます（お客様からの依頼を受けた場合など）。",
  pending: "メールの同意は、お客様が確認メールのリンクを押すと有効になります。",
};
const en: typeof ja = {
  title: "Consent to messages",
  email: "Email",
  line: "LINE",
  sms: "SMS",
  push: "Push",
  postal: "Postal mail",
  granted: "Opted in",
  refused: "Opted out",
  unknown: "Not asked",
  via: "Recorded by",
  allow: "Opted in (receives messages)",
  saving: "Recording…",
  readOnly: "Only an owner can change consent (for example when the customer asks by phone).",
  pending: "Email consent takes effect when the customer clicks the link in the confirmation email.",
};

type Consents = Partial<Record<Channel, ConsentState>>;

export function CustomerConsents({ externalId, initial }: { externalId: string; initial: Consents }) {
  const p = usePageText({ ja, en });
  const { language } = useI18n();
  const { shop } = useSession();
  const canChange = shop?.role === "owner";
  const [consents, setConsents] = useState<Consents>(initial);
  const [saving, setSaving] = useState<Channel | null>(null);
  const [errors, setErrors] = useState<Partial<Record<Channel, string>>>({});
  const [pending, setPending] = useState(false);

  async function change(channel: Channel, granted: boolean) {
    const before = consents;
    setSaving(channel);
    setErrors((e) => ({ ...e, [channel]: undefined }));
    // Shown at once; put back if the server refuses.
    setConsents({ ...before, [channel]: { granted, source: "admin", updatedAt: new Date().toISOString() } });
    try {
      const reply = await api<{ consents: Consents }>("POST", `${apiPath(externalId)}/consents`, {
        consents: { [channel]: granted },
        source: "admin",
      });
      setConsents(reply.consents);
      // Double opt-in holds a "yes" to email until the customer confirms it.
      setPending(granted && reply.consents[channel]?.granted !== true);
    } catch (err) {
      setConsents(before);
      const issue = err instanceof ApiError ? err.issues.find((i) => i.field.endsWith(channel)) : undefined;
      setErrors((e) => ({ ...e, [channel]: issue?.message ?? (err as Error).message }));
    } finally {
      setSaving(null);
    }
  }

  return (
    <section className="customers-card" aria-labelledby="customers-consents-title">
      <h2 id="customers-consents-title">{p("title")}</h2>
      <ul className="customers-consents">
        {CHANNELS.map((channel) => {
          const state = consents[channel];
          const word = state ? (state.granted ? p("granted") : p("refused")) : p("unknown");
          const errorId = `customers-consent-${channel}-error`;
          return (
            <li key={channel} data-channel={channel}>
              <span className="customers-consent-channel">{p(channel)}</span>
              {canChange ? (
                <label className="customers-toggle">
                  <input
                    type="checkbox"
                    checked={state?.granted ?? false}
                    disabled={saving !== null}
                    onChange={(e) => change(channel, e.target.checked)}
                    aria-label={`${p(channel)}: ${p("allow")}`}
                    aria-describedby={errors[channel] ? errorId : undefined}
                  />
                  <span>{saving === channel ? p("saving") : word}</span>
                </label>
              ) : (
                <span
                  className={`customers-consent-state customers-consent-${state ? String(state.granted) : "unknown"}`}
                >
                  {word}
                </span>
              )}
              {state && (
                <span className="customers-muted customers-consent-meta">
                  {p("via")}: {state.source} ·{" "}
                  {formatDateTime(state.updatedAt, shop?.timezone ?? "Asia/Tokyo", language)}
                </span>
              )}
              {errors[channel] && (
                <span id={errorId} role="alert" className="error">
                  {errors[channel]}
                </span>
              )}
            </li>
          );
        })}
      </ul>
      {pending && <p role="status">{p("pending")}</p>}
      {!canChange && <p className="customers-muted">{p("readOnly")}</p>}
    </section>
  );
}
