// The first page after signing in: which shop, in which role, and its basic settings.
import { useI18n } from "../i18n";
import { useSession } from "../session";

export function Home() {
  const { t } = useI18n();
  const { me, shop } = useSession();
  if (!shop || !me) return null;
  return (
    <section>
      <h1>
        {t("welcome")}, {me.user.name}
      </h1>
      <dl className="facts">
        <dt>{t("shop")}</dt>
        <dd>{shop.name}</dd>
        <dt>{t("yourRole")}</dt>
        <dd data-testid="role">{t(shop.role)}</dd>
        <dt>{t("timezone")}</dt>
        <dd>{shop.timezone}</dd>
        <dt>{t("currency")}</dt>
        <dd>{shop.currency}</dd>
      </dl>
      <p>
        <a href="/docs">{t("apiDocs")}</a>
      </p>
    </section>
  );
}
