// One channel's card on the Channels page: configured or not, paused (why, since when, resume), the
// provider's settings and credentials (credentials only ever said to be "set"), and a connection test.
import { type FormEvent, useEffect, useState } from "react";
import { ApiError, type ApiIssue, api } from "../../api";
import { formatDateTime, type Language, useI18n, usePageText } from "../../i18n";
import { useSession } from "../../session";
import { PROVIDER_FORMS, type ProviderField, readPath, type SettingsChannel, writePath } from "./providers";

export interface ChannelView {
  channel: string;
  provider: string;
  settings: Record<string, unknown>;
  secretsSet: string[];
  paused: { at: string; reason: string } | null;
  updatedAt: string;
}

const ja = {
  configured: "設定済み",
  notConfigured: "未設定",
  paused: "一時停止中",
  pausedSince: "停止日時",
  reason: "理由",
  resume: "送信を再開",
  resumed: "再開しました。待機中のメッセージが送信されます。",
  provider: "プロバイダー",
  credentials: "認証情報",
  secretSet: "保存済み（表示しません）",
  secretUnset: "未設定",
  secretHint: "空欄のままにすると保存済みの値を使います。",
  reenter: "認証情報はまとめて置き換わります。変更する場合はこれも入力してください。",
  save: "保存",
  saving: "保存しています…",
  saved: "保存しました。",
  test: "接続テスト",
  testing: "接続しています…",
  testOk: "接続に成功しました。",
  testFailed: "接続に失敗しました",
  updated: "最終更新",
  settingsTitle: "設定",
  setUp: "設定する",
};
const en: typeof ja = {
  configured: "Configured",
  notConfigured: "Not configured",
  paused: "Paused",
  pausedSince: "Paused at",
  reason: "Reason",
  resume: "Resume sending",
  resumed: "Resumed: waiting messages go out again.",
  provider: "Provider",
  credentials: "Credentials",
  secretSet: "Set (never shown)",
  secretUnset: "Not set",
  secretHint: "Leave blank to keep the stored value.",
  reenter: "Credentials are saved together: to change one, enter this one again too.",
  save: "Save",
  saving: "Saving…",
  saved: "Saved.",
  test: "Test connection",
  testing: "Connecting…",
  testOk: "Connection succeeded.",
  testFailed: "Connection failed",
  updated: "Last updated",
  settingsTitle: "Settings",
  setUp: "Set up",
};

type Values = Record<string, string | boolean>;

function initialValues(fields: ProviderField[], settings: Record<string, unknown>): Values {
  const values: Values = {};
  for (const f of fields) {
    const v = readPath(settings, f.name);
    values[f.name] = f.kind === "boolean" ? v === true : v === undefined || v === null ? "" : String(v);
  }
  return values;
}

function FieldIssues({ id, issues }: { id: string; issues: string[] }) {
  if (issues.length === 0) return null;
  return (
    <ul id={id} className="error settings-issues" role="alert">
      {issues.map((m) => (
        <li key={m}>{m}</li>
      ))}
    </ul>
  );
}

