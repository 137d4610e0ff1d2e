/**
 * My in-app notifications of one conference (`GET …/notifications/`, newest first, with the
 * unread count over all pages): fetched when the refresher finishes a run and when the page
 * becomes visible, kept in IndexedDB meta under `mine:notifications:<slug>` (personal: cleared
 * at sign-out with the other `mine:` keys) so that offline the last list still shows.
 *
 * Marking read is shown at once; the POST follows, and when it cannot be sent (offline) the
 * mark waits in the cached copy (`pendingRead`, `pendingAll`) and is sent before the next fetch.
 *
 *   const store = getNotifications();          // one per page
 *   const state = useNotifications(slug);      // { items, unread, … } for the bell and the list
 *   await store.markRead(slug, id);
 */

import { useEffect, useState } from "preact/hooks";

import { api, ApiError, type Answer, type ApiClient } from "../api/client";
import type { components } from "../api/schema";
import { metaGet, metaSet, type BoardwalkDb } from "../db";
import { NOTIFICATION_RECEIVED } from "../sw-push";
import { getDb, getRefresher, onSignedOut } from "./runtime";

export type Notification = components["schemas"]["Notification"];
type NotificationPage = components["schemas"]["PaginatedNotificationList"];

export const PAGE_SIZE = 20;
export const cacheKey = (slug: string) => `mine:notifications:${slug}`;

const base = (slug: string) => `/api/v1/conferences/${encodeURIComponent(slug)}/notifications`;
export const notificationPaths = {
  list: (slug: string, page: number) => `${base(slug)}/?page=${page}&page_size=${PAGE_SIZE}`,
  read: (slug: string, id: number) => `${base(slug)}/${id}/read`,
  readAll: (slug: string) => `${base(slug)}/read-all`,
};

/** What IndexedDB keeps of one conference's list. */
export interface NotificationsCache {
  items: Notification[];
  unread: number;
  count: number;
  /** The next page to ask for, or null when every page is here. */
  nextPage: number | null;
  /** When the server last answered (ISO, device clock). */
  fetchedAt: string;
  /** Marked read here while the POST could not be sent. */
  pendingRead: number[];
  pendingAll: boolean;
}

export interface NotificationsState extends NotificationsCache {
  slug: string | null;
  /** Nothing read yet (neither cache nor server). */
  loaded: boolean;
  loading: boolean;
  /** Shown from IndexedDB because the server could not be asked. */
  offline: boolean;
  /** The last fetch's failure other than the network (an ApiError-like value), else null. */
  error: unknown;
}

const EMPTY: NotificationsCache = { items: [], unread: 0, count: 0, nextPage: null, fetchedAt: "", pendingRead: [], pendingAll: false };

export interface NotificationsDeps {
  db: BoardwalkDb;
  api: Pick<ApiClient, "request">;
  online?: () => boolean;
  now?: () => Date;
}

export interface NotificationsStore {
  state(): NotificationsState;
  subscribe(listener: (state: NotificationsState) => void): () => void;
  /** Show the cached list of `slug` (offline too), then ask the server when online. */
  refresh(slug: string): Promise<NotificationsState>;
  /** The next page, appended. */
  more(slug: string): Promise<NotificationsState>;
  markRead(slug: string, id: number): Promise<void>;
  markAllRead(slug: string): Promise<void>;
  /** Forget the list in memory (signed out: IndexedDB's copy goes with personalClear). */
  reset(): void;
}

class Offline extends Error {}

function isPage(body: unknown): body is NotificationPage {
  return (
    typeof body === "object" &&
    body !== null &&
    Array.isArray((body as NotificationPage).results) &&
    typeof (body as NotificationPage).unread === "number" &&
    typeof (body as NotificationPage).count === "number"
  );
}

/** The page number in DRF's `next` link, or null. */
export function pageOf(next: string | null | undefined): number | null {
  if (!next) return null;
  const match = /[?&]page=(\d+)/.exec(next);
  return match ? Number(match[1]) : null;
}

