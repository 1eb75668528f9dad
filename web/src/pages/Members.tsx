// Settings → members: who may sign in to this shop and in which role; add, change, unlock, remove.
import { type FormEvent, useState } from "react";
import { ApiError, api } from "../api";
import { formatDateTime, useI18n } from "../i18n";
import { useSession } from "../session";
import { useLoad } from "../useLoad";

interface Member {
  userId: number;
  email: string;
  name: string;
  role: "owner" | "marketer" | "analyst";
  lastLoginAt: string | null;
  lockedUntil: string | null;
}

const ROLES = ["owner", "marketer", "analyst"] as const;

export function Members() {
  const { t, language } = useI18n();
  const { shop } = useSession();
  const { data, error, reload } = useLoad<{ users: Member[] }>("/v1/users");
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Member["role"]>("marketer");
  const [message, setMessage] = useState<string | null>(null);
  const [initialPassword, setInitialPassword] = useState<string | null>(null);
  const zone = shop?.timezone ?? "Asia/Tokyo";

  async function act(run: () => Promise<unknown>) {
    setMessage(null);
    try {
      await run();
      reload();
    } catch (err) {
      setMessage(err instanceof ApiError ? err.message : String(err));
    }
  }

  async function add(event: FormEvent) {
    event.preventDefault();
    setInitialPassword(null);
    await act(async () => {
      const added = await api<{ initialPassword?: string }>("POST", "/v1/users", { email, role });
      setInitialPassword(added.initialPassword ?? null);
      setEmail("");
    });
  }

  return (
    <section>
      <h1>{t("members")}</h1>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {message && (
        <p role="alert" className="error">
          {message}
        </p>
      )}
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>{t("email")}</th>
              <th>{t("name")}</th>
              <th>{t("role")}</th>
              <th>{t("lastSignIn")}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(data?.users ?? []).map((m) => (
              <tr key={m.userId}>
                <td>{m.email}</td>
                <td>{m.name}</td>
                <td>
                  <select
                    aria-label={`${t("role")}: ${m.email}`}
                    value={m.role}
                    onChange={(e) =>
                      act(() => api("PATCH", `/v1/users/${m.userId}`, { role: e.target.value }))
                    }
                  >
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {t(r)}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  {formatDateTime(m.lastLoginAt, zone, language)}
                  {m.lockedUntil && (
                    <>
                      {" "}
                      <strong>{t("lockedUntil")}</strong>{" "}
                      <button
                        type="button"
                        onClick={() => act(() => api("POST", `/v1/users/${m.userId}/unlock`))}
                      >
                        {t("unlock")}
                      </button>
                    </>
                  )}
                </td>
                <td>
                  <button
                    type="button"
                    onClick={() =>
                      window.confirm(t("confirmRemove")) && act(() => api("DELETE", `/v1/users/${m.userId}`))
                    }
                  >
                    {t("remove")}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>{t("addMember")}</h2>
      <form onSubmit={add} className="inline-form">
        <label htmlFor="member-email">{t("email")}</label>
        <input
          id="member-email"
          type="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <label htmlFor="member-role">{t("role")}</label>
        <select id="member-role" value={role} onChange={(e) => setRole(e.target.value as Member["role"])}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(r)}
            </option>
          ))}
        </select>
        <button type="submit">{t("add")}</button>
      </form>
      {initialPassword && (
        <p className="secret" role="status">
          {t("initialPassword")}: <code data-testid="initial-password">{initialPassword}</code>
        </p>
      )}
    </section>
  );
}
