// Templates: the shop's message templates by key, channel and language, and an editor for each with a
// live preview for a real customer (/templates/:key/:channel/:locale).
import { type FormEvent, useState } from "react";
import { Link, Route, Routes, useNavigate } from "react-router";
import { formatDateTime, useI18n, usePageText } from "../i18n";
import { useCanEdit, useSession } from "../session";
import { useLoad } from "../useLoad";
import "./Templates.css";
import { CHANNELS, type Channel, TemplateEditor } from "./templates/TemplateEditor";

interface TemplateSummary {
  key: string;
  channel: Channel;
  locale: string;
  messageClass: "promotional" | "transactional";
  subject: string | null;
  updatedAt: string;
}

const ja = {
  key: "キー",
  channel: "チャネル",
  locale: "言語",
  subject: "件名",
  updated: "更新日時",
  none: "テンプレートはまだありません。",
  create: "新しいテンプレート",
  open: "開く",
};
const en: typeof ja = {
  key: "Key",
  channel: "Channel",
  locale: "Language",
  subject: "Subject",
  updated: "Updated",
  none: "No templates yet.",
  create: "New template",
  open: "Open",
};

export function Templates() {
  return (
    <Routes>
      <Route index element={<TemplateList />} />
      <Route path=":key/:channel/:locale" element={<TemplateEditor />} />
    </Routes>
  );
}

function TemplateList() {
  const { t, language } = useI18n();
  const p = usePageText({ ja, en });
  const { shop } = useSession();
  const canEdit = useCanEdit();
  const navigate = useNavigate();
  const { data, error } = useLoad<{ templates: TemplateSummary[] }>("/v1/templates");
  const [key, setKey] = useState("");
  const [channel, setChannel] = useState<Channel>("email");
  const [locale, setLocale] = useState<"ja" | "en">("ja");

  function create(event: FormEvent) {
    event.preventDefault();
    if (key.trim()) navigate(`/templates/${encodeURIComponent(key.trim())}/${channel}/${locale}`);
  }

  return (
    <section className="templates">
      <h1>{t("templates")}</h1>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {data && data.templates.length === 0 && <p>{p("none")}</p>}
      {data && data.templates.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>{p("key")}</th>
                <th>{p("channel")}</th>
                <th>{p("locale")}</th>
                <th>{p("subject")}</th>
                <th>{p("updated")}</th>
              </tr>
            </thead>
            <tbody>
              {data.templates.map((tpl) => (
                <tr key={`${tpl.key}/${tpl.channel}/${tpl.locale}`}>
                  <td>
                    <Link to={`/templates/${encodeURIComponent(tpl.key)}/${tpl.channel}/${tpl.locale}`}>
                      {tpl.key}
                    </Link>
                  </td>
                  <td>{tpl.channel}</td>
                  <td>{tpl.locale}</td>
                  <td>{tpl.subject ?? "—"}</td>
                  <td>{formatDateTime(tpl.updatedAt, shop?.timezone ?? "Asia/Tokyo", language)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canEdit && (
        <form className="templates-new" onSubmit={create}>
          <h2>{p("create")}</h2>
          <label>
            {p("key")}
            <input value={key} onChange={(e) => setKey(e.target.value)} required maxLength={128} />
          </label>
          <label>
            {p("channel")}
            <select value={channel} onChange={(e) => setChannel(e.target.value as Channel)}>
              {CHANNELS.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </label>
          <label>
            {p("locale")}
            <select value={locale} onChange={(e) => setLocale(e.target.value as "ja" | "en")}>
              <option value="ja">ja</option>
              <option value="en">en</option>
            </select>
          </label>
          <button type="submit">{p("open")}</button>
        </form>
      )}
    </section>
  );
}
