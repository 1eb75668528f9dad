// Scenarios: the ready-made library as a gallery a marketer switches on with one click, the shop's own
// scenarios with pause and resume, and each scenario's flow of steps with its counts (/scenarios/:key).
import { useState } from "react";
import { Link, Route, Routes } from "react-router";
import { api } from "../api";
import { formatDateTime, useI18n, usePageText } from "../i18n";
import { useCanEdit, useSession } from "../session";
import { useLoad } from "../useLoad";
import "./Scenarios.css";
import { ScenarioEditor } from "./scenarios/ScenarioEditor";
import { ScenarioFlow } from "./scenarios/ScenarioFlow";
import { type ScenarioSummary, StatusBadge } from "./scenarios/StatusBadge";

interface LibraryEntry {
  key: string;
  name: { ja: string; en: string };
  summary: { ja: string; en: string };
  expectedEffect: { ja: string; en: string };
  channels: string[];
  enabled: boolean;
}

const ja = {
  library: "すぐに使えるシナリオ",
  libraryIntro: "ボタンひとつで配信を始められます。メッセージのテンプレートも一緒に用意されます。",
  expectedEffect: "期待できる効果",
  channels: "チャネル",
  enable: "オンにする",
  enabling: "オンにしています…",
  resumeLibrary: "再開する",
  enabledNow: "配信中",
  pausedNow: "一時停止中",
  yours: "このショップのシナリオ",
  none: "まだシナリオはありません。上のギャラリーからオンにしてください。",
  name: "名前",
  status: "状態",
  version: "版",
  activatedAt: "開始日時",
  updatedAt: "更新日時",
  actions: "操作",
  pause: "一時停止",
  resume: "再開",
  flow: "フローを見る",
  readOnly: "閲覧のみの権限です。シナリオのオン・一時停止はマーケターまたはオーナーが行えます。",
};
const en: typeof ja = {
  library: "Ready-made scenarios",
  libraryIntro: "Start sending with one click. The message templates come with them.",
  expectedEffect: "Expected effect",
  channels: "Channels",
  enable: "Switch on",
  enabling: "Switching on…",
  resumeLibrary: "Resume",
  enabledNow: "Running",
  pausedNow: "Paused",
  yours: "This shop's scenarios",
  none: "No scenarios yet. Switch one on from the gallery above.",
  name: "Name",
  status: "Status",
  version: "Version",
  activatedAt: "Started",
  updatedAt: "Updated",
  actions: "Actions",
  pause: "Pause",
  resume: "Resume",
  flow: "View flow",
  readOnly: "Your role reads only. A marketer or an owner can switch scenarios on or pause them.",
};

export function Scenarios() {
  return (
    <Routes>
      <Route index element={<ScenarioOverview />} />
      <Route path=":key" element={<ScenarioFlow />} />
      <Route path=":key/edit" element={<ScenarioEditor />} />
    </Routes>
  );
}

