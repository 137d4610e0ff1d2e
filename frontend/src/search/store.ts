/**
 * The search index kept in IndexedDB (db/'s `meta` store), so a visit loads it instead of
 * building it: at 20,000 items a build takes seconds, loading it a fraction of that.
 *
 * One record per conference, `search:<slug>` → `{format, version, text}`: the index is
 * usable only when its `format` is this app's SEARCH_INDEX_FORMAT and its `version` is the
 * stored bundle's; otherwise it is rebuilt from the rows db/ holds. Keeping one record (not
 * one per version) means an old index is replaced, never left behind taking megabytes.
 * Runs in the search worker (worker.ts): nothing here should run on the main thread.
 */

import { BUNDLE_COLLECTIONS, bundleMetaGet, bundleRows, metaDelete, metaGet, metaSet, type BoardwalkDb } from "../db";
import type { Bundle } from "./documents";
import { SEARCH_INDEX_FORMAT, SearchIndexError, applyDelta, buildIndex, deserialize, serialize, type SearchIndex } from "./index";
import { dbLookup } from "./lookup";

export interface StoredIndex {
  format: number;
  /** The bundle version the index is at. */
  version: number;
  text: string;
}

export const storedIndexKey = (conf: string): string => `search:${conf}`;

/** How an index came to be: already in the worker's memory (an update loaded it), loaded
 * from IndexedDB, or built from the stored rows. */
export type IndexSource = "memory" | "stored" | "built";

/** The full bundle db/ holds for `conf`, rebuilt from its rows (null: none stored). */
export async function storedBundle(db: BoardwalkDb, conf: string): Promise<Bundle | null> {
  const meta = await bundleMetaGet(db, conf);
  if (!meta) return null;
  const rows = await Promise.all(BUNDLE_COLLECTIONS.map((name) => bundleRows(db, name, conf)));
  const bundle = { format: meta.format, version: meta.version, since: null, full: true, conference: meta.conference } as Bundle;
  BUNDLE_COLLECTIONS.forEach((name, i) => {
    (bundle as unknown as Record<string, unknown>)[name] = rows[i];
  });
  return bundle;
}

export async function storeIndex(db: BoardwalkDb, conf: string, index: SearchIndex): Promise<void> {
  const record: StoredIndex = { format: SEARCH_INDEX_FORMAT, version: index.version, text: serialize(index) };
  await metaSet(db, storedIndexKey(conf), record);
}

/** The stored index if it is of this format (any version), else null. */
export async function loadStoredIndex(db: BoardwalkDb, conf: string): Promise<SearchIndex | null> {
  const record = await metaGet<StoredIndex>(db, storedIndexKey(conf));
  if (!record || record.format !== SEARCH_INDEX_FORMAT) return null;
  try {
    return deserialize(record.text);
  } catch (error) {
    if (error instanceof SearchIndexError) return null;
    throw error;
  }
}

/**
 * The index for the program db/ holds for `conf`: `held` (the one in memory, for this
 * conference) or the stored one when it is at the bundle's version, else built from the
 * stored rows and stored. Throws SearchIndexError when no program is stored (open the
 * conference online first).
 */
export async function openIndex(
  db: BoardwalkDb,
  conf: string,
  held: SearchIndex | null = null,
): Promise<{ index: SearchIndex; source: IndexSource }> {
  const meta = await bundleMetaGet(db, conf);
  if (!meta) throw new SearchIndexError(`No program stored for ${conf}.`);
  if (held && held.version === meta.version && held.conference === meta.conference.id) {
    return { index: held, source: "memory" };
  }
  const stored = await loadStoredIndex(db, conf);
  if (stored && stored.version === meta.version && stored.conference === meta.conference.id) {
    return { index: stored, source: "stored" };
  }
  const bundle = await storedBundle(db, conf);
  if (!bundle) throw new SearchIndexError(`No program stored for ${conf}.`);
  const index = buildIndex(bundle);
  await storeIndex(db, conf, index);
  return { index, source: "built" };
}

export interface UpdateTimings {
  /** Milliseconds loading the stored index (0 when it was in memory), applying the body to
   * it, then serializing and storing it. */
  load: number;
  apply: number;
  store: number;
}

/**
 * Bring `index` (or, when null, the stored one) up to a bundle body db/ has just stored, and
 * store it again. A full body is indexed from scratch. Resolves null when there is nothing to
 * update (no index in memory nor stored): the next `openIndex` builds one. An index the body
 * cannot apply to (it missed a delta) is dropped from storage, and null is answered too.
 */
export async function updateIndex(
  db: BoardwalkDb,
  conf: string,
  index: SearchIndex | null,
  body: Bundle,
  now: () => number = () => performance.now(),
): Promise<{ index: SearchIndex; timings: UpdateTimings } | null> {
  const started = now();
  let target = index;
  if (!body.full) target ??= await loadStoredIndex(db, conf);
  const loaded = now();
  if (body.full) target = buildIndex(body);
  else {
    if (!target) return null;
    try {
      await applyDelta(target, body, dbLookup(db, conf));
    } catch (error) {
      if (!(error instanceof SearchIndexError)) throw error;
      await metaDelete(db, storedIndexKey(conf));
      return null;
    }
  }
  const applied = now();
  await storeIndex(db, conf, target);
  return { index: target, timings: { load: loaded - started, apply: applied - loaded, store: now() - applied } };
}