export function ChannelCard({
  channel,
  title,
  stored,
  canEdit,
  onChange,
}: {
  channel: SettingsChannel;
  title: string;
  stored: ChannelView | null;
  canEdit: boolean;
  onChange(view: ChannelView): void;
}) {
  const p = usePageText({ ja, en });
  const { language } = useI18n();
  const { shop } = useSession();
  const forms = PROVIDER_FORMS[channel];
  const [provider, setProvider] = useState(stored?.provider ?? forms[0].provider);
  const form = forms.find((f) => f.provider === provider) ?? forms[0];
  const sameProvider = stored?.provider === provider;
  const [values, setValues] = useState<Values>(() => initialValues(form.settings, stored?.settings ?? {}));
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [issues, setIssues] = useState<ApiIssue[]>([]);
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState<"save" | "test" | "resume" | null>(null);
  const [test, setTest] = useState<{ ok: boolean; error?: string } | null>(null);

  // A new provider (or a newly stored view) starts the form from what is stored for it.
  useEffect(() => {
    setValues(initialValues(form.settings, sameProvider ? (stored?.settings ?? {}) : {}));
    setSecrets({});
  }, [form, sameProvider, stored]);

  const issuesOf = (key: string) => issues.filter((i) => i.field === key).map((i) => i.message);
  const general = issues.filter((i) => !/^(settings|secrets)\./.test(i.field));
  const id = (key: string) => `${channel}-${key.replace(/\./g, "-")}`;

  function settingsToSave(): Record<string, unknown> {
    let settings: Record<string, unknown> = sameProvider ? { ...(stored?.settings ?? {}) } : {};
    for (const f of form.settings) {
      const v = values[f.name];
      if (f.kind === "boolean") settings = writePath(settings, f.name, v === true);
      else if (typeof v === "string" && v.trim() === "") settings = writePath(settings, f.name, undefined);
      else if (f.kind === "number") settings = writePath(settings, f.name, Number(v));
      else settings = writePath(settings, f.name, String(v).trim());
    }
    return settings;
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    setStatus(null);
    setTest(null);
    const typed = Object.fromEntries(Object.entries(secrets).filter(([, v]) => v !== ""));
    const keep = Object.keys(typed).length === 0 && sameProvider;
    // The API replaces the credentials as a whole: a stored one left blank beside a new one would be lost.
    const missing = keep
      ? []
      : (sameProvider ? (stored?.secretsSet ?? []) : []).filter((name) => typed[name] === undefined);
    if (missing.length > 0) {
      setIssues(missing.map((name) => ({ field: `secrets.${name}`, message: p("reenter") })));
      return;
    }
    setIssues([]);
    setBusy("save");
    try {
      const view = await api<ChannelView>("PUT", `/v1/channels/${channel}`, {
        provider,
        settings: settingsToSave(),
        ...(keep ? {} : { secrets: typed }),
      });
      setSecrets({});
      setStatus(p("saved"));
      onChange(view);
    } catch (err) {
      if (err instanceof ApiError && err.issues.length > 0) setIssues(err.issues);
      else setIssues([{ field: "", message: err instanceof Error ? err.message : String(err) }]);
    } finally {
      setBusy(null);
    }
  }

  async function runTest() {
    setStatus(null);
    setBusy("test");
    try {
      setTest(await api<{ ok: boolean; error?: string }>("POST", `/v1/channels/${channel}/test`));
    } catch (err) {
      setTest({ ok: false, error: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(null);
    }
  }

  async function resume() {
    setBusy("resume");
    try {
      onChange(await api<ChannelView>("POST", `/v1/channels/${channel}/resume`));
      setStatus(p("resumed"));
    } catch (err) {
      setIssues([{ field: "", message: err instanceof Error ? err.message : String(err) }]);
    } finally {
      setBusy(null);
    }
  }

  return (
    <article className="settings-card" aria-labelledby={id("title")} data-channel={channel}>
      <div className="settings-card-head">
        <h2 id={id("title")}>{title}</h2>
        <span className={`settings-badge ${stored ? "settings-badge-on" : ""}`}>
          {stored ? p("configured") : p("notConfigured")}
        </span>
        {stored?.paused && <span className="settings-badge settings-badge-paused">{p("paused")}</span>}
      </div>
      {stored && (
        <p className="settings-note">
          {p("updated")}: {formatDateTime(stored.updatedAt, shop?.timezone ?? "Asia/Tokyo", language)}
        </p>
      )}
      {stored?.paused && (
        <PausedNotice
          paused={stored.paused}
          zone={shop?.timezone ?? "Asia/Tokyo"}
          language={language}
          words={p}
          onResume={canEdit ? resume : undefined}
          busy={busy === "resume"}
        />
      )}
      <details className="settings-details" open={stored !== null}>
        <summary>{stored ? p("settingsTitle") : p("setUp")}</summary>
        <form className="settings-form" onSubmit={save} noValidate>
          <fieldset disabled={!canEdit || busy !== null}>
            {forms.length > 1 && (
              <label htmlFor={id("provider")} className="settings-provider">
                {p("provider")}
                <select id={id("provider")} value={provider} onChange={(e) => setProvider(e.target.value)}>
                  {forms.map((f) => (
                    <option key={f.provider} value={f.provider}>
                      {f[language]}
                    </option>
                  ))}
                </select>
              </label>
            )}
            {forms.length === 1 && (
              <p className="settings-note">
                {p("provider")}: {form[language]}
              </p>
            )}
            <div className="settings-grid">
              {form.settings.map((f) => {
                const key = `settings.${f.name}`;
                const errors = issuesOf(key);
                const value = values[f.name];
                if (f.kind === "boolean")
                  return (
                    <div key={f.name} className="settings-check">
                      <label>
                        <input
                          type="checkbox"
                          checked={value === true}
                          onChange={(e) => setValues({ ...values, [f.name]: e.target.checked })}
                          aria-describedby={errors.length ? id(`${key}-issues`) : undefined}
                        />
                        {f[language]}
                      </label>
                      <FieldIssues id={id(`${key}-issues`)} issues={errors} />
                    </div>
                  );
                return (
                  <div key={f.name} className="settings-field">
                    <label htmlFor={id(key)}>
                      {f[language]}
                      {f.required && <span aria-hidden="true"> *</span>}
                    </label>
                    <input
                      id={id(key)}
                      type={
                        f.kind === "number"
                          ? "number"
                          : f.kind === "email"
                            ? "email"
                            : f.kind === "url"
                              ? "url"
                              : "text"
                      }
                      inputMode={f.kind === "number" ? "decimal" : undefined}
                      value={typeof value === "string" ? value : ""}
                      placeholder={f.placeholder}
                      required={f.required}
                      aria-invalid={errors.length > 0}
                      aria-describedby={errors.length ? id(`${key}-issues`) : undefined}
                      onChange={(e) => setValues({ ...values, [f.name]: e.target.value })}
                    />
                    <FieldIssues id={id(`${key}-issues`)} issues={errors} />
                  </div>
                );
              })}
            </div>
            <h3>{p("credentials")}</h3>
            <p className="settings-note">{p("secretHint")}</p>
            <div className="settings-grid">
              {form.secrets.map((f) => {
                const key = `secrets.${f.name}`;
                const errors = issuesOf(key);
                const isSet = sameProvider && (stored?.secretsSet ?? []).includes(f.name);
                return (
                  <div key={f.name} className="settings-field">
                    <label htmlFor={id(key)}>
                      {f[language]}
                      {f.required && <span aria-hidden="true"> *</span>}
                    </label>
                    <input
                      id={id(key)}
                      type="password"
                      autoComplete="new-password"
                      value={secrets[f.name] ?? ""}
                      placeholder={isSet ? "••••••••" : ""}
                      aria-invalid={errors.length > 0}
                      aria-describedby={`${id(`${key}-state`)}${errors.length ? ` ${id(`${key}-issues`)}` : ""}`}
                      onChange={(e) => setSecrets({ ...secrets, [f.name]: e.target.value })}
                    />
                    <span
                      id={id(`${key}-state`)}
                      className={`settings-secret ${isSet ? "settings-secret-set" : ""}`}
                    >
                      {isSet ? p("secretSet") : p("secretUnset")}
                    </span>
                    <FieldIssues id={id(`${key}-issues`)} issues={errors} />
                  </div>
                );
              })}
            </div>
            {general.length > 0 && (
              <ul className="error settings-issues" role="alert">
                {general.map((i) => (
                  <li key={`${i.field}:${i.message}`}>{i.field ? `${i.field}: ${i.message}` : i.message}</li>
                ))}
              </ul>
            )}
            {canEdit && (
              <div className="settings-actions">
                <button type="submit">{busy === "save" ? p("saving") : p("save")}</button>
                {stored && (
                  <button type="button" onClick={runTest}>
                    {busy === "test" ? p("testing") : p("test")}
                  </button>
                )}
              </div>
            )}
          </fieldset>
        </form>
      </details>
      {status && (
        <p role="status" className="settings-ok">
          {status}
        </p>
      )}
      {test && (
        <p role="status" className={test.ok ? "settings-ok settings-test" : "error settings-test"}>
          {test.ok ? p("testOk") : `${p("testFailed")}: ${test.error ?? ""}`}
        </p>
      )}
    </article>
  );
}

function PausedNotice({
  paused,
  zone,
  language,
  words,
  onResume,
  busy,
}: {
  paused: { at: string; reason: string };
  zone: string;
  language: Language;
  words(key: keyof typeof ja): string;
  onResume?: () => void;
  busy: boolean;
}) {
  return (
    <div className="settings-paused" role="note">
      <dl className="facts">
        <dt>{words("pausedSince")}</dt>
        <dd>{formatDateTime(paused.at, zone, language)}</dd>
        <dt>{words("reason")}</dt>
        <dd className="settings-reason">{paused.reason}</dd>
      </dl>
      {onResume && (
        <button type="button" onClick={onResume} disabled={busy}>
          {words("resume")}
        </button>
      )}
    </div>
  );
}
