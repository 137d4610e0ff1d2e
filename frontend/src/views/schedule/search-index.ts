/**
 * The Schedule's search: one search worker per page (search/client.ts), its index loaded from
 * the copy kept in IndexedDB when that copy is at the stored bundle's version, otherwise built
 * in the worker from the stored bundle and kept for the next start. Nothing here blocks the
 * schedule: the screen renders from IndexedDB and shows "preparing search…" until `ready`.
 *
 *   const search = await searchIndex(slug);          // built or loaded once per page and version
 *   const hits = await search.search("levi 042", { limit: 50 });
 *   const shown = await describeHits(db, slug, hits); // board, room, time of each hit
 */

import { getDb } from "../../app/runtime";
import {
  BUNDLE_COLLECTIONS,
  bundleMetaGet,
  bundleRow,
  bundleRows,
  metaGet,
  metaSet,
  type BoardwalkDb,
  type BundleCollection,
  type BundleMeta,
} from "../../db";
import { createSearchWorker, SearchWorkerError, type SearchClient } from "../../search/client";
import type { Bundle, Kind } from "../../search/documents";
import type { SearchHit } from "../../search/index";

/** The meta key of a conference's serialized index (with the bundle version it was built at). */
export const searchIndexKey = (conf: string): string => `searchIndex:${conf}`;

export interface StoredIndex {
  version: number;
  text: string;
}

/** A full bundle rebuilt from the rows db/ holds (the worker's `build` takes a bundle). */
export async function storedBundle(db: BoardwalkDb, conf: string, meta: BundleMeta): Promise<Bundle> {
  const collections = await Promise.all(BUNDLE_COLLECTIONS.map((name) => bundleRows(db, name, conf)));
  const rows = Object.fromEntries(BUNDLE_COLLECTIONS.map((name, i) => [name, collections[i]])) as unknown as Pick<Bundle, BundleCollection>;
  return { ...rows, format: meta.format, version: meta.version, since: null, full: true, conference: meta.conference };
}

/**
 * Bring `client`'s index to the stored bundle: load the kept copy if it is at that version
 * (and the worker still reads its format), else build from the stored rows and keep the result.
 */
export async function prepareIndex(client: SearchClient, db: BoardwalkDb, conf: string): Promise<number> {
  const meta = await bundleMetaGet(db, conf);
  if (!meta) throw new Error(`No stored program for ${conf}`);
  const kept = await metaGet<StoredIndex>(db, searchIndexKey(conf));
  if (kept?.version === meta.version) {
    try {
      await client.load(kept.text);
      return meta.version;
    } catch (error) {
      // A copy from an older index format: rebuild it below.
      if (!(error instanceof SearchWorkerError && error.name === "SearchIndexError")) throw error;
    }
  }
  const built = await client.build(await storedBundle(db, conf, meta));
  await metaSet(db, searchIndexKey(conf), { version: built.version, text: await client.serialize() } satisfies StoredIndex);
  return built.version;
}

let worker: SearchClient | null = null;
let prepared: { conf: string; version: number; ready: Promise<SearchClient> } | null = null;

/** The page's search worker with its index at the stored bundle's version (re-prepared when that moves). */
export async function searchIndex(conf: string): Promise<SearchClient> {
  const db = await getDb();
  const version = (await bundleMetaGet(db, conf))?.version ?? -1;
  if (prepared?.conf === conf && prepared.version === version) return prepared.ready;
  worker ??= createSearchWorker();
  const client = worker;
  const ready = prepareIndex(client, db, conf).then(() => client);
  prepared = { conf, version, ready };
  ready.catch(() => {
    // Let the next call try again rather than keep a failure for the page's life.
    if (prepared?.ready === ready) prepared = null;
  });
  return ready;
}

/** What a result shows besides its title: board, room, times, the session it belongs to. */
export interface HitDetail {
  hit: SearchHit;
  board?: string | undefined;
  number?: string | undefined;
  room?: number | undefined;
  start?: string | undefined;
  end?: string | undefined;
  /** A paper's first authors. */
  authors?: string[];
}

/** A paper result names its first authors (its posters and talks name their board and time). */
const PAPER_AUTHORS_SHOWN = 3;

/** Read the rows a hit's line needs (one or two gets per hit: only the hits shown). */
async function describeHit(db: BoardwalkDb, conf: string, hit: SearchHit): Promise<HitDetail> {
  const session = (id: number) => bundleRow(db, "sessions", conf, id);
  switch (hit.kind) {
    case "session":
    case "meal": {
      const row = await bundleRow(db, hit.kind === "session" ? "sessions" : "meals", conf, hit.id);
      return { hit, room: row?.room, start: row?.start, end: row?.end };
    }
    case "poster": {
      const row = await bundleRow(db, "posters", conf, hit.id);
      const s = row ? await session(row.session) : undefined;
      return { hit, board: row?.board, room: s?.room, start: s?.start, end: s?.end };
    }
    case "oral": {
      const row = await bundleRow(db, "orals", conf, hit.id);
      const s = row ? await session(row.session) : undefined;
      return { hit, room: s?.room, start: row?.start, end: row?.end };
    }
    case "booth": {
      const row = await bundleRow(db, "booths", conf, hit.id);
      return { hit, number: row?.number, room: row?.room };
    }
    case "paper": {
      const row = await bundleRow(db, "papers", conf, hit.id);
      const people = await Promise.all((row?.authors ?? []).slice(0, PAPER_AUTHORS_SHOWN).map((id) => bundleRow(db, "people", conf, id)));
      return { hit, authors: people.flatMap((person) => (person ? [person.name] : [])) };
    }
  }
}

export function describeHits(db: BoardwalkDb, conf: string, hits: readonly SearchHit[]): Promise<HitDetail[]> {
  return Promise.all(hits.map((hit) => describeHit(db, conf, hit)));
}

/** Hits grouped by kind in a fixed order (session, oral, paper, poster, booth, meal), empty kinds left out. */
export function groupDetails(details: readonly HitDetail[], order: readonly Kind[]): { kind: Kind; items: HitDetail[] }[] {
  return order
    .map((kind) => ({ kind, items: details.filter((d) => d.hit.kind === kind) }))
    .filter((group) => group.items.length > 0);
}
