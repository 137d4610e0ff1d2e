import { UpdatePrompt } from "./components/UpdatePrompt";
import { LanguageSwitch } from "./i18n/LanguageSwitch";
import { useTranslation } from "./i18n/hooks";
import { Home } from "./views/home/Home";

/** The app shell: header, the current view, footer. Routing arrives with the real screens. */
export function App() {
  const { t } = useTranslation();
  return (
    <div class="shell">
      <header class="shell__header">
        <a class="shell__brand" href="/">
          <img src="/icons/icon.svg" alt="" width="28" height="28" />
          {t("app.name")}
        </a>
        <LanguageSwitch />
      </header>
      <main class="shell__main">
        <Home />
      </main>
      <footer class="shell__footer">
        <a href="/admin/">{t("app.organizerAdmin")}</a>
        <a href="/api/v1/docs/">{t("app.apiDocs")}</a>
      </footer>
      <UpdatePrompt
        message={t("app.updateAvailable")}
        updateLabel={t("app.updateReload")}
        laterLabel={t("app.updateLater")}
      />
    </div>
  );
}
