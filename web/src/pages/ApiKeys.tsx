// Settings → API keys: which keys exist and when each was last used; issue one (shown once), revoke one.
import { type FormEvent, useState } from "react";
import { ApiError, api } from "../api";
import { formatDateTime, useI18n } from "../i18n";
import { useSession } from "../session";
import { useLoad } from "../useLoad";

interface ApiKey {
  id: number;
  kind: "secret" | "public";
  prefix: string;
  label: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export function ApiKeys() {
  const { t, language } = useI18n();
  const { shop } = useSession();
  const { data, error, reload } = useLoad<{ apiKeys: ApiKey[] }>("/v1/api-keys");
  const [kind, setKind] = useState<ApiKey["kind"]>("public");
  const [label, setLabel] = useState("");
  const [issued, setIssued] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const zone = shop?.timezone ?? "Asia/Tokyo";

  async function issue(event: FormEvent) {
    event.preventDefault();
    setMessage(null);
    try {
      const created = await api<{ key: string }>("POST", "/v1/api-keys", { kind, label: label || undefined });
      setIssued(created.key);
      setLabel("");
      reload();
    } catch (err) {
      setMessage(err instanceof ApiError ? err.message : String(err));
    }
  }

  async function revoke(id: number) {
    if (!window.confirm(t("confirmRevoke"))) return;
    await api("DELETE", `/v1/api-keys/${id}`).catch((err: Error) => setMessage(err.message));
    reload();
  }

  return (
    <section>
      <h1>{t("apiKeys")}</h1>
      {(error || message) && (
        <p role="alert" className="error">
          {error ?? message}
        </p>
      )}
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>{t("kind")}</th>
              <th>{t("prefix")}</th>
              <th>{t("label")}</th>
              <th>{t("created")}</th>
              <th>{t("lastUsed")}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(data?.apiKeys ?? []).map((k) => (
              <tr key={k.id} className={k.revokedAt ? "revoked" : undefined}>
                <td>{k.kind === "secret" ? t("secretKind") : t("publicKind")}</td>
                <td>
                  <code>{k.prefix}…</code>
                </td>
                <td>{k.label ?? ""}</td>
                <td>{formatDateTime(k.createdAt, zone, language)}</td>
                <td>{formatDateTime(k.lastUsedAt, zone, language)}</td>
                <td>
                  {k.revokedAt ? (
                    `${t("revoked")} ${formatDateTime(k.revokedAt, zone, language)}`
                  ) : (
                    <button type="button" onClick={() => revoke(k.id)}>
                      {t("revoke")}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>{t("issueKey")}</h2>
      <form onSubmit={issue} className="inline-form">
        <label htmlFor="key-kind">{t("kind")}</label>
        <select id="key-kind" value={kind} onChange={(e) => setKind(e.target.value as ApiKey["kind"])}>
          <option value="public">{t("publicKind")}</option>
          <option value="secret">{t("secretKind")}</option>
        </select>
        <label htmlFor="key-label">{t("label")}</label>
        <input id="key-label" maxLength={100} value={label} onChange={(e) => setLabel(e.target.value)} />
        <button type="submit">{t("issueKey")}</button>
      </form>
      {issued && (
        <p className="secret" role="status">
          {t("newKey")}: <code data-testid="new-key">{issued}</code>
        </p>
      )}
    </section>
  );
}
