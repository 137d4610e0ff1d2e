/**
 * Which language to show: the user's explicit choice if they made one, else the first of the
 * browser's preferred languages that we have, else English.
 *
 * Pure functions (no `window`): `index.ts` passes `navigator.languages` and the stored choice.
 */

export const LANGUAGES = ["en", "ko"] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = "en";

/** localStorage key of the language the user picked with the switch (absent: follow the browser). */
export const LANGUAGE_STORAGE_KEY = "boardwalk.language";

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

/** "ko-KR" → "ko", "EN_us" → "en", "zh-Hant-TW" → "zh": the primary subtag, lower-cased. */
export function primarySubtag(tag: string): string {
  return tag.trim().split(/[-_]/, 1)[0]?.toLowerCase() ?? "";
}

/**
 * `stored`: the value kept by the language switch (ignored unless it is one of ours).
 * `preferred`: `navigator.languages` (most preferred first), or `[navigator.language]` where
 * the list is missing.
 */
export function detectLanguage(stored: string | null | undefined, preferred: readonly string[]): Language {
  if (isLanguage(stored)) return stored;
  for (const tag of preferred) {
    const primary = primarySubtag(tag);
    if (isLanguage(primary)) return primary;
  }
  return DEFAULT_LANGUAGE;
}

/** The part of `Storage` we use; `window.localStorage` fits. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * localStorage can throw (Safari private mode, storage disabled by policy, quota): a preference
 * that cannot be read or kept must never break the app, so every access is guarded.
 */
export function readStored(storage: KeyValueStorage | undefined, key: string): string | null {
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

export function writeStored(storage: KeyValueStorage | undefined, key: string, value: string | null): void {
  try {
    if (value === null) storage?.removeItem(key);
    else storage?.setItem(key, value);
  } catch {
    // Not kept: the choice still applies until the page is closed.
  }
}
