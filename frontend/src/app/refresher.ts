/**
 * The one refresher of the open conference: brings the program up to date (`syncBundle`, a
 * `?since=` delta) and pulls my plan and logbook written elsewhere (`pullMine`), one run at a
 * time. `watch(slug)` runs it on start, shortly after `online` (ONLINE_SETTLE_MS), when the
 * page becomes visible again, every few minutes while visible, and (mine only) after each
 * outbox replay that emptied the queue.
 * Screens follow it through the hooks in runtime.ts (`useProgramVersion`, `useRefreshState`).
 *
 * Offline it does not try (a failed fetch is a console error, and there is nothing to learn).
 */

import { ApiError, type ApiClient } from "../api/client";
import { bundleMetaGet, type BoardwalkDb } from "../db";
import { syncBundle } from "../sync/bundle";
import { afterOnline, ONLINE_SETTLE_MS, type OutboxState } from "../sync/outbox";
import { pullMine, type PullResult } from "../sync/pull";

export const REFRESH_EVERY_MS = 5 * 60_000;

export interface RefreshState {
  /** The conference last refreshed (or being refreshed). */
  slug: string | null;
  syncing: boolean;
  /** Why the last run could not finish (an ApiError for errorMessage()); null when it did. */
  error: unknown;
  /** The stored program's version and when the server last confirmed it (ISO); null: none stored. */
  version: number | null;
  checkedAt: string | null;
  /** Goes up each time a pull changed my plan or logbook on this device. */
  mine: number;
}

export interface RefreshWhat {
  program: boolean;
  mine: boolean;
}

export interface RefresherDeps {
  db: BoardwalkDb;
  api: ApiClient;
  /** Whether someone is signed in (pulling needs an account). */
  signedIn: () => boolean;
  online?: () => boolean;
  sync?: typeof syncBundle;
  pull?: (db: BoardwalkDb, api: ApiClient, conf: string) => Promise<PullResult>;
}

export interface WatchEnv {
  window: Pick<EventTarget, "addEventListener" | "removeEventListener">;
  document: Pick<Document, "addEventListener" | "removeEventListener" | "visibilityState">;
  everyMs?: number;
  /** The wait after `online` before refreshing (ONLINE_SETTLE_MS). */
  onlineSettleMs?: number;
  outbox?: { subscribe(listener: (state: OutboxState) => void): () => void };
}

export interface Refresher {
  /** Refresh `slug` (both parts unless told); a call during a run is merged into one more run. */
  refresh(slug: string, what?: Partial<RefreshWhat>): Promise<RefreshState>;
  state(): RefreshState;
  /** Called now and on every change; returns the unsubscribe function. */
  subscribe(listener: (state: RefreshState) => void): () => void;
  /** Keep `slug` current while the page is open; returns the stop function. */
  watch(slug: string, env: WatchEnv): () => void;
}

const BOTH: RefreshWhat = { program: true, mine: true };

/** A 401/403 from the personal API: signed out (the session ended); not an error to show. */
function signedOut(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 401 || error.status === 403);
}

export function createRefresher(deps: RefresherDeps): Refresher {
  const { db, api } = deps;
  const online = deps.online ?? (() => navigator.onLine);
  const sync = deps.sync ?? syncBundle;
  const pull = deps.pull ?? pullMine;
  const listeners = new Set<(state: RefreshState) => void>();
  let current: RefreshState = { slug: null, syncing: false, error: null, version: null, checkedAt: null, mine: 0 };
  let chain: Promise<unknown> = Promise.resolve();
  let queued: { slug: string; what: RefreshWhat; done: Promise<RefreshState> } | null = null;
  const errors: { slug: string | null; program: unknown; mine: unknown } = { slug: null, program: null, mine: null };

  function emit(patch: Partial<RefreshState>): RefreshState {
    current = { ...current, ...patch };
    for (const listener of listeners) listener(current);
    return current;
  }

  async function run(slug: string, what: RefreshWhat): Promise<RefreshState> {
    if (!online()) return emit({ slug, ...(await stored(slug)), error: null });
    if (slug !== errors.slug) Object.assign(errors, { slug, program: null, mine: null });
    emit({ slug, syncing: true, ...(await stored(slug)) });
    let changed = 0;
    // Each part's error stands until that part runs again (a pull after a replay does not
    // clear the program's failure).
    if (what.program) {
      errors.program = null;
      try {
        await sync(db, api, slug);
      } catch (caught) {
        errors.program = caught;
      }
    }
    if (what.mine) {
      errors.mine = null;
      try {
        if (deps.signedIn()) changed = (await pull(db, api, slug)).changed;
      } catch (caught) {
        if (!signedOut(caught)) errors.mine = caught;
      }
    }
    const error = errors.program ?? errors.mine;
    return emit({ slug, syncing: false, error, ...(await stored(slug)), mine: current.mine + (changed > 0 ? 1 : 0) });
  }

  async function stored(slug: string): Promise<Pick<RefreshState, "version" | "checkedAt">> {
    const meta = await bundleMetaGet(db, slug);
    return { version: meta?.version ?? null, checkedAt: meta?.checkedAt ?? null };
  }

  function refresh(slug: string, what: Partial<RefreshWhat> = BOTH): Promise<RefreshState> {
    const wanted: RefreshWhat = { program: what.program ?? false, mine: what.mine ?? false };
    if (queued && queued.slug === slug) {
      // Not started yet: it will do this too.
      queued.what.program ||= wanted.program;
      queued.what.mine ||= wanted.mine;
      return queued.done;
    }
    const entry = { slug, what: wanted } as NonNullable<typeof queued>;
    entry.done = chain.then(() => {
      if (queued === entry) queued = null;
      return run(entry.slug, entry.what);
    });
    queued = entry;
    chain = entry.done.catch(() => undefined);
    return entry.done;
  }

  function watch(slug: string, env: WatchEnv): () => void {
    const again = () => void refresh(slug).catch(() => undefined);
    const visible = () => env.document.visibilityState === "visible" && again();
    const timer = setInterval(() => env.document.visibilityState === "visible" && again(), env.everyMs ?? REFRESH_EVERY_MS);
    const online = afterOnline(again, env.onlineSettleMs ?? ONLINE_SETTLE_MS);
    env.window.addEventListener("online", online);
    env.document.addEventListener("visibilitychange", visible);
    // After a replay that emptied the queue, the server's copies are the ones to show.
    let replaying = false;
    const stopOutbox = env.outbox?.subscribe((state) => {
      if (replaying && !state.replaying && state.stopped === null) void refresh(slug, { mine: true }).catch(() => undefined);
      replaying = state.replaying;
    });
    again();
    return () => {
      clearInterval(timer);
      env.window.removeEventListener("online", online);
      online.cancel();
      env.document.removeEventListener("visibilitychange", visible);
      stopOutbox?.();
    };
  }

  return {
    refresh,
    state: () => current,
    subscribe(listener) {
      listeners.add(listener);
      listener(current);
      return () => listeners.delete(listener);
    },
    watch,
  };
}
