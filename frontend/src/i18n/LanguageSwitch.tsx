import { LANGUAGES, isLanguage } from "./index";
import { useTranslation } from "./hooks";

/** The language switch: each language named in itself, the choice kept across visits. */
export function LanguageSwitch() {
  const { t, language, setLanguage } = useTranslation();
  return (
    <label class="language-switch">
      <span class="language-switch__label">{t("language.label")}</span>
      <select
        value={language}
        onChange={(event) => {
          const value = event.currentTarget.value;
          if (isLanguage(value)) setLanguage(value);
        }}
      >
        {LANGUAGES.map((code) => (
          <option key={code} value={code} lang={code}>
            {t(`language.${code}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
