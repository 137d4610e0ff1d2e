/**
 * The app's messages in English and Korean, through i18next (catalogs bundled, no backend).
 *
 * - `t("nav.schedule")`, `t("sync.unsynced", { count })`: keys are typed from `en.json`
 *   (see `i18next.d.ts`), so `npm run typecheck` refuses an unknown key; `catalogs.test.ts`
 *   checks both catalogs hold the same keys and every key used in `src/` exists.
 * - `startI18n()` once before the first render: picks the language (stored choice, else the
 *   browser's), sets `<html lang>`, follows the browser's `languagechange` until the user
 *   picks one with `setLanguage()`.
 * - Components call `useTranslation()` (hooks.ts) to re-render when the language changes.
 * - Dates and times: `time.ts`.
 */

import i18next from "i18next";

import {
  DEFAULT_LANGUAGE,
  LANGUAGES,
  LANGUAGE_STORAGE_KEY,
  detectLanguage,
  isLanguage,
  readStored,
  writeStored,
  type KeyValueStorage,
  type Language,
} from "./detect";
import en from "./en.json";
import ko from "./ko.json";

export { LANGUAGES, DEFAULT_LANGUAGE, detectLanguage, isLanguage, type Language } from "./detect";

export const resources = {
  en: { translation: en },
  ko: { translation: ko },
} as const;

/** Our own instance (not i18next's global one), initialised synchronously from the bundled catalogs. */
export const i18n = i18next.createInstance();
void i18n.init({
  resources,
  lng: DEFAULT_LANGUAGE,
  fallbackLng: DEFAULT_LANGUAGE,
  supportedLngs: LANGUAGES,
  // Catalogs are in the bundle: no backend, so init completes before it returns.
  initAsync: false,
  // Preact escapes text it renders; escaping here too would show "&amp;" on screen.
  interpolation: { escapeValue: false },
  returnEmptyString: false,
});

/** i18next binds its methods: `t` can be passed around and destructured. */
export const t = i18n.t;

export function currentLanguage(): Language {
  return i18n.resolvedLanguage === "ko" ? "ko" : "en";
}

interface Environment {
  storage?: KeyValueStorage | undefined;
  languages?: readonly string[] | undefined;
  root?: { lang: string } | undefined;
}

let environment: Environment = {};

function browserEnvironment(): Environment {
  if (typeof window === "undefined") return {};
  let storage: KeyValueStorage | undefined;
  try {
    storage = window.localStorage;
  } catch {
    storage = undefined;
  }
  const languages = navigator.languages?.length ? navigator.languages : [navigator.language];
  return { storage, languages, root: document.documentElement };
}

function applyLanguage(language: Language): void {
  if (i18n.language !== language) void i18n.changeLanguage(language);
  if (environment.root) environment.root.lang = language;
}

/**
 * Choose the language and keep `<html lang>` in step. Call once before rendering; tests pass
 * an explicit environment (storage, preferred languages, root element).
 */
export function startI18n(env: Environment = browserEnvironment()): Language {
  environment = env;
  const language = detectLanguage(readStored(env.storage, LANGUAGE_STORAGE_KEY), env.languages ?? []);
  applyLanguage(language);
  return language;
}

/** The browser's preferred languages changed (the `languagechange` event): follow, unless the user chose. */
export function followBrowserLanguages(languages: readonly string[]): Language {
  environment = { ...environment, languages };
  return startI18n(environment);
}

const choiceListeners = new Set<(language: Language | null) => void>();

/** Told of every use of the switch (also a pick of the language already shown); returns unsubscribe. */
export function onLanguageChoice(listener: (language: Language | null) => void): () => void {
  choiceListeners.add(listener);
  return () => void choiceListeners.delete(listener);
}

/** The language picked with the switch and kept; null while the UI follows the browser. */
export function chosenLanguage(): Language | null {
  const stored = readStored(environment.storage, LANGUAGE_STORAGE_KEY);
  return isLanguage(stored) ? stored : null;
}

/** Where the choice is kept (localStorage in the browser; undefined where there is none). */
export function languageStorage(): KeyValueStorage | undefined {
  return environment.storage;
}

/** The switch: apply and remember the choice; `null` forgets it and follows the browser again. */
export function setLanguage(language: Language | null): Language {
  writeStored(environment.storage, LANGUAGE_STORAGE_KEY, language);
  const applied = language === null ? startI18n(environment) : language;
  if (language !== null) applyLanguage(language);
  for (const listener of choiceListeners) listener(language);
  return applied;
}

if (typeof window !== "undefined") {
  window.addEventListener("languagechange", () => {
    followBrowserLanguages(navigator.languages?.length ? navigator.languages : [navigator.language]);
  });
}
