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
 *   await openConference(slug);                // syncBundle + last conference
 */

import { useEffect, useState } from "preact/hooks";

import { api } from "../api/client";
import { metaDelete, metaGet, metaSet, openDb, type BoardwalkDb, type BundleBody } from "../db";
import { syncBundle, type BundleSyncResult } from "../sync/bundle";
import { createOutbox, SYNC_TAG, type Outbox, type OutboxState } from "../sync/outbox";
import { fetchMe, type Me } from "./session";

export const LAST_CONFERENCE = "lastConference";
const ME = "me";

let dbPromise: Promise<BoardwalkDb> | null = null;
let outboxPromise: Promise<Outbox> | null = null;

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

/** Pick a conference: remember it and bring its program into IndexedDB. */
export async function openConference(slug: string): Promise<BundleSyncResult> {
  const db = await getDb();
  await metaSet(db, LAST_CONFERENCE, slug);
  void getOutbox();
  return syncBundle(db, api, slug, { onApplied: (body) => void followInSearch(slug, body) });
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
