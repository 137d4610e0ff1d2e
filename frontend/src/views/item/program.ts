/**
 * The stored program as the Schedule and the item screens follow it: the bundle's meta (the
 * conference, its zone, "updated at") and the room and track names, from IndexedDB. When
 * online, the program is brought up to date in the background (a `?since=` delta) and the
 * screen re-reads; offline, what is stored stands.
 *
 *   const program = useProgram(slug);   // { status: "loading" | "missing" | "ready", … }
 *   itemHref(slug, "poster", 12)       // "/conferences/<slug>/posters/12"
 */

import { useEffect, useState } from "preact/hooks";

import { ApiError } from "../../api/client";
import { getDb, openConference, useProgramVersion } from "../../app/runtime";
import { bundleMetaGet, bundleRows, type BundleMeta, type BundleRows } from "../../db";
import type { Kind } from "../../search/documents";

export interface Program {
  meta: BundleMeta;
  rooms: Map<number, BundleRows["rooms"]>;
  tracks: Map<number, BundleRows["tracks"]>;
}

export type ProgramState =
  | { status: "loading" }
  | { status: "missing"; error: unknown }
  /** `error`: the last refresh failed (offline): the stored program is shown with its date. */
  | ({ status: "ready"; error: unknown } & Program);

async function readProgram(slug: string): Promise<Program | null> {
  const db = await getDb();
  const meta = await bundleMetaGet(db, slug);
  if (!meta) return null;
  const [rooms, tracks] = await Promise.all([bundleRows(db, "rooms", slug), bundleRows(db, "tracks", slug)]);
  return {
    meta,
    rooms: new Map(rooms.map((room) => [room.id, room])),
    tracks: new Map(tracks.map((track) => [track.id, track])),
  };
}

/**
 * The stored program, then (online) refreshed once per mount. `refresh: false` (item pages)
 * only downloads it when nothing is stored yet (a link opened on a fresh device).
 */
export function useProgram(slug: string, { refresh = true }: { refresh?: boolean } = {}): ProgramState {
  const [state, setState] = useState<ProgramState>({ status: "loading" });
  useEffect(() => {
    let gone = false;
    const show = (program: Program | null, error: unknown) => {
      if (gone) return;
      if (program) setState({ status: "ready", error, ...program });
      else setState({ status: "missing", error });
    };
    void (async () => {
      const stored = await readProgram(slug).catch(() => null);
      if (stored) show(stored, null);
      if (stored && !refresh) return;
      if (!navigator.onLine) {
        if (!stored) show(null, new ApiError("network", "offline"));
        return;
      }
      try {
        await openConference(slug);
        show(await readProgram(slug), null);
      } catch (error) {
        show(stored ?? (await readProgram(slug).catch(() => null)), error);
      }
    })();
    return () => {
      gone = true;
    };
  }, [slug, refresh]);
  useDeltas(slug, setState);
  return state;
}

/**
 * Read the stored program again when the refresher stored a delta (app/README.md), so an open
 * item page shows a moved item at its new time without a reload.
 */
function useDeltas(slug: string, setState: (update: (state: ProgramState) => ProgramState) => void): void {
  const version = useProgramVersion(slug);
  useEffect(() => {
    if (version == null) return;
    let gone = false;
    void readProgram(slug)
      .catch(() => null)
      .then((program) => {
        if (gone || !program) return;
        setState((state) => (state.status === "ready" && state.meta.version === program.meta.version ? state : { status: "ready", error: state.status === "ready" ? state.error : null, ...program }));
      });
    return () => {
      gone = true;
    };
  }, [slug, version]);
}

const COLLECTION_PATH: Record<Kind, string> = {
  session: "sessions",
  oral: "orals",
  paper: "papers",
  poster: "posters",
  booth: "booths",
  meal: "meals",
};

/** The detail page of an item (the routes in app.tsx). */
export function itemHref(slug: string, kind: Kind, id: number): string {
  return `/conferences/${encodeURIComponent(slug)}/${COLLECTION_PATH[kind]}/${id}`;
}

/** The schedule URL last shown in this page (its day, filters and search), per conference. */
const lastSchedule = new Map<string, string>();

export function rememberSchedule(slug: string, url: string): void {
  lastSchedule.set(slug, url);
}

/** The schedule as the user left it in this page (filters kept), else its first view. */
export function scheduleHref(slug: string): string {
  return lastSchedule.get(slug) ?? `/conferences/${encodeURIComponent(slug)}/schedule`;
}
