import { afterEach, describe, expect, it } from "vitest";

import { LANGUAGE_STORAGE_KEY, detectLanguage, primarySubtag, type KeyValueStorage } from "./detect";
import { currentLanguage, followBrowserLanguages, i18n, setLanguage, startI18n, t } from "./index";

class MemoryStorage implements KeyValueStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

/** Safari private mode and storage blocked by policy: every access throws. */
const throwingStorage: KeyValueStorage = {
  getItem: () => {
    throw new DOMException("denied", "SecurityError");
  },
  setItem: () => {
    throw new DOMException("full", "QuotaExceededError");
  },
  removeItem: () => {
    throw new DOMException("denied", "SecurityError");
  },
};

describe("detectLanguage", () => {
  it.each([
    [["ko-KR", "en-US"], "ko"],
    [["en-GB", "ko"], "en"],
    [["fr-FR", "de", "ko"], "ko"],
    [["KO_kr"], "ko"],
    [["zh-Hant-TW", "ja"], "en"],
    [[], "en"],
    [[""], "en"],
  ])("browser %j → %s", (languages, expected) => {
    expect(detectLanguage(null, languages)).toBe(expected);
  });

  it("a stored choice wins over the browser", () => {
    expect(detectLanguage("en", ["ko-KR"])).toBe("en");
    expect(detectLanguage("ko", ["en-US"])).toBe("ko");
  });

  it("a stored value that is not one of ours is ignored", () => {
    expect(detectLanguage("fr", ["ko"])).toBe("ko");
    expect(detectLanguage("", ["ko"])).toBe("ko");
    expect(detectLanguage("ko-KR", ["en"])).toBe("en");
  });

  it("reads the primary subtag", () => {
    expect(primarySubtag(" en-US ")).toBe("en");
    expect(primarySubtag("ko")).toBe("ko");
  });
});

describe("startI18n and the switch", () => {
  afterEach(() => {
    startI18n({});
    void i18n.changeLanguage("en");
  });

  it("follows the browser and sets <html lang>", () => {
    const root = { lang: "en" };
    expect(startI18n({ storage: new MemoryStorage(), languages: ["ko-KR", "en"], root })).toBe("ko");
    expect(currentLanguage()).toBe("ko");
    expect(root.lang).toBe("ko");
    expect(t("nav.plan")).toBe("내 일정");
  });

  it("keeps the switch's choice across visits, and forgets it on request", () => {
    const storage = new MemoryStorage();
    const root = { lang: "" };
    startI18n({ storage, languages: ["ko"], root });
    expect(setLanguage("en")).toBe("en");
    expect(storage.items.get(LANGUAGE_STORAGE_KEY)).toBe("en");
    expect(root.lang).toBe("en");
    expect(t("nav.plan")).toBe("My Plan");

    // Next visit, same browser: the choice holds.
    const nextRoot = { lang: "" };
    expect(startI18n({ storage, languages: ["ko"], root: nextRoot })).toBe("en");
    expect(nextRoot.lang).toBe("en");

    // Back to following the browser.
    expect(setLanguage(null)).toBe("ko");
    expect(storage.items.has(LANGUAGE_STORAGE_KEY)).toBe(false);
    expect(nextRoot.lang).toBe("ko");
  });

  it("follows a change of browser languages only while the user has not chosen", () => {
    const storage = new MemoryStorage();
    const root = { lang: "" };
    startI18n({ storage, languages: ["en"], root });
    expect(followBrowserLanguages(["ko"])).toBe("ko");
    expect(root.lang).toBe("ko");
    setLanguage("en");
    expect(followBrowserLanguages(["ko"])).toBe("en");
    expect(root.lang).toBe("en");
  });

  it("works when storage throws (the choice applies for this visit)", () => {
    const root = { lang: "" };
    expect(startI18n({ storage: throwingStorage, languages: ["ko"], root })).toBe("ko");
    expect(setLanguage("en")).toBe("en");
    expect(root.lang).toBe("en");
    expect(t("nav.plan")).toBe("My Plan");
  });

  it("emits languageChanged for the hooks to re-render", () => {
    const seen: string[] = [];
    const listener = (language: string) => seen.push(language);
    i18n.on("languageChanged", listener);
    startI18n({ languages: ["en"] });
    setLanguage("ko");
    setLanguage("ko"); // no change, no event
    setLanguage("en");
    i18n.off("languageChanged", listener);
    expect(seen).toEqual(["ko", "en"]);
  });
});
