/**
 * The stored program as the Schedule and the item screens follow it: the bundle's meta (the
 * conference, its zone, "updated at") and the room and track names, from IndexedDB. The
 * shell's refresher keeps it current (a `?since=` delta when online); the screen re-reads
 * whenever the stored version changes, so an open page shows a moved item at its new time.
 *
 *   const program = useProgram(slug);   // { status: "loading" | "missing" | "ready", … }
 *   itemHref(slug, "poster", 12)       // "/conferences/<slug>/posters/12"
 */

import { useEffect, useState } from "preact/hooks";

import { ApiError } from "../../api/client";
import { getDb, useOnline, useProgramVersion, useRefreshState } from "../../app/runtime";
import type { RefreshState } from "../../app/refresher";
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
  /** A failed refresh is the status bar's to show (with Retry): the stored program stands. */
  | ({ status: "ready" } & Program);

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
 * The stored program, re-read each time the refresher stores a new version. Nothing stored:
 * "missing" offline, or once the refresher's run for this conference failed; else loading.
 */
export function useProgram(slug: string): ProgramState {
  const version = useProgramVersion(slug);
  const refresh = useRefreshState();
  const online = useOnline();
  const [program, setProgram] = useState<Program | null>(null);
  useEffect(() => {
    if (version == null) return; // 0 is a version
    let gone = false;
    void readProgram(slug)
      .catch(() => null)
      .then((read) => {
        if (!gone) setProgram(read);
      });
    return () => {
      gone = true;
    };
  }, [slug, version]);

  return programState(slug, program, version, online, refresh);
}

/**
 * What a screen shows of `slug`'s program: the one read (not another conference's, left from
 * before a route change); with none stored, "missing" offline or once the refresher's run for
 * this conference ended without one; else loading (the refresher is still at it).
 */
export function programState(
  slug: string,
  program: Program | null,
  version: number | null | undefined,
  online: boolean,
  refresh: RefreshState | null,
): ProgramState {
  const ours = refresh !== null && refresh.slug === slug ? refresh : null;
  if (program && program.meta.conf === slug) return { status: "ready", ...program };
  if (version === null && !online) return { status: "missing", error: new ApiError("network", "offline") };
  if (version === null && ours && !ours.syncing && ours.version === null) return { status: "missing", error: ours.error };
  return { status: "loading" };
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
