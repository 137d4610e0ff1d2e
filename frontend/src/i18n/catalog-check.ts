/**
 * Checks on the message catalogs, used by `catalogs.test.ts` (not by the app, so not bundled).
 */

export type Catalog = { readonly [key: string]: string | Catalog };

/** `{"nav": {"plan": "My Plan"}}` → `{"nav.plan": "My Plan"}`. */
export function flatten(catalog: Catalog, prefix = ""): Map<string, string> {
  const flat = new Map<string, string>();
  for (const [key, value] of Object.entries(catalog)) {
    if (typeof value === "string") flat.set(prefix + key, value);
    else for (const [k, v] of flatten(value, `${prefix}${key}.`)) flat.set(k, v);
  }
  return flat;
}

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

/** "sync.unsynced_other" → "sync.unsynced"; other keys unchanged. */
export function baseKey(key: string): string {
  return key.replace(PLURAL_SUFFIX, "");
}

/** Plural base keys with the categories each has: {"sync.unsynced" → {"one", "other"}}. */
export function pluralForms(flat: Map<string, string>): Map<string, Set<string>> {
  const forms = new Map<string, Set<string>>();
  for (const key of flat.keys()) {
    const match = PLURAL_SUFFIX.exec(key);
    if (!match?.[1]) continue;
    const base = baseKey(key);
    forms.set(base, (forms.get(base) ?? new Set()).add(match[1]));
  }
  return forms;
}

/** The `{{name}}` placeholders of a message (format suffixes like `{{n, number}}` dropped). */
export function placeholders(message: string): Set<string> {
  return new Set([...message.matchAll(/\{\{\s*([\w.]+)\s*(?:,[^}]*)?\}\}/g)].map((m) => m[1] ?? ""));
}

/**
 * Literal keys used in source text: `t("a.b")`, `t('a.b', …)`, `` t(`a.b`) ``, `i18n.t("a.b")`,
 * `i18nKey="a.b"`. Template literals with `${…}` cannot be resolved here; TypeScript checks
 * those against the catalog type instead.
 */
export function usedKeys(source: string): Set<string> {
  const keys = new Set<string>();
  for (const m of source.matchAll(/(?<![\w$])t\(\s*(["'`])((?:(?!\1)[^\\$\n])+)\1/g)) keys.add(m[2] ?? "");
  for (const m of source.matchAll(/\bi18nKey=\{?\s*(["'`])((?:(?!\1)[^\\$\n])+)\1/g)) keys.add(m[2] ?? "");
  return keys;
}

/** Whether `key` can be looked up: a message, or a plural base with at least its `_other` form. */
export function hasKey(flat: Map<string, string>, key: string): boolean {
  return flat.has(key) || flat.has(`${key}_other`);
}