/** Items of a later page after those already listed (one listed twice, as the list moved, once). */
export function appendPage(items: readonly Notification[], page: readonly Notification[]): Notification[] {
  const seen = new Set(items.map((item) => item.id));
  return [...items, ...page.filter((item) => !seen.has(item.id))];
}

/** The list with `ids` (or all) marked read at `at`, and the unread count lowered to match. */
export function markedRead(cache: NotificationsCache, ids: "all" | readonly number[], at: string): NotificationsCache {
  const marks = ids === "all" ? null : new Set(ids);
  let newlyRead = 0;
  const items = cache.items.map((item) => {
    if (item.read || (marks && !marks.has(item.id))) return item;
    newlyRead++;
    return { ...item, read: true, read_at: at };
  });
  // Unread ones on pages not fetched yet count too: "all" clears them, one id lowers by one.
  const unread = ids === "all" ? 0 : Math.max(0, cache.unread - newlyRead);
  return { ...cache, items, unread };
}

/**
 * Where a notification's url leads inside the app: a path of ours as it is (the demo's
 * older `/c/<slug>/…` form as `/conferences/<slug>/…`), another site's link as it is, and
 * nothing for an empty or unsafe one.
 */
export function notificationHref(url: string): { href: string; internal: boolean } | null {
  const value = url.trim();
  if (!value) return null;
  if (value.startsWith("/") && !value.startsWith("//")) {
    const path = value.replace(/^\/c\/([^/]+)/, "/conferences/$1");
    return { href: path, internal: true };
  }
  if (/^https?:\/\//i.test(value)) {
    try {
      const parsed = new URL(value);
      if (typeof location !== "undefined" && parsed.origin === location.origin)
        return { href: parsed.pathname + parsed.search + parsed.hash, internal: true };
      return { href: parsed.href, internal: false };
    } catch {
      return null;
    }
  }
  return null;
}

