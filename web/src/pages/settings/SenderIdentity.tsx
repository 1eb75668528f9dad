// The sender identity promotional messages carry (特定電子メール法: the sender's name, address and a
// contact), with the shop's site and member page links: GET/PUT /v1/shop/profile.
import { type FormEvent, useEffect, useState } from "react";
import { ApiError, type ApiIssue, api } from "../../api";
import { usePageText } from "../../i18n";

interface Profile {
  url: string;
  address: string;
  email: string;
  phone?: string;
  memberPageUrl?: string;
  cartUrl?: string;
}

const FIELDS = ["url", "address", "email", "phone", "memberPageUrl", "cartUrl"] as const;
type Field = (typeof FIELDS)[number];
const REQUIRED = new Set<Field>(["url", "address", "email"]);

const ja = {
  title: "送信者情報",
  lead: "特定電子メール法により、販促メールには送信者の名称・住所・連絡先の表示が必要です。未設定の間は販促メールを送信できません。",
  name: "送信者名（ショップ名）",
  url: "ショップの URL",
  address: "住所",
  email: "問い合わせ先メールアドレス",
  phone: "電話番号",
  memberPageUrl: "会員ページの URL",
  cartUrl: "カートの URL（空欄: ショップ URL/cart）",
  missing: "未設定: 販促メールは送信されません。",
  save: "送信者情報を保存",
  saved: "保存しました。",
};
const en: typeof ja = {
  title: "Sender identity",
  lead: "Japanese law (特定電子メール法) requires promotional mail to show the sender's name, address and a contact. Until it is set, promotional mail is not sent.",
  name: "Sender name (shop name)",
  url: "Shop URL",
  address: "Postal address",
  email: "Contact email",
  phone: "Phone",
  memberPageUrl: "Member page URL",
  cartUrl: "Cart URL (blank: shop URL/cart)",
  missing: "Not set: promotional mail is not sent.",
  save: "Save sender identity",
  saved: "Saved.",
};

export function SenderIdentity({ canEdit }: { canEdit: boolean }) {
  const p = usePageText({ ja, en });
  const [name, setName] = useState("");
  const [values, setValues] = useState<Record<Field, string>>({
    url: "",
    address: "",
    email: "",
    phone: "",
    memberPageUrl: "",
    cartUrl: "",
  });
  const [isSet, setIsSet] = useState(true);
  const [issues, setIssues] = useState<ApiIssue[]>([]);
  const [status, setStatus] = useState<string | null>(null);

  useEffect(() => {
    api<{ name: string; profile: Profile | null }>("GET", "/v1/shop/profile")
      .then((r) => {
        setName(r.name);
        setIsSet(r.profile !== null);
        if (r.profile) {
          const profile = r.profile;
          setValues(Object.fromEntries(FIELDS.map((f) => [f, profile[f] ?? ""])) as Record<Field, string>);
        }
      })
      .catch((err: Error) => setIssues([{ field: "", message: err.message }]));
  }, []);

  async function save(event: FormEvent) {
    event.preventDefault();
    setStatus(null);
    setIssues([]);
    const body = Object.fromEntries(
      FIELDS.filter((f) => values[f].trim() !== "").map((f) => [f, values[f].trim()]),
    );
    try {
      await api("PUT", "/v1/shop/profile", body);
      setIsSet(true);
      setStatus(p("saved"));
    } catch (err) {
      if (err instanceof ApiError && err.issues.length > 0) setIssues(err.issues);
      else setIssues([{ field: "", message: err instanceof Error ? err.message : String(err) }]);
    }
  }

  const issuesOf = (f: string) => issues.filter((i) => i.field === f);
  const general = issues.filter((i) => !(FIELDS as readonly string[]).includes(i.field));

  return (
    <article className="settings-card" aria-labelledby="sender-title">
      <div className="settings-card-head">
        <h2 id="sender-title">{p("title")}</h2>
      </div>
      <p className="settings-note">{p("lead")}</p>
      {!isSet && <p className="error">{p("missing")}</p>}
      <form className="settings-form" onSubmit={save} noValidate>
        <fieldset disabled={!canEdit}>
          <div className="settings-grid">
            <div className="settings-field">
              <label htmlFor="sender-name">{p("name")}</label>
              <input id="sender-name" value={name} readOnly />
            </div>
            {FIELDS.map((f) => {
              const errors = issuesOf(f);
              return (
                <div key={f} className="settings-field">
                  <label htmlFor={`sender-${f}`}>
                    {p(f)}
                    {REQUIRED.has(f) && <span aria-hidden="true"> *</span>}
                  </label>
                  <input
                    id={`sender-${f}`}
                    type={f === "email" ? "email" : f === "phone" ? "tel" : f === "address" ? "text" : "url"}
                    value={values[f]}
                    required={REQUIRED.has(f)}
                    aria-invalid={errors.length > 0}
                    aria-describedby={errors.length ? `sender-${f}-issues` : undefined}
                    onChange={(e) => setValues({ ...values, [f]: e.target.value })}
                  />
                  {errors.length > 0 && (
                    <ul id={`sender-${f}-issues`} className="error settings-issues" role="alert">
                      {errors.map((i) => (
                        <li key={i.message}>{i.message}</li>
                      ))}
                    </ul>
                  )}
                </div>
              );
            })}
          </div>
          {general.length > 0 && (
            <ul className="error settings-issues" role="alert">
              {general.map((i) => (
                <li key={`${i.field}:${i.message}`}>{i.message}</li>
              ))}
            </ul>
          )}
          {canEdit && (
            <div className="settings-actions">
              <button type="submit">{p("save")}</button>
            </div>
          )}
        </fieldset>
      </form>
      {status && (
        <p role="status" className="settings-ok">
          {status}
        </p>
      )}
    </article>
  );
}
