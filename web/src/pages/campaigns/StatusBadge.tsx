// A campaign's status as a coloured badge in the admin's language.
import { usePageText } from "../../i18n";
import type { CampaignStatus } from "./model";

const ja: Record<CampaignStatus, string> = {
  draft: "下書き",
  scheduled: "予約済み",
  sending: "配信中",
  sent: "配信済み",
  cancelled: "中止",
};
const en: typeof ja = {
  draft: "Draft",
  scheduled: "Scheduled",
  sending: "Sending",
  sent: "Sent",
  cancelled: "Cancelled",
};

export function CampaignStatusBadge({ status }: { status: CampaignStatus }) {
  const p = usePageText({ ja, en });
  return (
    <span className={`campaigns-badge campaigns-badge-${status}`} data-status={status}>
      {p(status)}
    </span>
  );
}
