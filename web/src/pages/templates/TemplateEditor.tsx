// One template's editor: subject, preheader and body, saved through the server's full check (its errors
// shown by the field they concern), and a live preview rendered by the server for a real customer.
import { type FormEvent, useEffect, useState } from "react";
import { Link, useParams } from "react-router";
// A pure function with no imports: the same count the server and the scenario library make.
import { smsSegments } from "../../../../src/messaging/channels/sms/segments";
import { ApiError, type ApiIssue, api } from "../../api";
import { useI18n, usePageText } from "../../i18n";
import { useCanEdit } from "../../session";
import { LinePreview } from "./LinePreview";
import { TEST_SEND_CHANNELS, TestSend } from "./TestSend";

export const CHANNELS = ["email", "line", "sms", "push", "postal"] as const;
export type Channel = (typeof CHANNELS)[number];

interface TemplateSource {
  messageClass: "promotional" | "transactional";
  subject: string | null;
  preheader: string | null;
  body: string;
}

interface Preview {
  subject: string | null;
  preheader: string | null;
  html: string | null;
  text: string;
  sms: { encoding: string; length: number; segments: number; perSegment: number } | null;
  line: Array<Record<string, unknown>> | null;
}

const ja = {
  back: "テンプレート一覧",
  messageClass: "種別",
  promotional: "販促",
  transactional: "取引",
  subject: "件名",
  preheader: "プリヘッダー",
  bodyEmail: "本文（MJML または HTML）",
  bodyText: "本文",
  customer: "プレビューする顧客（外部 ID）",
  preview: "プレビュー",
  pickCustomer: "顧客の外部 ID を入れるとプレビューが表示されます。",
  rendering: "表示しています…",
  desktop: "デスクトップ（600 px）",
  mobile: "モバイル（375 px）",
  width: "表示幅",
  saved: "保存しました。",
  notFound: "新しいテンプレートです。保存すると作成されます。",
  characters: "文字数",
  segments: "通数",
  rendered: "プレビュー時",
  draft: "下書き",
  readOnly: "閲覧のみの権限です。",
  previewFrame: "メールのプレビュー",
};
const en: typeof ja = {
  back: "All templates",
  messageClass: "Class",
  promotional: "Promotional",
  transactional: "Transactional",
  subject: "Subject",
  preheader: "Preheader",
  bodyEmail: "Body (MJML or HTML)",
  bodyText: "Body",
  customer: "Preview for customer (external id)",
  preview: "Preview",
  pickCustomer: "Enter a customer's external id to see the preview.",
  rendering: "Rendering…",
  desktop: "Desktop (600 px)",
  mobile: "Mobile (375 px)",
  width: "Width",
  saved: "Saved.",
  notFound: "A new template: saving creates it.",
  characters: "Characters",
  segments: "Segments",
  rendered: "As previewed",
  draft: "Draft",
  readOnly: "Read-only access.",
  previewFrame: "Email preview",
};

/** Issues of one field, shown under it. */
function FieldIssues({ id, issues }: { id: string; issues: ApiIssue[] }) {
  if (issues.length === 0) return null;
  return (
    <ul id={id} className="error field-issues" role="alert">
      {issues.map((i) => (
        <li key={i.message}>{i.message}</li>
      ))}
    </ul>
  );
}

