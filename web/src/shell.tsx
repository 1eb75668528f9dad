// The frame around every page: the shop being worked on, navigation by role, language, sign-out.
import type { ReactNode } from "react";
import { NavLink } from "react-router";
import { type Language, useI18n } from "./i18n";
import { useSession } from "./session";

export function LanguageSwitch() {
  const { language, setLanguage, t } = useI18n();
  return (
    <label className="language">
      {t("language")}{" "}
      <select value={language} onChange={(e) => setLanguage(e.target.value as Language)}>
        <option value="ja">日本語</option>
        <option value="en">English</option>
      </select>
    </label>
  );
}

export function Shell({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const { me, shop, chooseShop, signOut } = useSession();
  const owner = shop?.role === "owner";
  const analyst = shop?.role === "analyst";
  return (
    <div className="shell">
      <header>
        <span className="brand">{t("appName")}</span>
        {me && me.shops.length > 1 ? (
          <label>
            {t("shop")}{" "}
            <select value={shop?.id} onChange={(e) => chooseShop(Number(e.target.value))}>
              {me.shops.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <span className="shop-name">{shop?.name}</span>
        )}
        <span className="spacer" />
        <LanguageSwitch />
        <span className="user">{me?.user.email}</span>
        <button type="button" onClick={() => void signOut()}>
          {t("signOut")}
        </button>
      </header>
      <nav aria-label="main">
        <NavLink to="/" end>
          {t("home")}
        </NavLink>
        {!analyst && <NavLink to="/customers">{t("customers")}</NavLink>}
        <NavLink to="/segments">{t("segments")}</NavLink>
        <NavLink to="/scenarios">{t("scenarios")}</NavLink>
        <NavLink to="/templates">{t("templates")}</NavLink>
        <NavLink to="/campaigns">{t("campaigns")}</NavLink>
        <NavLink to="/analytics">{t("analytics")}</NavLink>
        <NavLink to="/settings/channels">{t("channels")}</NavLink>
        <NavLink to="/settings/guardrails">{t("guardrails")}</NavLink>
        {owner && <NavLink to="/settings/members">{t("members")}</NavLink>}
        {owner && <NavLink to="/settings/api-keys">{t("apiKeys")}</NavLink>}
        {owner && <NavLink to="/settings/audit-log">{t("auditLog")}</NavLink>}
      </nav>
      <main>{children}</main>
    </div>
  );
}
