// Analytics: one tab per report (/analytics/rfm, /analytics/f2, …), each with its parameters as a
// form, its summary figures, and every table of the report drawn by its chart hint with a CSV link.
// Reading reports is open to every role, analysts included; nothing here changes anything.
import { type FormEvent, useEffect, useState } from "react";
import { Navigate, NavLink, Route, Routes, useParams, useSearchParams } from "react-router";
import { ApiError, api } from "../api";
import { formatDateTime, useI18n, usePageText } from "../i18n";
import { useSession } from "../session";
import "./Analytics.css";
import { REPORT_TABS, type ReportParameter, type ReportTab } from "./analytics/labels";
import { ReportSection } from "./analytics/ReportSection";
import { ReportSummary } from "./analytics/ReportSummary";
import type { FormatContext, Report } from "./analytics/report";

const ja = {
  reports: "レポート",
  months: "対象の月数",
  fromDay: "開始日",
  toDay: "終了日",
  fromMonth: "開始月",
  toMonth: "終了月",
  apply: "表示する",
  asOf: "集計時点",
  unknownReport: "そのレポートはありません。",
};
const en: typeof ja = {
  reports: "Reports",
  months: "Months",
  fromDay: "From",
  toDay: "To",
  fromMonth: "From month",
  toMonth: "To month",
  apply: "Show",
  asOf: "As of",
  unknownReport: "There is no such report.",
};

/** The API's query parameter behind each form input. */
const QUERY_KEY: Record<ReportParameter, "months" | "from" | "to"> = {
  months: "months",
  fromDay: "from",
  toDay: "to",
  fromMonth: "from",
  toMonth: "to",
};

export function Analytics() {
  return (
    <Routes>
      <Route index element={<Navigate to="rfm" replace />} />
      <Route path=":name" element={<AnalyticsPage />} />
    </Routes>
  );
}

function AnalyticsPage() {
  const { t, language } = useI18n();
  const p = usePageText({ ja, en });
  const { name } = useParams();
  const tab = REPORT_TABS.find((r) => r.name === name);
  return (
    <section className="analytics">
      <h1>{t("analytics")}</h1>
      <nav className="analytics-tabs" aria-label={p("reports")}>
        {REPORT_TABS.map((r) => (
          <NavLink key={r.name} to={`/analytics/${r.name}`} className="analytics-tab">
            {r.label[language]}
          </NavLink>
        ))}
      </nav>
      {tab ? <ReportView key={tab.name} tab={tab} /> : <p className="error">{p("unknownReport")}</p>}
    </section>
  );
}

function ReportView({ tab }: { tab: ReportTab }) {
  const { t, language } = useI18n();
  const { shop } = useSession();
  const p = usePageText({ ja, en });
  const [search, setSearch] = useSearchParams();
  const query = new URLSearchParams();
  for (const parameter of tab.parameters) {
    const value = search.get(QUERY_KEY[parameter]);
    if (value) query.set(QUERY_KEY[parameter], value);
  }
  const path = `/v1/reports/${tab.name}${query.size > 0 ? `?${query}` : ""}`;
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [loading, setLoading] = useState(true);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the shop is sent as a header, so a new shop means a new answer.
  useEffect(() => {
    let current = true;
    setLoading(true);
    setError(null);
    api<Report>("GET", path)
      .then((r) => current && setReport(r))
      .catch((err: Error) => current && setError(err))
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [path, shop?.id]);

  const issueFor = (parameter: ReportParameter) =>
    error instanceof ApiError
      ? error.issues.find(
          (i) => i.field === QUERY_KEY[parameter] || i.field.endsWith(`.${QUERY_KEY[parameter]}`),
        )
      : undefined;
  const fieldError = tab.parameters.some((parameter) => issueFor(parameter));

  function apply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    for (const parameter of tab.parameters) {
      const value = String(form.get(parameter) ?? "").trim();
      if (value) next.set(QUERY_KEY[parameter], value);
    }
    setSearch(next);
  }

  const format: FormatContext = {
    currency: report?.currency ?? shop?.currency ?? "JPY",
    timezone: report?.timezone ?? shop?.timezone ?? "Asia/Tokyo",
    language,
  };
  return (
    <div className="analytics-report" data-report={tab.name}>
      <p className="analytics-note">{tab.intro[language]}</p>
      {tab.parameters.length > 0 && (
        <form className="analytics-parameters" onSubmit={apply}>
          {tab.parameters.map((parameter) => {
            const issue = issueFor(parameter);
            const id = `analytics-${parameter}`;
            return (
              <div className="analytics-field" key={parameter}>
                <label htmlFor={id}>{p(parameter)}</label>
                <input
                  id={id}
                  name={parameter}
                  type={parameter === "months" ? "number" : parameter.endsWith("Day") ? "date" : "month"}
                  min={parameter === "months" ? 1 : undefined}
                  max={parameter === "months" ? 120 : undefined}
                  placeholder={parameter === "months" ? "12" : undefined}
                  defaultValue={search.get(QUERY_KEY[parameter]) ?? ""}
                  aria-invalid={issue ? true : undefined}
                  aria-describedby={issue ? `${id}-error` : undefined}
                />
                {issue && (
                  <span id={`${id}-error`} className="error">
                    {issue.message}
                  </span>
                )}
              </div>
            );
          })}
          <button type="submit">{p("apply")}</button>
        </form>
      )}
      {error && !fieldError && (
        <p role="alert" className="error">
          {error.message}
        </p>
      )}
      {loading && <p className="loading">{t("loading")}</p>}
      {report && !error && (
        <div aria-busy={loading}>
          <p className="analytics-as-of">
            {p("asOf")}: {formatDateTime(report.asOf, format.timezone, language)}
          </p>
          {report.summary && <ReportSummary summary={report.summary} format={format} />}
          {Object.entries(report.tables).map(([key, table]) => (
            <ReportSection
              key={key}
              report={tab.name}
              name={key}
              table={table}
              format={format}
              query={query}
            />
          ))}
        </div>
      )}
    </div>
  );
}