export function TemplateEditor() {
  const params = useParams();
  const key = params.key ?? "";
  const channel = (params.channel ?? "email") as Channel;
  const locale = params.locale ?? "ja";
  const p = usePageText({ ja, en });
  const { t } = useI18n();
  const canEdit = useCanEdit();
  const [source, setSource] = useState<TemplateSource | null>(null);
  const [isNew, setIsNew] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [issues, setIssues] = useState<ApiIssue[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [customer, setCustomer] = useState("");
  const [preview, setPreview] = useState<Preview | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const [width, setWidth] = useState<"desktop" | "mobile">("desktop");
  const path = `/v1/templates/${encodeURIComponent(key)}/${channel}/${locale}`;

  useEffect(() => {
    api<TemplateSource>("GET", path)
      .then((s) => {
        setSource(s);
        setIsNew(false);
      })
      .catch((err: Error) => {
        if (err instanceof ApiError && err.status === 404) {
          setSource({ messageClass: "transactional", subject: "", preheader: "", body: "" });
          setIsNew(true);
        } else setLoadError(err.message);
      });
  }, [path]);

  // The live preview: asked for a moment after the last keystroke, the newest answer wins.
  useEffect(() => {
    if (!source || !customer.trim() || !source.body.trim() || !canEdit) return;
    let current = true;
    const timer = setTimeout(() => {
      setPreviewing(true);
      api<Preview>("POST", "/v1/templates/preview", {
        channel,
        locale,
        subject: source.subject || null,
        preheader: source.preheader || null,
        body: source.body,
        customer: customer.trim(),
      })
        .then((r) => {
          if (!current) return;
          setPreview(r);
          setPreviewError(null);
        })
        .catch((err: Error) => {
          if (!current) return;
          const detail = err instanceof ApiError && err.issues.length > 0 ? err.issues : null;
          setPreviewError(detail ? detail.map((i) => `${i.field}: ${i.message}`).join(" / ") : err.message);
        })
        .finally(() => current && setPreviewing(false));
    }, 350);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [source, customer, channel, locale, canEdit]);

  if (loadError)
    return (
      <p role="alert" className="error">
        {loadError}
      </p>
    );
  if (!source) return <p>{t("loading")}</p>;

  const set = (patch: Partial<TemplateSource>) => setSource({ ...source, ...patch });
  const issuesOf = (field: string) => issues.filter((i) => i.field === field);
  const otherIssues = issues.filter((i) => !["subject", "preheader", "body"].includes(i.field));
  const draftCount = channel === "sms" ? smsSegments(source.body) : null;

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!source) return;
    setIssues([]);
    setMessage(null);
    try {
      await api("PUT", path, {
        messageClass: source.messageClass,
        subject: source.subject || null,
        preheader: source.preheader || null,
        body: source.body,
      });
      setIsNew(false);
      setMessage(p("saved"));
    } catch (err) {
      if (err instanceof ApiError && err.issues.length > 0) setIssues(err.issues);
      else setMessage(err instanceof Error ? err.message : String(err));
    }
  }

  const describedBy = (field: string) => (issuesOf(field).length > 0 ? `issues-${field}` : undefined);

  return (
    <section className="template-editor">
      <p>
        <Link to="/templates">← {p("back")}</Link>
      </p>
      <h1>
        {key} <span className="template-meta">{`${channel} · ${locale}`}</span>
      </h1>
      {isNew && <p>{p("notFound")}</p>}
      {!canEdit && <p>{p("readOnly")}</p>}
      <div className="template-columns">
        <form className="template-form" onSubmit={save}>
          <label>
            {p("messageClass")}
            <select
              value={source.messageClass}
              disabled={!canEdit}
              onChange={(e) => set({ messageClass: e.target.value as TemplateSource["messageClass"] })}
            >
              <option value="transactional">{p("transactional")}</option>
              <option value="promotional">{p("promotional")}</option>
            </select>
          </label>
          {(channel === "email" || channel === "push") && (
            <label>
              {p("subject")}
              <input
                value={source.subject ?? ""}
                readOnly={!canEdit}
                maxLength={500}
                aria-invalid={issuesOf("subject").length > 0}
                aria-describedby={describedBy("subject")}
                onChange={(e) => set({ subject: e.target.value })}
              />
            </label>
          )}
          <FieldIssues id="issues-subject" issues={issuesOf("subject")} />
          {channel === "email" && (
            <label>
              {p("preheader")}
              <input
                value={source.preheader ?? ""}
                readOnly={!canEdit}
                maxLength={500}
                aria-invalid={issuesOf("preheader").length > 0}
                aria-describedby={describedBy("preheader")}
                onChange={(e) => set({ preheader: e.target.value })}
              />
            </label>
          )}
          <FieldIssues id="issues-preheader" issues={issuesOf("preheader")} />
          <label>
            {channel === "email" ? p("bodyEmail") : p("bodyText")}
            <textarea
              className="template-body"
              value={source.body}
              readOnly={!canEdit}
              rows={channel === "email" ? 18 : 8}
              spellCheck={false}
              aria-invalid={issuesOf("body").length > 0}
              aria-describedby={describedBy("body")}
              onChange={(e) => set({ body: e.target.value })}
            />
          </label>
          <FieldIssues id="issues-body" issues={issuesOf("body")} />
          {draftCount && (
            <p className="sms-count" data-testid="sms-draft-count">
              {p("draft")}: {p("characters")} {draftCount.length} · {p("segments")} {draftCount.segments} (
              {draftCount.encoding.toUpperCase()}, {draftCount.perSegment}/{p("segments")})
            </p>
          )}
          <FieldIssues id="issues-other" issues={otherIssues} />
          {message && (
            <p role="status" className="template-saved">
              {message}
            </p>
          )}
          {canEdit && <button type="submit">{t("save")}</button>}
        </form>

        {canEdit && (
          <div className="template-preview">
            <h2>{p("preview")}</h2>
            <label>
              {p("customer")}
              <input value={customer} onChange={(e) => setCustomer(e.target.value)} />
            </label>
            {!customer.trim() && <p>{p("pickCustomer")}</p>}
            {previewing && <p aria-live="polite">{p("rendering")}</p>}
            {previewError && (
              <p role="alert" className="error">
                {previewError}
              </p>
            )}
            {preview && channel === "email" && (
              <>
                <fieldset className="template-widths">
                  <legend>{p("width")}</legend>
                  <label>
                    <input
                      type="radio"
                      name="width"
                      checked={width === "desktop"}
                      onChange={() => setWidth("desktop")}
                    />
                    {p("desktop")}
                  </label>
                  <label>
                    <input
                      type="radio"
                      name="width"
                      checked={width === "mobile"}
                      onChange={() => setWidth("mobile")}
                    />
                    {p("mobile")}
                  </label>
                </fieldset>
                <dl className="template-envelope">
                  <dt>{p("subject")}</dt>
                  <dd>{preview.subject}</dd>
                  {preview.preheader && (
                    <>
                      <dt>{p("preheader")}</dt>
                      <dd>{preview.preheader}</dd>
                    </>
                  )}
                </dl>
                <div className="template-frame-wrap">
                  <iframe
                    title={p("previewFrame")}
                    sandbox=""
                    srcDoc={preview.html ?? ""}
                    className={`template-frame template-frame-${width}`}
                    width={width === "mobile" ? 375 : 600}
                    height={640}
                  />
                </div>
              </>
            )}
            {preview?.line && <LinePreview messages={preview.line} />}
            {preview && channel !== "email" && !preview.line && (
              <div className={`template-bubble template-bubble-${channel}`}>
                {preview.subject && <strong>{preview.subject}</strong>}
                <p className="template-bubble-text" data-testid="preview-text">
                  {preview.text}
                </p>
              </div>
            )}
            {preview?.sms && (
              <p className="sms-count" data-testid="sms-rendered-count">
                {p("rendered")}: {p("characters")} {preview.sms.length} · {p("segments")}{" "}
                {preview.sms.segments}
              </p>
            )}
            {preview && !previewError && TEST_SEND_CHANNELS.includes(channel) && (
              <TestSend
                draft={{
                  channel,
                  locale,
                  messageClass: source.messageClass,
                  subject: source.subject || null,
                  preheader: source.preheader || null,
                  body: source.body,
                  customer: customer.trim(),
                }}
              />
            )}
          </div>
        )}
      </div>
    </section>
  );
}
