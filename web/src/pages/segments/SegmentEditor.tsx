// One segment: name, key and description, the rule built visually, a live count and sample of who it
// matches now (POST /v1/segments/preview, nothing saved), and save as a new version or archive.
import { type FormEvent, useEffect, useMemo, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { ApiError, type ApiIssue, api } from "../../api";
import { formatDateTime, formatNumber, minorUnitsPerMajor, useI18n, usePageText } from "../../i18n";
import { useCanEdit, useSession } from "../../session";
import { asGroup, type Rule, tidyRule } from "./leaves";
import { RuleBuilder } from "./RuleBuilder";

export interface SegmentView {
  key: string;
  name: string;
  description: string | null;
  rule: Rule;
  version: number;
  status: "active" | "archived";
  members: number;
  refreshedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

interface Preview {
  count: number;
  sample: Array<{ id: number; externalId: string | null; name: string | null; email: string | null }>;
}

const KEY_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const PREVIEW_DELAY_MS = 400;

const ja = {
  newTitle: "新しいセグメント",
  back: "セグメント一覧へ",
  name: "セグメント名",
  key: "キー（英小文字・数字・- _）",
  keyInvalid: "英小文字・数字・- _ で 64 文字まで、先頭は英数字にしてください",
  description: "説明",
  rule: "条件",
  count: "現在の該当人数",
  people: "人",
  person: "人",
  counting: "集計中…",
  fixRule: "条件を確認してください",
  addFirst: "条件を追加すると該当人数が表示されます",
  sample: "該当する顧客の例",
  customerId: "顧客 ID",
  customerName: "顧客名",
  save: "保存",
  saving: "保存しています…",
  saved: "保存しました。メンバー",
  archive: "アーカイブ",
  confirmArchive: "このセグメントをアーカイブしますか？メンバーは全員セグメントから外れます。",
  version: "版",
  members: "保存済みの人数",
  refreshed: "最終更新",
  readOnly: "閲覧のみ（アナリスト）",
  notFound: "セグメントが見つかりません",
};
const en: typeof ja = {
  newTitle: "New segment",
  back: "All segments",
  name: "Segment name",
  key: "Key (a–z, 0–9, - and _)",
  keyInvalid: "Lower-case letters, digits, - and _ (up to 64), starting with a letter or digit",
  description: "Description",
  rule: "Conditions",
  count: "Matching now",
  people: "customers",
  person: "customer",
  counting: "Counting…",
  fixRule: "Check the conditions",
  addFirst: "Add a condition to see how many customers match",
  sample: "Some of the customers who match",
  customerId: "Customer id",
  customerName: "Name",
  save: "Save",
  saving: "Saving…",
  saved: "Saved. Members:",
  archive: "Archive",
  confirmArchive: "Archive this segment? Every member leaves it.",
  version: "Version",
  members: "Members when saved",
  refreshed: "Refreshed",
  readOnly: "Read only (analyst)",
  notFound: "No such segment",
};

export function SegmentEditor() {
  const { key: routeKey } = useParams();
  const isNew = routeKey === undefined;
  const p = usePageText({ ja, en });
  const { language } = useI18n();
  const { shop } = useSession();
  const canEdit = useCanEdit();
  const navigate = useNavigate();

  const [loaded, setLoaded] = useState<SegmentView | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [others, setOthers] = useState<Array<{ key: string; name: string }>>([]);
  const [name, setName] = useState("");
  const [key, setKey] = useState("");
  const [description, setDescription] = useState("");
  const [rule, setRule] = useState<Rule>({ type: "all", conditions: [] });
  const [saveIssues, setSaveIssues] = useState<ApiIssue[]>([]);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the shop is sent as a header, so a new shop means a new answer.
  useEffect(() => {
    setLoadError(null);
    api<{ segments: SegmentView[] }>("GET", "/v1/segments")
      .then(({ segments }) =>
        setOthers(segments.filter((s) => s.status === "active" && s.key !== routeKey).map((s) => s)),
      )
      .catch(() => setOthers([]));
    if (isNew) return;
    api<SegmentView>("GET", `/v1/segments/${encodeURIComponent(routeKey)}`)
      .then((segment) => {
        setLoaded(segment);
        setName(segment.name);
        setKey(segment.key);
        setDescription(segment.description ?? "");
        setRule(asGroup(segment.rule));
      })
      .catch((err: Error) =>
        setLoadError(err instanceof ApiError && err.status === 404 ? p("notFound") : err.message),
      );
  }, [routeKey, isNew, shop?.id]);

  const tidy = useMemo(() => tidyRule(rule), [rule]);
  const ruleJson = JSON.stringify(tidy);
  const hasConditions = asGroup(rule).conditions.length > 0;
  const preview = useLivePreview(ruleJson, canEdit && hasConditions);

  const issues = saveIssues.length > 0 ? saveIssues : preview.issues;
  const issuesOf = (field: string) =>
    saveIssues.filter((i) => i.field === field || i.field === `params.${field}`);
  const keyInvalid = isNew && key !== "" && !KEY_PATTERN.test(key);

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!canEdit || keyInvalid) return;
    setSaving(true);
    setSaveIssues([]);
    setSaveError(null);
    setNotice(null);
    try {
      const body: Record<string, unknown> = { name, rule: JSON.parse(ruleJson) };
      if (description.trim()) body.description = description.trim();
      const saved = await api<SegmentView>("PUT", `/v1/segments/${encodeURIComponent(key)}`, body);
      setLoaded(saved);
      setNotice(
        `${p("saved")} ${formatNumber(saved.members, language)} ${saved.members === 1 ? p("person") : p("people")}`,
      );
      if (isNew) navigate(`/segments/${encodeURIComponent(saved.key)}`, { replace: true });
    } catch (err) {
      if (err instanceof ApiError && err.issues.length > 0) setSaveIssues(err.issues);
      else setSaveError((err as Error).message);
    } finally {
      setSaving(false);
    }
  }

  async function archive() {
    if (!loaded || !window.confirm(p("confirmArchive"))) return;
    try {
      await api("DELETE", `/v1/segments/${encodeURIComponent(loaded.key)}`);
      navigate("/segments");
    } catch (err) {
      setSaveError((err as Error).message);
    }
  }

  if (loadError)
    return (
      <section className="segments">
        <p role="alert" className="error">
          {loadError}
        </p>
        <Link to="/segments">{p("back")}</Link>
      </section>
    );
  if (!isNew && !loaded) return <p className="loading">…</p>;

  const zone = shop?.timezone ?? "Asia/Tokyo";
  const currency = shop?.currency ?? "JPY";
  const otherIssues = saveIssues.filter(
    (i) => !["name", "key", "params.key", "description"].includes(i.field) && !i.field.startsWith("rule"),
  );
  return (
    <section className="segments segments-editor">
      <p>
        <Link to="/segments">← {p("back")}</Link>
      </p>
      <h1>{isNew ? p("newTitle") : loaded?.name}</h1>
      {!canEdit && <p className="segments-readonly">{p("readOnly")}</p>}
      {loaded && (
        <dl className="facts">
          <dt>{p("version")}</dt>
          <dd>{loaded.version}</dd>
          <dt>{p("members")}</dt>
          <dd data-testid="saved-members">{formatNumber(loaded.members, language)}</dd>
          <dt>{p("refreshed")}</dt>
          <dd>{formatDateTime(loaded.refreshedAt, zone, language)}</dd>
        </dl>
      )}
      <div className="segments-layout">
        <form className="segments-form" onSubmit={(e) => void save(e)} noValidate>
          <div className="segments-field">
            <label htmlFor="segment-name">{p("name")}</label>
            <input
              id="segment-name"
              value={name}
              required
              maxLength={200}
              readOnly={!canEdit}
              aria-describedby={issuesOf("name").length > 0 ? "segment-name-issues" : undefined}
              onChange={(e) => setName(e.target.value)}
            />
            <Issues id="segment-name-issues" issues={issuesOf("name")} />
          </div>
          {isNew && (
            <div className="segments-field">
              <label htmlFor="segment-key">{p("key")}</label>
              <input
                id="segment-key"
                value={key}
                required
                maxLength={64}
                autoCapitalize="none"
                spellCheck={false}
                aria-invalid={keyInvalid}
                aria-describedby="segment-key-issues"
                onChange={(e) => setKey(e.target.value)}
              />
              <Issues
                id="segment-key-issues"
                issues={[
                  ...(keyInvalid ? [{ field: "key", message: p("keyInvalid") }] : []),
                  ...issuesOf("key"),
                ]}
              />
            </div>
          )}
          <div className="segments-field">
            <label htmlFor="segment-description">{p("description")}</label>
            <input
              id="segment-description"
              value={description}
              maxLength={1000}
              readOnly={!canEdit}
              onChange={(e) => setDescription(e.target.value)}
            />
          </div>
          <h2>{p("rule")}</h2>
          <RuleBuilder
            rule={rule}
            onChange={(next) => {
              setRule(next);
              setSaveIssues([]);
              setNotice(null);
            }}
            context={{
              readOnly: !canEdit,
              issues,
              segments: others,
              moneyFactor: minorUnitsPerMajor(currency),
              currency,
            }}
          />
          <Issues id="segment-other-issues" issues={otherIssues} />
          {saveError && (
            <p role="alert" className="error">
              {saveError}
            </p>
          )}
          {notice && (
            <p role="status" className="notice">
              {notice}
            </p>
          )}
          {canEdit && (
            <div className="segments-save">
              <button type="submit" disabled={saving || !name.trim() || !key || keyInvalid || !hasConditions}>
                {saving ? p("saving") : p("save")}
              </button>
              {loaded && (
                <button type="button" className="danger" onClick={() => void archive()}>
                  {p("archive")}
                </button>
              )}
            </div>
          )}
        </form>
        {canEdit && (
          <aside className="segments-preview" aria-labelledby="segment-count-title">
            <h2 id="segment-count-title">{p("count")}</h2>
            <p className="segments-count" aria-live="polite" data-testid="live-count">
              {!hasConditions
                ? p("addFirst")
                : preview.issues.length > 0
                  ? p("fixRule")
                  : preview.result === null || preview.pending
                    ? p("counting")
                    : `${formatNumber(preview.result.count, language)} ${preview.result.count === 1 ? p("person") : p("people")}`}
            </p>
            {preview.error && (
              <p role="alert" className="error">
                {preview.error}
              </p>
            )}
            {preview.result && preview.result.sample.length > 0 && hasConditions && (
              <>
                <h3>{p("sample")}</h3>
                <div className="table-wrap">
                  <table>
                    <thead>
                      <tr>
                        <th>{p("customerId")}</th>
                        <th>{p("customerName")}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {preview.result.sample.map((c) => (
                        <tr key={c.id}>
                          <td>
                            {c.externalId ? (
                              <Link to={`/customers/${encodeURIComponent(c.externalId)}`}>
                                {c.externalId}
                              </Link>
                            ) : (
                              c.id
                            )}
                          </td>
                          <td>{c.name ?? c.email ?? "—"}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </>
            )}
          </aside>
        )}
      </div>
    </section>
  );
}

function Issues({ id, issues }: { id: string; issues: ApiIssue[] }) {
  if (issues.length === 0) return null;
  return (
    <ul id={id} className="error field-issues" role="alert">
      {issues.map((i) => (
        <li key={`${i.field}:${i.message}`}>{i.message}</li>
      ))}
    </ul>
  );
}

/**
 * Counts the rule a moment after the last change (not on every keystroke); an answer for an older rule
 * that arrives late is dropped, so the count always belongs to the rule on screen.
 */
function useLivePreview(ruleJson: string, enabled: boolean) {
  const [result, setResult] = useState<Preview | null>(null);
  const [issues, setIssues] = useState<ApiIssue[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  useEffect(() => {
    if (!enabled) return;
    let current = true;
    setPending(true);
    const timer = setTimeout(() => {
      api<Preview>("POST", "/v1/segments/preview", { rule: JSON.parse(ruleJson), sample: 10 })
        .then((answer) => {
          if (!current) return;
          setResult(answer);
          setIssues([]);
          setError(null);
        })
        .catch((err: Error) => {
          if (!current) return;
          if (err instanceof ApiError && err.issues.length > 0) {
            setIssues(err.issues);
            setError(null);
          } else setError(err.message);
        })
        .finally(() => {
          if (current) setPending(false);
        });
    }, PREVIEW_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [ruleJson, enabled]);
  return { result, issues, error, pending };
}
