// One search box for a support desk: whatever is typed — a name or its kana reading, an email address,
// a phone number, an id — goes to the searches that can match it, and the answers are merged.
import { type FormEvent, useEffect, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { ApiError, api } from "../../api";
import { formatDateTime, formatMoney, useI18n, usePageText } from "../../i18n";
import { useSession } from "../../session";
import { useLoad } from "../../useLoad";
import { apiPath, type CustomerSummary, customerPath, fullKana, fullName, type Timeline } from "./types";

const ja = {
  search: "顧客を検索",
  hint: "名前・フリガナ（ひらがなでも可）・メールアドレス・電話番号・顧客IDのどれでも探せます。",
  submit: "検索",
  searching: "検索しています…",
  name: "名前",
  kana: "フリガナ",
  email: "メールアドレス",
  lastOrder: "最終注文",
  noOrder: "注文なし",
  none: "該当する顧客はいません。",
  count: "件",
  noId: "（顧客IDなし）",
};
const en: typeof ja = {
  search: "Find a customer",
  hint: "Type a name or its kana reading, an email address, a phone number or a customer id.",
  submit: "Search",
  searching: "Searching…",
  name: "Name",
  kana: "Kana",
  email: "Email",
  lastOrder: "Last order",
  noOrder: "No orders",
  none: "No customer matches.",
  count: " found",
  noId: "(no customer id)",
};

type Query = Record<string, string>;

/** The searches a typed text can mean: always name, kana and id; email or phone when it looks like one. */
function queriesFor(text: string): Query[] {
  const queries: Query[] = [{ q: text }];
  if (text.includes("@")) queries.push({ email: text });
  const digits = text.normalize("NFKC").replace(/[\s()\-‐ー－]/g, "");
  if (/^\+?\d{10,15}$/.test(digits)) queries.push({ phone: text });
  return queries;
}

async function searchAll(text: string): Promise<CustomerSummary[]> {
  const settled = await Promise.allSettled(
    queriesFor(text).map((query) =>
      api<{ customers: CustomerSummary[] }>("GET", `/v1/customers?${new URLSearchParams(query)}`),
    ),
  );
  const found = new Map<number, CustomerSummary>();
  for (const s of settled)
    if (s.status === "fulfilled") for (const c of s.value.customers) found.set(c.id, c);
  // A phone or email that does not parse refuses only its own search; if every search failed, say why.
  if (found.size === 0) {
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failed && settled.every((s) => s.status === "rejected")) throw failed.reason;
  }
  return [...found.values()].sort((a, b) => a.id - b.id);
}

export function CustomerSearch() {
  const { t } = useI18n();
  const p = usePageText({ ja, en });
  const { shop } = useSession();
  const [params, setParams] = useSearchParams();
  const current = params.get("q") ?? "";
  const [text, setText] = useState(current);
  const [answer, setAnswer] = useState<{ query: string; customers: CustomerSummary[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the shop is sent as a header, so a new shop means a new answer.
  useEffect(() => {
    setText(current);
    if (!current) {
      setAnswer(null);
      return;
    }
    let live = true;
    setBusy(true);
    setError(null);
    searchAll(current)
      .then((customers) => live && setAnswer({ query: current, customers }))
      .catch((err: Error) => {
        if (!live) return;
        setAnswer(null);
        setError(
          err instanceof ApiError && err.issues.length
            ? err.issues.map((i) => i.message).join("; ")
            : err.message,
        );
      })
      .finally(() => live && setBusy(false));
    return () => {
      live = false;
    };
  }, [current, shop?.id]);

  const results = answer?.customers ?? [];

  function submit(event: FormEvent) {
    event.preventDefault();
    const q = text.trim();
    if (q) setParams({ q });
  }

  return (
    <section className="customers">
      <h1>{t("customers")}</h1>
      <search>
        <form className="customers-search" onSubmit={submit}>
          <label htmlFor="customers-q">{p("search")}</label>
          <div className="customers-search-row">
            <input
              id="customers-q"
              type="search"
              value={text}
              onChange={(e) => setText(e.target.value)}
              aria-describedby={error ? "customers-q-hint customers-q-error" : "customers-q-hint"}
              aria-invalid={error ? true : undefined}
              maxLength={200}
              autoComplete="off"
            />
            <button type="submit" disabled={busy}>
              {busy ? p("searching") : p("submit")}
            </button>
          </div>
          <p id="customers-q-hint" className="customers-hint">
            {p("hint")}
          </p>
          {error && (
            <p id="customers-q-error" role="alert" className="error">
              {error}
            </p>
          )}
        </form>
      </search>
      {answer && (
        <div className="customers-answer" data-query={answer.query}>
          {results.length === 0 && <p role="status">{p("none")}</p>}
          {results.length > 0 && (
            <>
              <p role="status" className="customers-count">
                {results.length}
                {p("count")}
              </p>
              <div className="table-wrap">
                <table className="customers-results">
                  <thead>
                    <tr>
                      <th>{p("name")}</th>
                      <th>{p("kana")}</th>
                      <th>{p("email")}</th>
                      <th>{p("lastOrder")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {results.map((c) => (
                      <tr key={c.id}>
                        <td>
                          {c.externalId ? (
                            <Link to={customerPath(c.externalId)}>{fullName(c) ?? c.externalId}</Link>
                          ) : (
                            <>
                              {fullName(c) ?? `#${c.id}`} <span className="customers-muted">{p("noId")}</span>
                            </>
                          )}
                        </td>
                        <td>{fullKana(c) ?? "—"}</td>
                        <td className="customers-break">{c.email ?? "—"}</td>
                        <td>
                          {c.externalId ? <LastOrder externalId={c.externalId} none={p("noOrder")} /> : "—"}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </div>
      )}
    </section>
  );
}

/** The newest order's date and amount, read from the customer's timeline narrowed to orders. */
function LastOrder({ externalId, none }: { externalId: string; none: string }) {
  const { language } = useI18n();
  const { shop } = useSession();
  const { data } = useLoad<Timeline>(`${apiPath(externalId)}/timeline?kind=order&limit=1`);
  if (!data) return <span className="customers-muted">…</span>;
  const order = data.entries[0];
  if (order?.kind !== "order") return <span className="customers-muted">{none}</span>;
  return (
    <span>
      {formatDateTime(order.at, shop?.timezone ?? "Asia/Tokyo", language)}
      {" · "}
      {formatMoney(order.total, order.currency, language)}
    </span>
  );
}
