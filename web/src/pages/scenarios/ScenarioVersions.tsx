// A scenario's history: every saved version with how many customers entered on it, and going back to
// an earlier one (saved again as the newest; runs under way finish on the version they entered).
import { useState } from "react";
import { api } from "../../api";
import { formatDateTime, formatNumber, useI18n, usePageText } from "../../i18n";
import { useCanEdit, useSession } from "../../session";
import { useLoad } from "../../useLoad";

interface VersionSummary {
  version: number;
  name: string;
  steps: number;
  entered: number;
  current: boolean;
  createdAt: string;
}

const ja = {
  versions: "版の履歴",
  version: "版",
  name: "名前",
  steps: "ステップ数",
  entered: "この版で開始した人数",
  saved: "保存日時",
  current: "現在の版",
  restore: "この版に戻す",
  confirmRestore:
    "この版の内容を新しい版として保存します。実行中の顧客はそれぞれの版のまま進みます。よろしいですか？",
  restored: "を新しい版として保存しました",
};
const en: typeof ja = {
  versions: "Versions",
  version: "Version",
  name: "Name",
  steps: "Steps",
  entered: "Entered on this version",
  saved: "Saved",
  current: "Current",
  restore: "Go back to this version",
  confirmRestore:
    "Save this version's content as a new version? Customers already on their way finish on the version they entered.",
  restored: "saved again as the newest version",
};

export function ScenarioVersions({ scenarioKey, onRestored }: { scenarioKey: string; onRestored(): void }) {
  const { language } = useI18n();
  const p = usePageText({ ja, en });
  const { shop } = useSession();
  const canEdit = useCanEdit();
  const { data, error, reload } = useLoad<{ versions: VersionSummary[] }>(
    `/v1/scenarios/${encodeURIComponent(scenarioKey)}/versions`,
  );
  const [notice, setNotice] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  async function restore(version: number) {
    if (!window.confirm(p("confirmRestore"))) return;
    setFailure(null);
    try {
      await api("POST", `/v1/scenarios/${encodeURIComponent(scenarioKey)}/versions/${version}/restore`);
      setNotice(`v${version} ${p("restored")}`);
      reload();
      onRestored();
    } catch (err) {
      setFailure((err as Error).message);
    }
  }

  return (
    <section aria-labelledby="scenario-versions">
      <h2 id="scenario-versions">{p("versions")}</h2>
      {(error || failure) && (
        <p role="alert" className="error">
          {error ?? failure}
        </p>
      )}
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
      {data && (
        <div className="table-wrap">
          <table className="scenario-versions">
            <thead>
              <tr>
                <th className="number">{p("version")}</th>
                <th>{p("name")}</th>
                <th className="number">{p("steps")}</th>
                <th className="number">{p("entered")}</th>
                <th>{p("saved")}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {data.versions.map((v) => (
                <tr key={v.version} data-testid={`version-${v.version}`}>
                  <td className="number">v{v.version}</td>
                  <td>{v.name}</td>
                  <td className="number">{v.steps}</td>
                  <td className="number">{formatNumber(v.entered, language)}</td>
                  <td>{formatDateTime(v.createdAt, shop?.timezone ?? "Asia/Tokyo", language)}</td>
                  <td>
                    {v.current ? (
                      <strong>{p("current")}</strong>
                    ) : (
                      canEdit && (
                        <button type="button" onClick={() => void restore(v.version)}>
                          {p("restore")}
                        </button>
                      )
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
