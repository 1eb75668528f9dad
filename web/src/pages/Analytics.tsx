// Placeholder until the page is built: the route and the navigation entry are in place.
import { useI18n } from "../i18n";

export function Analytics() {
  const { t } = useI18n();
  return (
    <section>
      <h1>{t("analytics")}</h1>
    </section>
  );
}