function ScenarioOverview() {
  const { t } = useI18n();
  const p = usePageText({ ja, en });
  const canEdit = useCanEdit();
  const library = useLoad<{ scenarios: LibraryEntry[] }>("/v1/scenario-library");
  const own = useLoad<{ scenarios: ScenarioSummary[] }>("/v1/scenarios");
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function change(key: string, work: () => Promise<unknown>) {
    setBusy(key);
    setError(null);
    try {
      await work();
      library.reload();
      own.reload();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(null);
    }
  }
  const enable = (key: string) =>
    change(key, () => api("POST", `/v1/scenarios/from-template/${encodeURIComponent(key)}`));
  const setStatus = (key: string, status: "active" | "paused") =>
    change(key, () => api("POST", `/v1/scenarios/${encodeURIComponent(key)}/status`, { status }));

  const loadError = error ?? library.error ?? own.error;
  return (
    <section className="scenarios">
      <h1>{t("scenarios")}</h1>
      {loadError && (
        <p role="alert" className="error">
          {loadError}
        </p>
      )}
      {!canEdit && <p className="scenarios-note">{p("readOnly")}</p>}
      <ShopScenarios
        scenarios={own.data?.scenarios ?? null}
        canEdit={canEdit}
        busy={busy}
        onStatus={setStatus}
      />
      <h2>{p("library")}</h2>
      <p className="scenarios-note">{p("libraryIntro")}</p>
      {!library.data && !library.error && <p className="loading">{t("loading")}</p>}
      {library.data && (
        <ul className="scenario-gallery" aria-label={p("library")}>
          {library.data.scenarios.map((entry) => (
            <LibraryCard
              key={entry.key}
              entry={entry}
              mine={own.data?.scenarios.find((s) => s.libraryKey === entry.key)}
              canEdit={canEdit}
              busy={busy === entry.key}
              onEnable={() => enable(entry.key)}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function LibraryCard(props: {
  entry: LibraryEntry;
  mine: ScenarioSummary | undefined;
  canEdit: boolean;
  busy: boolean;
  onEnable(): void;
}) {
  const { language } = useI18n();
  const p = usePageText({ ja, en });
  const { entry, mine } = props;
  const name = entry.name[language];
  const paused = mine?.status === "paused";
  return (
    <li className={entry.enabled ? "scenario-card enabled" : "scenario-card"} data-key={entry.key}>
      <h3>{name}</h3>
      <p>{entry.summary[language]}</p>
      <dl>
        <dt>{p("expectedEffect")}</dt>
        <dd>{entry.expectedEffect[language]}</dd>
        <dt>{p("channels")}</dt>
        <dd className="channel-list">
          {entry.channels.map((c) => (
            <span key={c} className="channel">
              {c}
            </span>
          ))}
        </dd>
      </dl>
      <div className="scenario-card-foot">
        {entry.enabled && (
          <span className="state running" data-testid={`library-state-${entry.key}`}>
            ✓ {p("enabledNow")}
          </span>
        )}
        {paused && (
          <span className="state paused" data-testid={`library-state-${entry.key}`}>
            {p("pausedNow")}
          </span>
        )}
        {!entry.enabled && props.canEdit && (
          <button
            type="button"
            disabled={props.busy}
            onClick={props.onEnable}
            aria-label={`${paused ? p("resumeLibrary") : p("enable")}: ${name}`}
          >
            {props.busy ? p("enabling") : paused ? p("resumeLibrary") : p("enable")}
          </button>
        )}
        {mine && <Link to={`/scenarios/${encodeURIComponent(mine.key)}`}>{p("flow")}</Link>}
      </div>
    </li>
  );
}

function ShopScenarios(props: {
  scenarios: ScenarioSummary[] | null;
  canEdit: boolean;
  busy: string | null;
  onStatus(key: string, status: "active" | "paused"): void;
}) {
  const { language } = useI18n();
  const p = usePageText({ ja, en });
  const { shop } = useSession();
  const timezone = shop?.timezone ?? "Asia/Tokyo";
  if (!props.scenarios) return null;
  return (
    <>
      <h2>{p("yours")}</h2>
      {props.scenarios.length === 0 && <p>{p("none")}</p>}
      {props.scenarios.length > 0 && (
        <div className="table-wrap">
          <table aria-label={p("yours")}>
            <thead>
              <tr>
                <th>{p("name")}</th>
                <th>{p("status")}</th>
                <th>{p("version")}</th>
                <th>{p("activatedAt")}</th>
                <th>{p("updatedAt")}</th>
                {props.canEdit && <th>{p("actions")}</th>}
              </tr>
            </thead>
            <tbody>
              {props.scenarios.map((s) => (
                <tr key={s.key} data-key={s.key}>
                  <td>
                    <Link to={`/scenarios/${encodeURIComponent(s.key)}`}>{s.name}</Link>
                  </td>
                  <td>
                    <StatusBadge status={s.status} />
                  </td>
                  <td>v{s.version}</td>
                  <td>{formatDateTime(s.activatedAt, timezone, language)}</td>
                  <td>{formatDateTime(s.updatedAt, timezone, language)}</td>
                  {props.canEdit && (
                    <td>
                      {s.status === "active" && (
                        <button
                          type="button"
                          disabled={props.busy === s.key}
                          onClick={() => props.onStatus(s.key, "paused")}
                          aria-label={`${p("pause")}: ${s.name}`}
                        >
                          {p("pause")}
                        </button>
                      )}
                      {s.status === "paused" && (
                        <button
                          type="button"
                          disabled={props.busy === s.key}
                          onClick={() => props.onStatus(s.key, "active")}
                          aria-label={`${p("resume")}: ${s.name}`}
                        >
                          {p("resume")}
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
