// "Send a test": the draft on screen, rendered for the chosen customer, sent to the marketer's own
// address through the shop's provider (POST /v1/templates/test-send). Marked as a test; not counted.
import { type FormEvent, useState } from "react";
import { ApiError, type ApiIssue, api } from "../../api";
import { usePageText } from "../../i18n";
import { useSession } from "../../session";

export interface DraftForTest {
  channel: string;
  locale: string;
  messageClass: "promotional" | "transactional";
  subject: string | null;
  preheader: string | null;
  body: string;
  customer: string;
}

const ja = {
  title: "テスト送信",
  toEmail: "送信先メールアドレス",
  toSms: "送信先電話番号（+81 から）",
  toLine: "送信先 LINE ユーザー ID",
  send: "テスト送信する",
  sending: "送信しています…",
  sent: "送信しました",
  failed: "送信できませんでした",
  deferred: "プロバイダが一時的に受け付けませんでした",
  note: "件名の先頭に [テスト] が付きます。顧客への配信や集計には含まれません。",
};
const en: typeof ja = {
  title: "Send a test",
  toEmail: "Send to (email address)",
  toSms: "Send to (phone, +81…)",
  toLine: "Send to (LINE user id)",
  send: "Send a test",
  sending: "Sending…",
  sent: "Sent",
  failed: "Could not send",
  deferred: "The provider did not take it just now",
  note: "Marked [TEST]; not sent to the customer and not counted in any report.",
};

export const TEST_SEND_CHANNELS = ["email", "sms", "line"];

export function TestSend({ draft }: { draft: DraftForTest }) {
  const p = usePageText({ ja, en });
  const { me } = useSession();
  const [to, setTo] = useState(draft.channel === "email" ? (me?.user.email ?? "") : "");
  const [busy, setBusy] = useState(false);
  const [issues, setIssues] = useState<ApiIssue[]>([]);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const label = draft.channel === "email" ? p("toEmail") : draft.channel === "sms" ? p("toSms") : p("toLine");

  async function send(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setIssues([]);
    setOutcome(null);
    try {
      const r = await api<{
        status: "sent" | "deferred" | "failed";
        reason?: string;
        subject: string | null;
      }>("POST", "/v1/templates/test-send", { ...draft, to: to.trim() });
      if (r.status === "sent") setOutcome({ ok: true, text: `${p("sent")}: ${to.trim()}` });
      else
        setOutcome({
          ok: false,
          text: `${r.status === "deferred" ? p("deferred") : p("failed")}: ${r.reason ?? ""}`,
        });
    } catch (err) {
      if (err instanceof ApiError && err.issues.length > 0) setIssues(err.issues);
      else setOutcome({ ok: false, text: `${p("failed")}: ${(err as Error).message}` });
    } finally {
      setBusy(false);
    }
  }

  const toIssues = issues.filter((i) => i.field === "to");
  const otherIssues = issues.filter((i) => i.field !== "to");
  return (
    <form className="template-test-send" onSubmit={(e) => void send(e)} noValidate>
      <h3>{p("title")}</h3>
      <label>
        {label}
        <input
          value={to}
          type={draft.channel === "email" ? "email" : "text"}
          autoComplete={draft.channel === "email" ? "email" : "off"}
          aria-invalid={toIssues.length > 0}
          aria-describedby={toIssues.length > 0 ? "test-send-to-issues" : undefined}
          onChange={(e) => setTo(e.target.value)}
        />
      </label>
      {toIssues.length > 0 && (
        <ul id="test-send-to-issues" className="error field-issues" role="alert">
          {toIssues.map((i) => (
            <li key={i.message}>{i.message}</li>
          ))}
        </ul>
      )}
      {otherIssues.length > 0 && (
        <ul className="error field-issues" role="alert">
          {otherIssues.map((i) => (
            <li key={`${i.field}:${i.message}`}>
              {i.field}: {i.message}
            </li>
          ))}
        </ul>
      )}
      <button type="submit" disabled={busy || !to.trim()}>
        {busy ? p("sending") : p("send")}
      </button>
      {outcome && (
        <p role={outcome.ok ? "status" : "alert"} className={outcome.ok ? "notice" : "error"}>
          {outcome.text}
        </p>
      )}
      <p className="template-test-note">{p("note")}</p>
    </form>
  );
}
