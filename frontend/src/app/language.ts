/**
 * The server writes my reminders, alerts, evening digest and e-mails in my preferences'
 * `language`; it follows the language I picked with the switch (LanguageSwitch), per
 * conference I am signed in to.
 *
 * Only an explicit choice is sent (a UI that follows the browser's languages says nothing of
 * what I want in my mail). The server's value last seen here (its answer to this device's
 * last PATCH) is kept per account and conference (localStorage); the choice is sent (PATCH
 * preferences `{language}`) whenever the two differ: when I pick a language, when the app
 * starts, and when the network comes back, so a choice made offline reaches the server when
 * next online. A pick on another device is not undone here: this device sends only its own
 * choices (the latest pick anywhere wins). A pick forgets the server's value seen here, so it
 * is sent even when it is the language this device sent last (another device may have
 * changed the server's since: picking it again is how I get it back).
 *
 *   const stop = watchServerLanguage({ api, slug, userId, storage, chosen: chosenLanguage, target: window });
 */

import { ApiError, type ApiClient } from "../api/client";
import { isNetwork, patchPreferences } from "../api/me";
import { onLanguageChoice } from "../i18n";
import { isLanguage, readStored, writeStored, type KeyValueStorage, type Language } from "../i18n/detect";

/** localStorage key of the server's language last seen for (account, conference). */
export const serverLanguageKey = (userId: number, slug: string) => `boardwalk.serverLanguage.${userId}.${slug}`;

export type LanguageSync =
  | "unchosen" // the UI follows the browser: nothing to send
  | "same" // the server already has it
  | "offline" // not sent; tried again when next online
  | "sent"
  | "signed-out" // 401/403: the session ended
  | "refused"; // another 4xx/5xx: not retried until the next trigger

export interface LanguageSyncDeps {
  api: ApiClient;
  slug: string;
  userId: number;
  storage: KeyValueStorage | undefined;
  /** The language picked with the switch, or null while the UI follows the browser. */
  chosen: () => Language | null;
  online?: () => boolean;
  patch?: typeof patchPreferences;
}

/** Remember the server's language (from a GET or PATCH of the preferences). */
export function noteServerLanguage(storage: KeyValueStorage | undefined, userId: number, slug: string, language: unknown): void {
  if (isLanguage(language)) writeStored(storage, serverLanguageKey(userId, slug), language);
}

export function lastServerLanguage(storage: KeyValueStorage | undefined, userId: number, slug: string): Language | null {
  const value = readStored(storage, serverLanguageKey(userId, slug));
  return isLanguage(value) ? value : null;
}

/** Send the chosen language when it differs from the server's last seen; never throws. */
export async function syncServerLanguage(deps: LanguageSyncDeps): Promise<LanguageSync> {
  const { api, slug, userId, storage } = deps;
  const chosen = deps.chosen();
  if (chosen === null) return "unchosen";
  if (lastServerLanguage(storage, userId, slug) === chosen) return "same";
  if (!(deps.online ?? (() => navigator.onLine))()) return "offline";
  try {
    const answer = await (deps.patch ?? patchPreferences)(api, slug, { language: chosen });
    noteServerLanguage(storage, userId, slug, answer.language);
    return "sent";
  } catch (caught) {
    if (isNetwork(caught)) return "offline";
    if (caught instanceof ApiError && (caught.status === 401 || caught.status === 403)) return "signed-out";
    return "refused";
  }
}

export interface WatchLanguageDeps extends LanguageSyncDeps {
  target: Pick<EventTarget, "addEventListener" | "removeEventListener">;
  /** Told each outcome (tests, logging). */
  onResult?: (result: LanguageSync) => void;
}

/** Sync now, on `online` and whenever a language is picked, one run at a time; returns stop. */
export function watchServerLanguage(deps: WatchLanguageDeps): () => void {
  let chain: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const run = () => {
    chain = chain.then(async () => {
      if (stopped) return;
      const result = await syncServerLanguage(deps);
      deps.onResult?.(result);
    });
  };
  deps.target.addEventListener("online", run);
  // Every pick, even of the language already shown: the choice itself may be new, and the
  // server's may have changed elsewhere since this device last saw it (sent until it lands).
  const unsubscribe = onLanguageChoice(() => {
    writeStored(deps.storage, serverLanguageKey(deps.userId, deps.slug), null);
    run();
  });
  run();
  return () => {
    stopped = true;
    deps.target.removeEventListener("online", run);
    unsubscribe();
  };
}
