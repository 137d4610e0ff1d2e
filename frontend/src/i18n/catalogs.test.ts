import { describe, expect, it } from "vitest";

import { baseKey, flatten, hasKey, placeholders, pluralForms, usedKeys, type Catalog } from "./catalog-check";
import en from "./en.json";
import { LANGUAGES, i18n } from "./index";
import ko from "./ko.json";

const catalogs: Record<string, Map<string, string>> = { en: flatten(en), ko: flatten(ko) };

/** Every key, plural forms folded into their base ("sync.unsynced_one" → "sync.unsynced"). */
function messageKeys(flat: Map<string, string>): Set<string> {
  return new Set([...flat.keys()].map(baseKey));
}

describe("catalogs", () => {
  it("exist for every supported language and are loaded into i18next", () => {
    expect(Object.keys(catalogs).sort()).toEqual([...LANGUAGES].sort());
    for (const language of LANGUAGES) {
      expect(i18n.hasResourceBundle(language, "translation")).toBe(true);
    }
  });

  it.each([
    ["en", "ko"],
    ["ko", "en"],
  ])("every message in %s is also in %s", (from, to) => {
    const missing = [...messageKeys(catalogs[from]!)].filter((key) => !messageKeys(catalogs[to]!).has(key));
    expect(missing).toEqual([]);
  });

  it.each(LANGUAGES)("%s has no empty or untrimmed message", (language) => {
    const bad = [...catalogs[language]!].filter(([, message]) => message.trim() === "" || message !== message.trim());
    expect(bad).toEqual([]);
  });

  it.each(LANGUAGES)("%s has exactly the plural forms its language uses (Intl.PluralRules)", (language) => {
    const categories = new Set(new Intl.PluralRules(language).resolvedOptions().pluralCategories);
    const flat = catalogs[language]!;
    // A base key that is plural in any language must be plural in this one too.
    const pluralBases = new Set([...pluralForms(catalogs.en!).keys(), ...pluralForms(catalogs.ko!).keys()]);
    const wrong: string[] = [];
    for (const base of pluralBases) {
      const forms = pluralForms(flat).get(base) ?? new Set<string>();
      if (flat.has(base)) wrong.push(`${base}: also a plain message`);
      if ([...forms].sort().join() !== [...categories].sort().join()) {
        wrong.push(`${base}: has [${[...forms].join(", ")}], ${language} needs [${[...categories].join(", ")}]`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("uses the same placeholders in both languages", () => {
    const differ: string[] = [];
    for (const [key, message] of catalogs.en!) {
      // Korean has only `_other`: compare each English plural form with it.
      const korean = catalogs.ko!.get(key) ?? catalogs.ko!.get(`${baseKey(key)}_other`);
      if (korean === undefined) continue; // reported by the key-parity test
      const a = [...placeholders(message)].sort().join();
      const b = [...placeholders(korean)].sort().join();
      if (a !== b) differ.push(`${key}: en {${a}} ko {${b}}`);
    }
    expect(differ).toEqual([]);
  });
});

describe("keys used in the source", () => {
  // Every module of the app as text (Vite's glob), but tests and the scanner itself (its doc
  // comment shows made-up keys).
  const sources = import.meta.glob<string>(["/src/**/*.ts", "/src/**/*.tsx", "!/src/**/*.test.ts", "!/src/**/*.test.tsx", "!/src/i18n/catalog-check.ts"], {
    query: "?raw",
    import: "default",
    eager: true,
  });

  it("are found by the scan (it reads the app, not nothing)", () => {
    const all = new Set(Object.values(sources).flatMap((text) => [...usedKeys(text)]));
    // Keys the shell and the i18n module itself use.
    expect(all).toContain("nav.conferences");
    expect(all).toContain("time.zoneLabel");
    expect(all).toContain("time.nextDay");
    expect(all.size).toBeGreaterThan(10);
  });

  it.each(LANGUAGES)("all exist in %s", (language) => {
    const missing: string[] = [];
    for (const [path, text] of Object.entries(sources)) {
      for (const key of usedKeys(text)) {
        if (!hasKey(catalogs[language]!, key)) missing.push(`${path}: ${key}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("a missing key is reported (the scan reads t(), i18n.t() and i18nKey)", () => {
    const source = [
      `const a = t("nav.plan");`,
      `const b = i18n.t('sync.unsynced', { count: 2 });`,
      "const c = t(`errors.retry`);",
      `<Trans i18nKey="nav.nope" />`,
      `const d = t("nav.alsoMissing", { x: 1 });`,
      "const e = t(`planStatus.${status}`);", // dynamic: left to the type checker
      `const f = format("not.a.key"); const g = parseInt("12");`,
    ].join("\n");
    const used = usedKeys(source);
    expect([...used].sort()).toEqual(["errors.retry", "nav.alsoMissing", "nav.nope", "nav.plan", "sync.unsynced"]);
    expect([...used].filter((key) => !hasKey(catalogs.en!, key)).sort()).toEqual(["nav.alsoMissing", "nav.nope"]);
  });
});

describe("plurals", () => {
  const en1 = i18n.getFixedT("en");
  const ko1 = i18n.getFixedT("ko");

  it("English picks one/other", () => {
    expect(en1("sync.unsynced", { count: 0 })).toBe("0 changes not synced");
    expect(en1("sync.unsynced", { count: 1 })).toBe("1 change not synced");
    expect(en1("sync.unsynced", { count: 3 })).toBe("3 changes not synced");
    expect(en1("plan.conflictWith", { count: 1, title: "Welcome reception" })).toBe("Overlaps “Welcome reception” by 1 minute");
    expect(en1("plan.conflictWith", { count: 15, title: "Welcome reception" })).toBe(
      "Overlaps “Welcome reception” by 15 minutes",
    );
  });

  it("Korean has one form for every count", () => {
    expect(ko1("sync.unsynced", { count: 1 })).toBe("동기화 안 된 변경 1건");
    expect(ko1("sync.unsynced", { count: 12 })).toBe("동기화 안 된 변경 12건");
    expect(ko1("logbook.photoCount", { count: 1 })).toBe("사진 1장");
    expect(ko1("logbook.photoCount", { count: 4 })).toBe("사진 4장");
  });

  it("interpolated values are not HTML-escaped (Preact escapes what it renders)", () => {
    expect(en1("search.noResults", { query: "<R&D>" })).toBe("Nothing matches “<R&D>”.");
  });
});

// A type-level check: an unknown key does not compile (`npm run typecheck` runs on tests too).
// @ts-expect-error "nav.nope" is not in en.json
export const unknownKey = (): string => i18n.t("nav.nope");