export function createNotifications(deps: NotificationsDeps): NotificationsStore {
  const { db, api } = deps;
  const online = deps.online ?? (() => navigator.onLine);
  const now = deps.now ?? (() => new Date());
  const listeners = new Set<(state: NotificationsState) => void>();
  let current: NotificationsState = { ...EMPTY, slug: null, loaded: false, loading: false, offline: false, error: null };
  const inFlight = new Map<string, Promise<NotificationsState>>();
  // Bumped by reset(): an answer that arrives after a sign-out is not shown or stored.
  let epoch = 0;
  // Marks being sent: a fetch waits for them (else it could list as unread what was just
  // read), and asks again when one started while it was under way.
  let marking: Promise<unknown> = Promise.resolve();
  let marks = 0;

  function emit(patch: Partial<NotificationsState>): NotificationsState {
    current = { ...current, ...patch };
    for (const listener of listeners) listener(current);
    return current;
  }

  async function cached(slug: string): Promise<NotificationsCache | undefined> {
    return metaGet<NotificationsCache>(db, cacheKey(slug));
  }

  async function store(slug: string, cache: NotificationsCache, patch: Partial<NotificationsState> = {}): Promise<NotificationsState> {
    await metaSet(db, cacheKey(slug), cache);
    return emit({ slug, ...cache, loaded: true, ...patch });
  }

  /** Send one request; a missing answer (offline, server down) throws Offline. */
  async function send<T>(method: string, path: string): Promise<Answer<T>> {
    if (!online()) throw new Offline();
    try {
      return await api.request<T>(method, path);
    } catch (error) {
      if (error instanceof ApiError && error.kind === "network") throw new Offline();
      throw error;
    }
  }

  /** Send the marks made while offline; they leave the cache once the server has them. */
  async function flush(slug: string, cache: NotificationsCache): Promise<NotificationsCache> {
    let rest = cache;
    if (rest.pendingAll) {
      const answer = await send("POST", notificationPaths.readAll(slug));
      if (answer.status < 500) rest = { ...rest, pendingAll: false, pendingRead: [] };
    }
    for (const id of rest.pendingRead) {
      const answer = await send("POST", notificationPaths.read(slug, id));
      // 404: gone on the server; either way it is no longer pending.
      if (answer.status < 500) rest = { ...rest, pendingRead: rest.pendingRead.filter((p) => p !== id) };
    }
    return rest;
  }

  function failure(answer: Answer): unknown {
    const detail = (answer.body as { detail?: unknown } | null)?.detail;
    return new ApiError("http", typeof detail === "string" ? detail : `${answer.status}`, answer.status);
  }

  async function fetchFirst(slug: string): Promise<NotificationsState> {
    const mine = epoch;
    const stored = await cached(slug);
    if (current.slug !== slug) emit({ ...EMPTY, ...stored, slug, loaded: stored !== undefined, offline: false, error: null });
    emit({ loading: true });
    let cache = stored ?? EMPTY;
    try {
      cache = await flush(slug, cache);
      let answer: Answer<NotificationPage>;
      for (let tries = 0; ; tries++) {
        await marking;
        const seen = marks;
        answer = await send<NotificationPage>("GET", notificationPaths.list(slug, 1));
        if (seen === marks || tries === 2) break;
      }
      if (mine !== epoch) return current;
      if (answer.status === 401 || answer.status === 403) return emit({ ...EMPTY, slug, loaded: true, loading: false, offline: false, error: null });
      if (answer.status !== 200 || !isPage(answer.body)) return emit({ loading: false, error: failure(answer as Answer) });
      const page = answer.body;
      // A mark still pending stays shown as read.
      const fresh: NotificationsCache = markedRead(
        { ...cache, items: page.results, unread: page.unread, count: page.count, nextPage: pageOf(page.next), fetchedAt: now().toISOString() },
        cache.pendingRead,
        now().toISOString(),
      );
      return await store(slug, fresh, { loading: false, offline: false, error: null });
    } catch (error) {
      if (mine !== epoch) return current;
      if (error instanceof Offline) return emit({ slug, ...cache, loaded: stored !== undefined, loading: false, offline: true, error: null });
      return emit({ loading: false, error });
    }
  }

  function merged(slug: string, run: () => Promise<NotificationsState>): Promise<NotificationsState> {
    const running = inFlight.get(slug);
    if (running) return running;
    const promise = run().finally(() => inFlight.delete(slug));
    inFlight.set(slug, promise);
    return promise;
  }

  function mark(slug: string, ids: "all" | number[]): Promise<void> {
    marks++;
    const done = markNow(slug, ids);
    marking = marking.then(() => done).catch(() => undefined);
    return done;
  }

  async function markNow(slug: string, ids: "all" | number[]): Promise<void> {
    const at = now().toISOString();
    const cache = markedRead((await cached(slug)) ?? pick(current), ids, at);
    await store(slug, cache);
    try {
      const answer = await send<Notification>("POST", ids === "all" ? notificationPaths.readAll(slug) : notificationPaths.read(slug, ids[0]!));
      if (answer.status >= 500) throw new Offline();
      if (ids !== "all" && answer.status === 200 && answer.body && typeof (answer.body as Notification).id === "number") {
        const server = answer.body as Notification;
        const latest = (await cached(slug)) ?? cache;
        await store(slug, { ...latest, items: latest.items.map((item) => (item.id === server.id ? server : item)) });
      }
    } catch (error) {
      if (!(error instanceof Offline)) throw error;
      const latest = (await cached(slug)) ?? cache;
      const pending: NotificationsCache =
        ids === "all" ? { ...latest, pendingAll: true, pendingRead: [] } : { ...latest, pendingRead: [...new Set([...latest.pendingRead, ...ids])] };
      await store(slug, pending, { offline: true });
    }
  }

  return {
    state: () => current,
    subscribe(listener) {
      listeners.add(listener);
      listener(current);
      return () => void listeners.delete(listener);
    },
    refresh: (slug) => merged(slug, () => fetchFirst(slug)),
    async more(slug) {
      const cache = (await cached(slug)) ?? pick(current);
      if (cache.nextPage === null) return current;
      const mine = epoch;
      emit({ loading: true });
      try {
        const answer = await send<NotificationPage>("GET", notificationPaths.list(slug, cache.nextPage));
        if (mine !== epoch) return current;
        if (answer.status !== 200 || !isPage(answer.body)) return emit({ loading: false, error: failure(answer as Answer) });
        const page = answer.body;
        const next: NotificationsCache = markedRead(
          { ...cache, items: appendPage(cache.items, page.results), unread: page.unread, count: page.count, nextPage: pageOf(page.next) },
          cache.pendingRead,
          now().toISOString(),
        );
        return await store(slug, next, { loading: false, offline: false, error: null });
      } catch (error) {
        if (error instanceof Offline) return emit({ loading: false, offline: true });
        return emit({ loading: false, error });
      }
    },
    markRead: (slug, id) => mark(slug, [id]),
    markAllRead: (slug) => mark(slug, "all"),
    reset() {
      epoch++;
      inFlight.clear();
      emit({ ...EMPTY, slug: null, loaded: false, loading: false, offline: false, error: null });
    },
  };
}

