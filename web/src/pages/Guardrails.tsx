// Placeholder until the page is built: the route and the navigation entry are in place.
import { useI18n } from "../i18n";

export function Guardrails() {
  const { t } = useI18n();
  return (
    <section>
      <h1>{t("guardrails")}</h1>
    </section>
  );
}
