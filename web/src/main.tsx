// The admin's entry: language, session, and the pages by address. Signed out, every address shows the
// sign-in form; pages a role may not open are not offered (and the API refuses them anyway).
import { type ReactElement, StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter, Navigate, Route, Routes } from "react-router";
import { I18nProvider, useI18n } from "./i18n";
import { Analytics } from "./pages/Analytics";
import { ApiKeys } from "./pages/ApiKeys";
import { AuditLog } from "./pages/AuditLog";
import { Campaigns } from "./pages/Campaigns";
import { Channels } from "./pages/Channels";
import { Customers } from "./pages/Customers";
import { Guardrails } from "./pages/Guardrails";
import { Home } from "./pages/Home";
import { Members } from "./pages/Members";
import { Scenarios } from "./pages/Scenarios";
import { Segments } from "./pages/Segments";
import { SignIn } from "./pages/SignIn";
import { Templates } from "./pages/Templates";
import { SessionProvider, useSession } from "./session";
import { Shell } from "./shell";
import "./styles.css";

function OwnersOnly({ children }: { children: ReactElement }) {
  const { shop } = useSession();
  const { t } = useI18n();
  return shop?.role === "owner" ? children : <p role="alert">{t("notAllowed")}</p>;
}

/** Customers' personal data: owners and marketers (an analyst reads reports only). */
function PersonalDataOnly({ children }: { children: ReactElement }) {
  const { shop } = useSession();
  const { t } = useI18n();
  return shop && shop.role !== "analyst" ? children : <p role="alert">{t("notAllowed")}</p>;
}

function App() {
  const { me, loading } = useSession();
  const { t } = useI18n();
  if (loading) return <p className="loading">{t("loading")}</p>;
  if (!me) return <SignIn />;
  return (
    <Shell>
      <Routes>
        <Route path="/" element={<Home />} />
        <Route
          path="/customers/*"
          element={
            <PersonalDataOnly>
              <Customers />
            </PersonalDataOnly>
          }
        />
        <Route path="/segments/*" element={<Segments />} />
        <Route path="/scenarios/*" element={<Scenarios />} />
        <Route path="/templates/*" element={<Templates />} />
        <Route path="/campaigns/*" element={<Campaigns />} />
        <Route path="/analytics/*" element={<Analytics />} />
        <Route path="/settings/channels" element={<Channels />} />
        <Route path="/settings/guardrails" element={<Guardrails />} />
        <Route
          path="/settings/members"
          element={
            <OwnersOnly>
              <Members />
            </OwnersOnly>
          }
        />
        <Route
          path="/settings/api-keys"
          element={
            <OwnersOnly>
              <ApiKeys />
            </OwnersOnly>
          }
        />
        <Route
          path="/settings/audit-log"
          element={
            <OwnersOnly>
              <AuditLog />
            </OwnersOnly>
          }
        />
        <Route path="*" element={<Navigate to="/" replace />} />
      </Routes>
    </Shell>
  );
}

const root = document.getElementById("root");
if (root) {
  document.documentElement.lang = localStorage.getItem("kizuna.language") ?? "ja";
  createRoot(root).render(
    <StrictMode>
      <I18nProvider>
        <SessionProvider>
          <BrowserRouter>
            <App />
          </BrowserRouter>
        </SessionProvider>
      </I18nProvider>
    </StrictMode>,
  );
}