function pick(state: NotificationsState): NotificationsCache {
  const { items, unread, count, nextPage, fetchedAt, pendingRead, pendingAll } = state;
  return { items, unread, count, nextPage, fetchedAt, pendingRead, pendingAll };
}

/**
 * Call `refresh` whenever the service worker tells this page a push arrived for `slug` (or
 * for no conference in particular): `{type: "notification-received", conference, …}` from
 * sw.ts. Returns the function that stops listening.
 */
export function onPushReceived(
  worker: Pick<EventTarget, "addEventListener" | "removeEventListener"> | undefined,
  slug: string,
  refresh: () => void,
): () => void {
  if (!worker) return () => undefined;
  const received = (event: Event) => {
    const data = (event as MessageEvent).data as { type?: unknown; conference?: unknown } | null;
    if (!data || data.type !== NOTIFICATION_RECEIVED) return;
    if (data.conference && data.conference !== slug) return;
    refresh();
  };
  worker.addEventListener("message", received);
  return () => worker.removeEventListener("message", received);
}

// --- the page's one store and its hook ----------------------------------------------------------

let storePromise: Promise<NotificationsStore> | null = null;

export function getNotifications(): Promise<NotificationsStore> {
  storePromise ??= getDb().then((db) => {
    const created = createNotifications({ db, api });
    onSignedOut(() => created.reset());
    return created;
  });
  return storePromise;
}

/**
 * The notifications of `slug` while `enabled` (someone is signed in): read now, again after
 * each refresher run that finished, when the page becomes visible and when the service worker
 * says a push arrived. null until the store exists.
 */
export function useNotifications(slug: string | null, enabled: boolean): NotificationsState | null {
  const [state, setState] = useState<NotificationsState | null>(null);
  useEffect(() => {
    if (!slug || !enabled) return;
    let gone = false;
    const stops: (() => void)[] = [];
    void Promise.all([getNotifications(), getRefresher()]).then(([store, refresher]) => {
      if (gone) return;
      stops.push(store.subscribe((s) => setState(s.slug === slug || s.slug === null ? s : null)));
      void store.refresh(slug);
      let syncing = refresher.state().syncing;
      stops.push(
        refresher.subscribe((run) => {
          if (syncing && !run.syncing && run.slug === slug) void store.refresh(slug);
          syncing = run.syncing;
        }),
      );
      const visible = () => document.visibilityState === "visible" && void store.refresh(slug);
      document.addEventListener("visibilitychange", visible);
      stops.push(() => document.removeEventListener("visibilitychange", visible));
      stops.push(onPushReceived(navigator.serviceWorker, slug, () => void store.refresh(slug)));
    });
    return () => {
      gone = true;
      for (const stop of stops) stop();
    };
  }, [slug, enabled]);
  return enabled ? state : null;
}
