// Settings → audit log: who changed or sent what, newest first, in the shop's time zone.
import { formatDateTime, useI18n } from "../i18n";
import { useSession } from "../session";
import { useLoad } from "../useLoad";

interface Entry {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: Record<string, unknown>;
  status: number | null;
}

export function AuditLog() {
  const { t, language } = useI18n();
  const { shop } = useSession();
  const { data, error } = useLoad<{ entries: Entry[] }>("/v1/audit-log?limit=200");
  const zone = shop?.timezone ?? "Asia/Tokyo";
  return (
    <section>
      <h1>{t("auditLog")}</h1>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {!data && !error && <p>{t("loading")}</p>}
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>{t("when")}</th>
              <th>{t("actor")}</th>
              <th>{t("action")}</th>
              <th>{t("target")}</th>
            </tr>
          </thead>
          <tbody>
            {(data?.entries ?? []).map((e) => (
              <tr key={e.id}>
                <td>{formatDateTime(e.at, zone, language)}</td>
                <td>{e.actor}</td>
                <td>
                  <code>{e.action}</code>
                </td>
                <td>
                  <code>{Object.keys(e.target).length ? JSON.stringify(e.target) : ""}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
