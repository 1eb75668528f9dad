// Segments: the shop's saved audiences with their member counts, and an editor for each
// (/segments/:key, /segments/new) with a visual rule builder, a live count and a sample of who matches.
import { useState } from "react";
import { Link, Route, Routes } from "react-router";
import { api } from "../api";
import { formatDateTime, formatNumber, useI18n, usePageText } from "../i18n";
import { useCanEdit, useSession } from "../session";
import { useLoad } from "../useLoad";
import "./Segments.css";
import { SegmentEditor, type SegmentView } from "./segments/SegmentEditor";

const ja = {
  key: "キー",
  members: "人数",
  refreshed: "最終更新",
  version: "版",
  none: "セグメントはまだありません。",
  create: "新しいセグメント",
  starter: "おすすめセグメントを追加",
  starterDone: "件のセグメントを追加しました",
  starterNone: "おすすめセグメントはすべて追加済みです",
};
const en: typeof ja = {
  key: "Key",
  members: "Members",
  refreshed: "Refreshed",
  version: "Version",
  none: "No segments yet.",
  create: "New segment",
  starter: "Add the ready-made segments",
  starterDone: "segments added",
  starterNone: "Every ready-made segment is already here",
};

export function Segments() {
  return (
    <Routes>
      <Route index element={<SegmentList />} />
      <Route path="new" element={<SegmentEditor />} />
      <Route path=":key" element={<SegmentEditor />} />
    </Routes>
  );
}

function SegmentList() {
  const { t, language } = useI18n();
  const p = usePageText({ ja, en });
  const { shop } = useSession();
  const canEdit = useCanEdit();
  const { data, error, reload } = useLoad<{ segments: SegmentView[] }>("/v1/segments");
  const [notice, setNotice] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  async function installStarter() {
    setFailure(null);
    try {
      const { installed } = await api<{ installed: SegmentView[] }>("POST", "/v1/segments/starter");
      setNotice(installed.length > 0 ? `${installed.length} ${p("starterDone")}` : p("starterNone"));
      reload();
    } catch (err) {
      setFailure((err as Error).message);
    }
  }

  const active = data?.segments.filter((s) => s.status === "active") ?? [];
  return (
    <section className="segments">
      <h1>{t("segments")}</h1>
      {(error || failure) && (
        <p role="alert" className="error">
          {error ?? failure}
        </p>
      )}
      {canEdit && (
        <p className="segments-actions">
          <Link className="button" to="/segments/new">
            {p("create")}
          </Link>
          <button type="button" onClick={() => void installStarter()}>
            {p("starter")}
          </button>
        </p>
      )}
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
      {data && active.length === 0 && <p>{p("none")}</p>}
      {active.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>{t("name")}</th>
                <th>{p("key")}</th>
                <th className="number">{p("members")}</th>
                <th>{p("refreshed")}</th>
                <th className="number">{p("version")}</th>
              </tr>
            </thead>
            <tbody>
              {active.map((s) => (
                <tr key={s.key}>
                  <td>
                    <Link to={`/segments/${encodeURIComponent(s.key)}`}>{s.name}</Link>
                    {s.description && <div className="segments-description">{s.description}</div>}
                  </td>
                  <td>
                    <code>{s.key}</code>
                  </td>
                  <td className="number" data-testid={`members-${s.key}`}>
                    {formatNumber(s.members, language)}
                  </td>
                  <td>{formatDateTime(s.refreshedAt, shop?.timezone ?? "Asia/Tokyo", language)}</td>
                  <td className="number">{s.version}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
