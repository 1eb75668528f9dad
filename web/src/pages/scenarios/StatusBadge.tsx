// A scenario's status as a coloured badge in the admin's language, and the scenario shape the API lists.
import { usePageText } from "../../i18n";

export type ScenarioStatus = "draft" | "active" | "paused" | "archived";

export interface ScenarioSummary {
  id: number;
  key: string;
  name: string;
  libraryKey: string | null;
  status: ScenarioStatus;
  version: number;
  activatedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

const ja: Record<ScenarioStatus, string> = {
  draft: "下書き",
  active: "配信中",
  paused: "一時停止中",
  archived: "アーカイブ済み",
};
const en: typeof ja = {
  draft: "Draft",
  active: "Active",
  paused: "Paused",
  archived: "Archived",
};

export function StatusBadge({ status }: { status: ScenarioStatus }) {
  const p = usePageText({ ja, en });
  return (
    <span className={`status-badge status-${status}`} data-status={status}>
      {p(status)}
    </span>
  );
}
