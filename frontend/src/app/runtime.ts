/**
 * The page's shared things, created once and lazily: the IndexedDB connection, the outbox
 * (started: replays now and on `online`), who is signed in, the last-used conference, and
 * the hooks screens use to follow them.
 *
 *   const db = await getDb();                  // db/ accessors take it
 *   const outbox = await getOutbox();          // saves, replay({ force: true })
 *   const [me, setMe] = useMe();               // undefined while unknown, null signed out
 *   const online = useOnline();
 *   const state = useOutboxState();            // pending / failed / replaying …
 *   await openConference(slug);                // refresh its program + last conference
 *   const version = useProgramVersion(slug);   // re-read IndexedDB when this changes
 *   const refresh = useRefreshState();          // syncing / error / checkedAt / mine
 *   await signOutHere();                       // server sign-out, then forget my data here
 *   useServerLanguage(slug);                   // my messages' language follows the switch
 *
 * The refresher (refresher.ts) keeps the open conference current; see app/README.md.
 */

import { useEffect, useState } from "preact/hooks";

import { api } from "../api/client";
import { bundleMetaGet, metaDelete, metaGet, metaSet, openDb, personalClear, type BoardwalkDb, type BundleBody } from "../db";
import { syncBundle } from "../sync/bundle";
import { createOutbox, SYNC_TAG, type Outbox, type OutboxState } from "../sync/outbox";
import { chosenLanguage, languageStorage } from "../i18n";
import { watchServerLanguage } from "./language";
import { createRefresher, type Refresher, type RefreshState } from "./refresher";
import { fetchMe, signOut, type Me } from "./session";

export const LAST_CONFERENCE = "lastConference";
const ME = "me";

let dbPromise: Promise<BoardwalkDb> | null = null;
let outboxPromise: Promise<Outbox> | null = null;
let refresherPromise: Promise<Refresher> | null = null;

export function getDb(): Promise<BoardwalkDb> {
  dbPromise ??= openDb({
    onVersionChange: () => {
      // Another tab upgraded the database: this one must reload to keep working.
      dbPromise = null;
      window.location.reload();
    },
  });
  return dbPromise;
}

function registerSync(): Promise<void> {
  if (!("serviceWorker" in navigator) || !("SyncManager" in window)) return Promise.resolve();
  return navigator.serviceWorker.ready.then((reg) =>
    (reg as ServiceWorkerRegistration & { sync: { register(tag: string): Promise<void> } }).sync.register(SYNC_TAG),
  );
}

export function getOutbox(): Promise<Outbox> {
  outboxPromise ??= getDb().then((db) => {
    const outbox = createOutbox({ db, api, registerSync });
    outbox.start(window);
    return outbox;
  });
  return outboxPromise;
}

export function getRefresher(): Promise<Refresher> {
  refresherPromise ??= getDb().then((db) =>
    createRefresher({
      db,
      api,
      signedIn: () => Boolean(me),
      // The search index follows every program change it is told of (see followInSearch).
      sync: (db, api, slug) => syncBundle(db, api, slug, { onApplied: (body) => void followInSearch(slug, body) }),
    }),
  );
  return refresherPromise;
}

/** Pick a conference: remember it and bring its program (and my data) into IndexedDB.
 * Throws the refresher's error (ApiError) when nothing could be stored. */
export async function openConference(slug: string): Promise<RefreshState> {
  const db = await getDb();
  await metaSet(db, LAST_CONFERENCE, slug);
  void getOutbox();
  const state = await (await getRefresher()).refresh(slug);
  if (state.error !== null && state.version === null) throw state.error;
  return state;
}

/**
 * Keep the stored search index at the program's version (lazily: search is its own chunk).
 * After a full download the index is built at once, in the worker, so that the first search
 * (perhaps offline) loads it instead of waiting seconds for a build.
 */
async function followInSearch(slug: string, body: BundleBody): Promise<void> {
  const { getSearch, searchAfterSync } = await import("../search/session");
  await searchAfterSync(slug, body);
  if (body.full) await getSearch(slug).catch(() => undefined);
}

export async function lastConference(): Promise<string | undefined> {
  return metaGet<string>(await getDb(), LAST_CONFERENCE);
}

// --- who is signed in ------------------------------------------------------------------------

type MeState = Me | null | undefined;
let me: MeState = undefined;
const meListeners = new Set<(value: MeState) => void>();

export function setMe(value: Me | null): void {
  me = value;
  for (const listener of meListeners) listener(value);
  void getDb().then((db) => (value ? metaSet(db, ME, value) : metaDelete(db, ME)));
}

let meLoading: Promise<void> | null = null;

function announce(value: Me | null): void {
  me = value;
  for (const listener of meListeners) listener(value);
}

/**
 * The account signed in through this app is kept in IndexedDB. With none stored, nobody is
 * signed in (asking `me` would only get a 403, which the browser logs as an error); with one,
 * the server is asked when online (the session may have ended), and offline it stands.
 */
