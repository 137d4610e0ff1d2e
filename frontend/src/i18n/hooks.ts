/**
 * The Preact binding (ours: a dozen lines instead of react-i18next + preact/compat).
 *
 *     const { t, language } = useTranslation();   // re-renders when the language changes
 *     const [mode, setMode] = useZoneMode();        // "conference" | "device", kept across visits
 *     const fmt = useTimeFormatter(conference.timezone);
 */

import { useEffect, useMemo, useState } from "preact/hooks";

import { currentLanguage, i18n, setLanguage, t, type Language } from "./index";
import { onZoneModeChange, setZoneMode, timeFormatter, zoneMode, type TimeFormatter, type ZoneMode } from "./time";

export function useTranslation(): { t: typeof t; language: Language; setLanguage: typeof setLanguage } {
  const [language, setCurrent] = useState<Language>(currentLanguage);
  useEffect(() => {
    const changed = () => setCurrent(currentLanguage());
    i18n.on("languageChanged", changed);
    changed(); // in case it changed between render and effect
    return () => i18n.off("languageChanged", changed);
  }, []);
  return { t, language, setLanguage };
}

export function useZoneMode(): [ZoneMode, (mode: ZoneMode) => void] {
  const [mode, setMode] = useState<ZoneMode>(() => zoneMode());
  useEffect(() => onZoneModeChange(setMode), []);
  return [mode, setZoneMode];
}

/** A formatter for the conference's zone or the device's (the user's choice), in the current language. */
export function useTimeFormatter(conferenceZone: string): TimeFormatter {
  const { language } = useTranslation();
  const [mode] = useZoneMode();
  return useMemo(() => timeFormatter({ conferenceZone, mode, locale: language }), [conferenceZone, mode, language]);
}
