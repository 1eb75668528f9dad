// The sign-in form: labelled fields, errors announced to screen readers, usable at 375 px.
import { type FormEvent, useState } from "react";
import { ApiError } from "../api";
import { useI18n } from "../i18n";
import { useSession } from "../session";
import { LanguageSwitch } from "../shell";

export function SignIn() {
  const { t } = useI18n();
  const { signIn } = useSession();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email, password);
    } catch (err) {
      if (err instanceof ApiError && err.code === "account_locked") setError(t("locked"));
      else if (err instanceof ApiError && err.code === "rate_limited") setError(t("tooMany"));
      else if (err instanceof ApiError && err.status === 401) setError(t("wrongPassword"));
      else setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="sign-in">
      <h1>{t("appName")}</h1>
      <form onSubmit={submit} aria-describedby={error ? "sign-in-error" : undefined}>
        <label htmlFor="email">{t("email")}</label>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <label htmlFor="password">{t("password")}</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        {error && (
          <p id="sign-in-error" role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? t("signingIn") : t("signIn")}
        </button>
      </form>
      <LanguageSwitch />
    </main>
  );
}