function loadMe(): Promise<void> {
  meLoading ??= (async () => {
    const stored = await metaGet<Me>(await getDb(), ME).catch(() => undefined);
    if (!stored || !navigator.onLine) return announce(stored ?? null);
    try {
      setMe(await fetchMe(api));
    } catch {
      announce(stored);
    }
  })();
  return meLoading;
}

/** undefined while not yet known; null when signed out. */
export function useMe(): MeState {
  const [value, setValue] = useState<MeState>(me);
  useEffect(() => {
    meListeners.add(setValue);
    if (me === undefined) void loadMe();
    else setValue(me);
    return () => void meListeners.delete(setValue);
  }, []);
  return value;
}

/** Signed in inside a conference: the server's language for my messages follows the language
 * switch (app/language.ts), now, on `online` and on each pick. */
export function useServerLanguage(slug: string | null): void {
  const me = useMe();
  const userId = me ? me.id : null;
  useEffect(() => {
    if (!slug || userId === null) return;
    return watchServerLanguage({ api, slug, userId, storage: languageStorage(), chosen: chosenLanguage, target: window });
  }, [slug, userId]);
}

// --- network and outbox ----------------------------------------------------------------------

export function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const up = () => setOnline(true);
    const down = () => setOnline(false);
    window.addEventListener("online", up);
    window.addEventListener("offline", down);
    return () => {
      window.removeEventListener("online", up);
      window.removeEventListener("offline", down);
    };
  }, []);
  return online;
}

export function useOutboxState(): [OutboxState | null, Outbox | null] {
  const [state, setState] = useState<OutboxState | null>(null);
  const [outbox, setOutbox] = useState<Outbox | null>(null);
  useEffect(() => {
    let stop: (() => void) | null = null;
    let gone = false;
    void getOutbox().then((o) => {
      if (gone) return;
      setOutbox(o);
      stop = o.subscribe(setState);
    });
    return () => {
      gone = true;
      stop?.();
    };
  }, []);
  return [state, outbox];
}

// --- the open conference: refresher and program version ----------------------------------------

/** Keep `slug`'s program and my data current while mounted (the shell calls it once). */
export function useConferenceRefresh(slug: string | null): void {
  useEffect(() => {
    if (!slug) return;
    let stop: (() => void) | null = null;
    let gone = false;
    // Who is signed in decides whether my data is pulled: know it before the first run.
    void Promise.all([getRefresher(), getOutbox(), loadMe()]).then(([refresher, outbox]) => {
      if (!gone) stop = refresher.watch(slug, { window, document, outbox });
    });
    return () => {
      gone = true;
      stop?.();
    };
  }, [slug]);
}

export function useRefreshState(): RefreshState | null {
  const [state, setState] = useState<RefreshState | null>(null);
  useEffect(() => {
    let stop: (() => void) | null = null;
    let gone = false;
    void getRefresher().then((refresher) => {
      if (!gone) stop = refresher.subscribe(setState);
    });
    return () => {
      gone = true;
      stop?.();
    };
  }, []);
  return state;
}

/**
 * The version of `slug`'s program stored in IndexedDB: undefined while it is being read, null
 * when none is stored yet. It changes when a refresh stored a delta (or the first bundle):
 * put it in the dependencies of the effect that reads the program, and an open screen shows a
 * moved item at its new time without a reload.
 */
export function useProgramVersion(slug: string): number | null | undefined {
  const [version, setVersion] = useState<number | null | undefined>(undefined);
  useEffect(() => {
    let gone = false;
    let stop: (() => void) | null = null;
    setVersion(undefined);
    void (async () => {
      const meta = await bundleMetaGet(await getDb(), slug);
      if (gone) return;
      setVersion((v) => (v === undefined ? (meta?.version ?? null) : v));
      const refresher = await getRefresher();
      if (gone) return;
      stop = refresher.subscribe((state) => {
        if (state.slug === slug && state.version !== null) setVersion(state.version);
      });
    })();
    return () => {
      gone = true;
      stop?.();
    };
  }, [slug]);
  return version;
}

/**
 * Sign out on the server, then forget this account here (plan, logbook, photos, outbox,
 * conflicts, pull cursors: a shared phone's next user must not see them). The program stays.
 * Offline the server call throws (ApiError network) and nothing is cleared.
 */
export async function signOutHere(): Promise<void> {
  await signOut(api);
  const db = await getDb();
  await personalClear(db);
  setMe(null);
  await (await getOutbox()).refresh();
  for (const listener of signOutListeners) listener();
}

const signOutListeners = new Set<() => void>();

/** Called after signOutHere cleared this account's data (e.g. to re-read a plan). */
export function onSignedOut(listener: () => void): () => void {
  signOutListeners.add(listener);
  return () => void signOutListeners.delete(listener);
}
