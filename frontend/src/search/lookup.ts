/**
 * Where `applyDelta` reads the rows a delta does not carry (the index keeps no copy of them).
 *
 * The app's lookup reads the conference's rows from IndexedDB through db/ (`dbLookup`); tests
 * and callers that hold a whole bundle use `bundleLookup`. Rows may be read before or after
 * db/ stores the delta: the delta's own rows always win over the lookup's.
 */

import type { BoardwalkDb } from "../db/schema";
import type { Bundle } from "./documents";

/** The collections a lookup is asked for (rooms and tracks come whole with every delta). */
export type LookupCollection = "people" | "papers" | "sessions" | "orals" | "posters" | "booths" | "meals";
export type LookupRow<K extends LookupCollection> = Bundle[K][number];

export interface RowLookup {
  /** The rows of `collection` with these ids, in any order; ids it does not have are left out. */
  rows<K extends LookupCollection>(collection: K, ids: readonly number[]): Promise<LookupRow<K>[]> | LookupRow<K>[];
}

/** A lookup over a bundle held in memory (a full bundle, or one with deltas merged in). */
export function bundleLookup(bundle: Pick<Bundle, LookupCollection>): RowLookup {
  const byId = new Map<LookupCollection, Map<number, unknown>>();
  return {
    rows<K extends LookupCollection>(collection: K, ids: readonly number[]): LookupRow<K>[] {
      let rows = byId.get(collection);
      if (!rows) {
        rows = new Map((bundle[collection] as LookupRow<K>[]).map((row) => [row.id, row]));
        byId.set(collection, rows);
      }
      const found: LookupRow<K>[] = [];
      for (const id of ids) {
        const row = rows.get(id) as LookupRow<K> | undefined;
        if (row) found.push(row);
      }
      return found;
    },
  };
}

/** A lookup over the rows db/ stores for conference `conf` (one read-only transaction per call). */
export function dbLookup(db: BoardwalkDb, conf: string): RowLookup {
  return {
    async rows<K extends LookupCollection>(collection: K, ids: readonly number[]): Promise<LookupRow<K>[]> {
      if (ids.length === 0) return [];
      const store = db.transaction(collection).store;
      const rows = await Promise.all(ids.map((id) => store.get([conf, id])));
      return rows.filter((row) => row !== undefined) as unknown as LookupRow<K>[];
    },
  };
}
