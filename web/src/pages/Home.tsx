// The Dashboard, the first page after signing in: which shop and in which role, then what the shop's
// messages earned this month against last, the active scenarios, email deliverability with its warnings,
// and customers by RFM group, each as a chart with its figures in a table beside it.
import { formatDateTime, useI18n, usePageText } from "../i18n";
import { useSession } from "../session";
import { useLoad } from "../useLoad";
import "./Dashboard.css";
import { DeliverabilityCard } from "./dashboard/DeliverabilityCard";
import { RevenueCard } from "./dashboard/RevenueCard";
import { RfmCard } from "./dashboard/RfmCard";
import { ScenariosCard } from "./dashboard/ScenariosCard";
import type { DashboardData } from "./dashboard/types";

const ja = { asOf: "集計時点", reload: "更新", failed: "ダッシュボードを読み込めませんでした：" };
const en: typeof ja = { asOf: "As of", reload: "Refresh", failed: "The dashboard could not be loaded: " };

export function Home() {
  const { t, language } = useI18n();
  const p = usePageText({ ja, en });
  const { me, shop } = useSession();
  const { data, error, reload } = useLoad<DashboardData>("/v1/reports/dashboard");
  if (!shop || !me) return null;
  return (
    <section className="dashboard">
      <div className="dashboard-head">
        <h1>{t("dashboard")}</h1>
        <p className="dashboard-who">
          <span>{shop.name}</span>
          <span aria-hidden="true"> · </span>
          <span className="dashboard-role">
            {t("yourRole")}: <span data-testid="role">{t(shop.role)}</span>
          </span>
        </p>
        {data && (
          <p className="dashboard-asof">
            {p("asOf")} {formatDateTime(data.asOf, shop.timezone, language)} ({shop.timezone}){" "}
            <button type="button" onClick={reload}>
              {p("reload")}
            </button>
          </p>
        )}
      </div>
      {error && (
        <p className="error" role="alert">
          {p("failed")}
          {error}
        </p>
      )}
      {!data && !error && <p className="loading">{t("loading")}</p>}
      {data && (
        <div className="dashboard-grid">
          <RevenueCard data={data} />
          <DeliverabilityCard data={data} />
          <ScenariosCard data={data} />
          <RfmCard data={data} />
        </div>
      )}
      <p className="dashboard-note">
        <a href="/docs">{t("apiDocs")}</a>
      </p>
    </section>
  );
}
