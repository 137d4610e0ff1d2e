import { afterEach, describe, expect, it } from "vitest";

import { ApiError, type Answer, type ApiClient } from "../api/client";
import { mePaths } from "../api/me";
import { LANGUAGE_STORAGE_KEY, type KeyValueStorage } from "../i18n/detect";
import { chosenLanguage, languageStorage, setLanguage, startI18n } from "../i18n";
import { lastServerLanguage, serverLanguageKey, syncServerLanguage, watchServerLanguage, type LanguageSync } from "./language";

const SLUG = "eccv-2026";
const USER = 7;

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

/** The preferences endpoint: keeps the language PATCHed, answers the whole preferences. */
class Server {
  language = "en";
  online = true;
  status = 200;
  patches: unknown[] = [];
  calls: string[] = [];

  request = async <T,>(method: string, path: string, options?: { json?: unknown }): Promise<Answer<T>> => {
    if (!this.online) throw new ApiError("network", "offline");
    this.calls.push(`${method} ${path}`);
    this.patches.push(options?.json);
    const answer = (status: number, body: unknown) => ({ status, body: body as T, headers: new Headers() });
    if (this.status !== 200) return answer(this.status, { detail: "No.", errors: { language: ['"xx" is not a valid choice.'] } });
    const { language } = options?.json as { language: string };
    this.language = language;
    return answer(200, { reminder_minutes: 10, push: true, email: false, in_app: true, quiet_hours_start: null, quiet_hours_end: null, digest_time: null, language, timezone: "Asia/Jerusalem" });
  };
}

/** A window that only dispatches `online`. */
class Target extends EventTarget {
  online() {
    this.dispatchEvent(new Event("online"));
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function setup(chosen: "en" | "ko" | null) {
  const server = new Server();
  const storage = new MemoryStorage();
  startI18n({ storage, languages: ["en-US"] });
  if (chosen) storage.setItem(LANGUAGE_STORAGE_KEY, chosen);
  const deps = {
    api: server as unknown as ApiClient,
    slug: SLUG,
    userId: USER,
    storage,
    chosen: chosenLanguage,
    online: () => server.online,
  };
  return { server, storage, deps };
}

afterEach(() => {
  startI18n({});
});

describe("syncServerLanguage", () => {
  it("sends nothing while the UI follows the browser", async () => {
    const { server, deps } = setup(null);

    expect(await syncServerLanguage(deps)).toBe("unchosen");
    expect(server.patches).toEqual([]);
  });

  it("sends a chosen language once, then knows the server has it", async () => {
    const { server, storage, deps } = setup("ko");

    const first = await syncServerLanguage(deps);
    const second = await syncServerLanguage(deps);

    expect([first, second]).toEqual(["sent", "same"]);
    expect(server.patches).toEqual([{ language: "ko" }]);
    expect(server.language).toBe("ko");
    expect(storage.getItem(serverLanguageKey(USER, SLUG))).toBe("ko");
  });

  it("keeps what it saw per account and conference", async () => {
    const { server, storage, deps } = setup("ko");
    await syncServerLanguage(deps);

    const other = await syncServerLanguage({ ...deps, slug: "cvpr-2027" });
    const someoneElse = await syncServerLanguage({ ...deps, userId: 8 });

    expect([other, someoneElse]).toEqual(["sent", "sent"]);
    expect(server.calls).toEqual([
      `PATCH ${mePaths.preferences(SLUG)}`,
      `PATCH ${mePaths.preferences("cvpr-2027")}`,
      `PATCH ${mePaths.preferences(SLUG)}`,
    ]);
    expect(lastServerLanguage(storage, 8, SLUG)).toBe("ko");
    expect(lastServerLanguage(storage, 9, SLUG)).toBeNull();
  });

  it("offline sends nothing and remembers nothing, so the next try sends it", async () => {
    const { server, storage, deps } = setup("ko");
    server.online = false;

    const offline = await syncServerLanguage(deps);
    // navigator.onLine says yes, the network says no.
    const lying = await syncServerLanguage({ ...deps, online: () => true });
    server.online = true;
    const back = await syncServerLanguage(deps);

    expect([offline, lying, back]).toEqual(["offline", "offline", "sent"]);
    expect(server.patches).toEqual([{ language: "ko" }]);
    expect(storage.getItem(serverLanguageKey(USER, SLUG))).toBe("ko");
  });

  it("tells a refusal and a lost session apart, and never throws", async () => {
    const { server, deps } = setup("ko");
    server.status = 400;
    const refused = await syncServerLanguage(deps);
    server.status = 403;
    const signedOut = await syncServerLanguage(deps);

    expect([refused, signedOut]).toEqual(["refused", "signed-out"]);
    expect(lastServerLanguage(deps.storage, USER, SLUG)).toBeNull();
  });
});

describe("watchServerLanguage", () => {
  it("syncs on start, follows each pick of the switch, and sends an offline pick when back online", async () => {
    const { server, deps } = setup(null);
    const target = new Target();
    const results: LanguageSync[] = [];
    const stop = watchServerLanguage({ ...deps, storage: languageStorage(), target, onResult: (r) => results.push(r) });
    await settle();

    setLanguage("ko"); // picked online
    await settle();
    server.online = false;
    setLanguage("en"); // picked offline
    await settle();
    server.online = true;
    target.online();
    await settle();
    setLanguage("en"); // the same again: sent too (another device may have changed it)
    await settle();
    stop();
    setLanguage("ko"); // stopped: no longer watched
    await settle();

    expect(results).toEqual(["unchosen", "sent", "offline", "sent", "sent"]);
    expect(server.patches).toEqual([{ language: "ko" }, { language: "en" }, { language: "en" }]);
    expect(server.language).toBe("en");
  });

  it("sends a pick of the language it last sent when another device changed the server's since", async () => {
    // This phone sent Korean; a laptop then picked English. Mail comes in English, so on the
    // phone I pick 한국어 again: the latest pick anywhere wins, so the server must have it.
    const { server, deps } = setup("ko");
    await syncServerLanguage(deps);
    server.language = "en"; // the laptop's pick
    const target = new Target();
    const results: LanguageSync[] = [];
    const stop = watchServerLanguage({ ...deps, target, onResult: (r) => results.push(r) });
    await settle();

    setLanguage("ko");
    await settle();
    stop();

    expect(results).toEqual(["same", "sent"]);
    expect(server.language).toBe("ko");
  });

  it("sends such a pick made offline once back online", async () => {
    const { server, deps } = setup("ko");
    await syncServerLanguage(deps);
    server.language = "en"; // another device
    server.online = false;
    const target = new Target();
    const stop = watchServerLanguage({ ...deps, target });
    await settle();

    setLanguage("ko");
    await settle();
    server.online = true;
    target.online();
    await settle();
    stop();

    expect(server.language).toBe("ko");
  });

  it("sends on start a choice made before signing in", async () => {
    const { server, deps } = setup("ko");
    const target = new Target();

    const stop = watchServerLanguage({ ...deps, target });
    await settle();
    stop();

    expect(server.patches).toEqual([{ language: "ko" }]);
  });
});
