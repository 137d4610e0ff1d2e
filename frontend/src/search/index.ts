/**
 * Offline full-text search over a conference bundle (MiniSearch). See README.md here.
 *
 *     const index = buildIndex(bundle);           // full bundle from api/
 *     applyDelta(index, delta);                   // each ?since= delta, in order
 *     search(index, "트랜스포머", { kinds: ["poster"], limit: 50 });
 *     const text = serialize(index);              // store in IndexedDB (through db/)
 *     const again = deserialize(text);            // offline start: no rebuild
 */

import MiniSearch, { type Options, type SearchResult } from "minisearch";

import {
  type Bundle,
  type DocInfo,
  type Kind,
  KINDS,
  KIND_OF,
  ROW_COLLECTIONS,
  type SearchDocument,
  type Sources,
  TEXT_FIELDS,
  allKeys,
  describe,
  emptySources,
  mergeRows,
  parseKey,
  putRows,
} from "./documents";
import type { LookupCollection, RowLookup } from "./lookup";
import { fuzzyFor, prefixFor, indexTerms, queryTerms } from "./text";

export { KINDS, type Bundle, type Kind } from "./documents";
export { bundleLookup, dbLookup, type LookupCollection, type LookupRow, type RowLookup } from "./lookup";

/** Layout of a serialized index *and* of its terms: bump it whenever documents.ts or
 * text.ts change what is indexed, so that stored indexes are refused and rebuilt. */
export const SEARCH_INDEX_FORMAT = 2;
/** The bundle layout this module reads (planner/bundle.py BUNDLE_FORMAT). */
export const BUNDLE_FORMAT = 1;

/** Field weights: a title match outranks an author match, then keywords, then abstract. */
export const BOOST: Record<(typeof TEXT_FIELDS)[number], number> = {
  title: 5,
  authors: 3,
  codes: 3,
  keywords: 2,
  abstract: 1,
};
/** Cancelled items stay findable (plans point at them) but rank below live ones. */
export const CANCELLED_FACTOR = 0.5;
/** At most this many words of a query count. */
export const MAX_QUERY_TERMS = 10;

type Engine = MiniSearch<SearchDocument>;

const identity = (term: string) => term;

const OPTIONS: Options<SearchDocument> = {
  idField: "key",
  fields: [...TEXT_FIELDS],
  // Kind and id come from the key; `cancelled` is stored only when true.
  storeFields: ["title", "cancelled"],
  extractField: (doc, field) =>
    field === "cancelled" ? (doc.cancelled ? true : undefined) : (doc[field as keyof SearchDocument] as string),
  tokenize: (text, field) => indexTerms(text, field),
  processTerm: identity,
  searchOptions: {
    tokenize: (query) => queryTerms(query).slice(0, MAX_QUERY_TERMS),
    processTerm: identity,
    boost: BOOST,
    prefix: prefixFor,
    fuzzy: fuzzyFor,
    maxFuzzy: 2,
    // Every word must match (in any field), like the server's paper search.
    combineWith: "AND",
    boostDocument: (_id, _term, stored) => (stored?.["cancelled"] === true ? CANCELLED_FACTOR : 1),
  },
};

/** A built index. Treat as opaque: read `conference`, `version` and `size`; change it only
 * through `applyDelta`. */
export interface SearchIndex {
  readonly conference: number;
  /** The bundle version the index is at; ask the server for `?since=<version>`. */
  version: number;
  engine: Engine;
  /** Per document key: what it shows of other rows and a fingerprint of its text. */
  docs: Map<string, DocInfo>;
  /** Room and track names (every bundle and delta lists them all). */
  rooms: Map<number, string>;
  tracks: Map<number, string>;
}

export interface SearchHit {
  kind: Kind;
  id: number;
  title: string;
  score: number;
  cancelled: boolean;
  /** Index terms that matched, sorted, for highlighting (folded: lowercase, no diacritics). */
  terms: string[];
}

export interface SearchOptions {
  /** Only these kinds (default: all). */
  kinds?: readonly Kind[];
  /** At most this many hits, best first (default: all). */
  limit?: number;
}

export interface DeltaResult {
  added: string[];
  replaced: string[];
  discarded: string[];
}

export class SearchIndexError extends Error {
  override name = "SearchIndexError";
}

function checkBundle(bundle: Bundle): void {
  if (bundle.format !== BUNDLE_FORMAT) {
    throw new SearchIndexError(`Bundle format ${bundle.format} is not ${BUNDLE_FORMAT}.`);
  }
}

/** Index a full bundle (`"full": true`). */
export function buildIndex(bundle: Bundle): SearchIndex {
  checkBundle(bundle);
  if (!bundle.full) throw new SearchIndexError("An index is built from a full bundle, not a delta.");
  const sources = emptySources();
  mergeRows(sources, bundle);
  const engine = new MiniSearch<SearchDocument>(OPTIONS);
  const docs = new Map<string, DocInfo>();
  const batch: SearchDocument[] = [];
  for (const key of allKeys(sources)) {
    const described = describe(sources, ...parseKey(key));
    if (!described) continue;
    batch.push(described.doc);
    docs.set(key, described.info);
  }
  engine.addAll(batch);
  return { conference: bundle.conference.id, version: bundle.version, engine, docs, rooms: sources.rooms, tracks: sources.tracks };
}

const meets = (ids: readonly number[] | undefined, set: Set<number>) =>
  ids !== undefined && set.size > 0 && ids.some((id) => set.has(id));
const within = (id: number | undefined, set: Set<number>) => id !== undefined && set.has(id);

function changedNames(before: Map<number, string>, after: readonly { id: number; name: string }[]): Set<number> {
  const changed = new Set<number>();
  for (const { id, name } of after) if (before.get(id) !== name) changed.add(id);
  const listed = new Set(after.map((row) => row.id));
  for (const id of before.keys()) if (!listed.has(id)) changed.add(id);
  return changed;
}

/** Keys of the documents a delta may change: its own rows, and the documents showing a
 * person, paper, room or track it lists (people and papers in a delta count as changed:
 * fingerprints tell afterwards whether a document's text really changed). */
function touchedKeys(index: SearchIndex, delta: Bundle): Set<string> {
  const keys = new Set<string>();
  for (const collection of ROW_COLLECTIONS) {
    for (const row of delta[collection]) keys.add(`${KIND_OF[collection]}:${row.id}`);
  }
  const people = new Set(delta.people.map((person) => person.id));
  const rooms = changedNames(index.rooms, delta.rooms);
  const tracks = changedNames(index.tracks, delta.tracks);
  const papers = new Set(delta.papers.map((paper) => paper.id));
  if (people.size > 0) {
    for (const [key, info] of index.docs) {
      if (key.startsWith("paper:") && meets(info.people, people)) {
        keys.add(key);
        papers.add(parseKey(key)[1]);
      }
    }
  }
  if (people.size + papers.size + rooms.size + tracks.size > 0) {
    for (const [key, info] of index.docs) {
      if (
        meets(info.people, people) ||
        within(info.paper, papers) ||
        within(info.room, rooms) ||
        within(info.track, tracks)
      ) {
        keys.add(key);
      }
    }
  }
  return keys;
}

const COLLECTION_OF = Object.fromEntries(ROW_COLLECTIONS.map((collection) => [KIND_OF[collection], collection])) as Record<
  Kind,
  (typeof ROW_COLLECTIONS)[number]
>;

/** `sources` holds the delta's rows; add, through the lookup, what the documents of `keys`
 * need besides: their own rows, then the papers of posters and orals, then the people. */
async function readRows(sources: Sources, keys: Iterable<string>, lookup: RowLookup): Promise<void> {
  const wanted = new Map<LookupCollection, Set<number>>();
  const want = (collection: LookupCollection, id: number | null | undefined) => {
    if (id === null || id === undefined) return;
    const have = sources[collection] as Map<number, unknown>;
    if (have.has(id)) return;
    let set = wanted.get(collection);
    if (!set) wanted.set(collection, (set = new Set()));
    set.add(id);
  };
  const fetch = async () => {
    const batches = [...wanted].map(async ([collection, ids]) => {
      const rows = await lookup.rows(collection, [...ids]);
      if (collection === "people") {
        for (const row of rows as Bundle["people"]) sources.people.set(row.id, row.name);
      } else {
        putRows(sources, collection, rows as Bundle[typeof collection]);
      }
    });
    wanted.clear();
    await Promise.all(batches);
  };

  for (const key of keys) {
    const [kind, id] = parseKey(key);
    want(COLLECTION_OF[kind], id);
  }
  await fetch();
  for (const row of [...sources.posters.values(), ...sources.orals.values()]) want("papers", row.paper);
  await fetch();
  for (const paper of sources.papers.values()) for (const id of paper.authors ?? []) want("people", id);
  for (const oral of sources.orals.values()) for (const id of oral.speakers ?? []) want("people", id);
  for (const session of sources.sessions.values()) {
    for (const id of [...(session.chairs ?? []), ...(session.speakers ?? [])]) want("people", id);
  }
  await fetch();
}

const queues = new WeakMap<SearchIndex, Promise<unknown>>();

/**
 * Bring the index to `delta.version`, changing only the documents whose text changed (a
 * delta that only moves times changes nothing). A delta (`full: false`) upserts its rows;
 * the rows its documents need besides (a renamed person's papers, a changed paper's posters)
 * are read through `lookup`, which a delta requires. A full bundle replaces everything,
 * discarding the documents of rows it no longer has (no lookup needed).
 *
 * Calls on one index run one after another. Rejects with SearchIndexError for another
 * conference, an unknown bundle format, or a delta that starts after the index's version
 * (rows would be missing: rebuild from a full bundle). A delta the index is already past is
 * ignored.
 */
export function applyDelta(index: SearchIndex, delta: Bundle, lookup?: RowLookup): Promise<DeltaResult> {
  const run = (queues.get(index) ?? Promise.resolve()).then(() => applyNow(index, delta, lookup));
  queues.set(
    index,
    run.catch(() => undefined),
  );
  return run;
}

async function applyNow(index: SearchIndex, delta: Bundle, lookup: RowLookup | undefined): Promise<DeltaResult> {
  checkBundle(delta);
  if (delta.conference.id !== index.conference) {
    throw new SearchIndexError(`Bundle of conference ${delta.conference.id}, index of ${index.conference}.`);
  }
  const result: DeltaResult = { added: [], replaced: [], discarded: [] };
  if (!delta.full) {
    if (delta.since === null || delta.since > index.version) {
      throw new SearchIndexError(`Delta since ${delta.since}, index at version ${index.version}.`);
    }
    if (delta.version <= index.version) return result;
    if (!lookup) throw new SearchIndexError("A delta needs a row lookup.");
  }

  const sources = emptySources();
  mergeRows(sources, delta);
  let keys: Set<string>;
  if (delta.full) {
    keys = new Set([...index.docs.keys(), ...allKeys(sources)]);
  } else {
    keys = touchedKeys(index, delta);
    await readRows(sources, keys, lookup!);
  }

  // From here on synchronous: nothing else sees a half-updated index.
  const { engine, docs } = index;
  for (const key of keys) {
    const described = describe(sources, ...parseKey(key));
    if (described === null) {
      if (engine.has(key)) {
        engine.discard(key);
        docs.delete(key);
        result.discarded.push(key);
      }
    } else if (!engine.has(key)) {
      engine.add(described.doc);
      docs.set(key, described.info);
      result.added.push(key);
    } else {
      if (docs.get(key)?.h !== described.info.h) {
        engine.replace(described.doc);
        result.replaced.push(key);
      }
      docs.set(key, described.info);
    }
  }
  index.rooms = sources.rooms;
  index.tracks = sources.tracks;
  index.version = delta.version;
  return result;
}

const KIND_ORDER = new Map<unknown, number>(KINDS.map((kind, i) => [kind, i]));

function tieBreak(a: SearchResult, b: SearchResult): number {
  const [kindA, idA] = parseKey(a.id as string);
  const [kindB, idB] = parseKey(b.id as string);
  return (KIND_ORDER.get(kindA) ?? 0) - (KIND_ORDER.get(kindB) ?? 0) || idA - idB;
}

/** MiniSearch sorts by score only; order each run of equal scores by kind, then id, so
 * results do not depend on insertion order (a loaded or delta-updated index). Only the runs
 * that reach into the first `upTo` results are ordered: a short prefix query ("ben") finds
 * thousands of items, of which a screen shows fifty. */
function breakTies(results: SearchResult[], upTo = results.length): void {
  for (let start = 0; start < Math.min(upTo, results.length); ) {
    let end = start + 1;
    while (end < results.length && results[end]!.score === results[start]!.score) end++;
    if (end - start > 1) {
      const run = results.slice(start, end).sort(tieBreak);
      for (let i = 0; i < run.length; i++) results[start + i] = run[i]!;
    }
    start = end;
  }
}

function toHit(result: SearchResult): SearchHit {
  const [kind, id] = parseKey(result.id as string);
  return {
    kind,
    id,
    title: result["title"] as string,
    score: result.score,
    cancelled: result["cancelled"] === true,
    // Sorted: MiniSearch's order depends on how its tree was built (fresh or loaded).
    terms: [...result.terms].sort(),
  };
}

/**
 * Hits for `query`, best first (equal scores: by kind in KINDS order, then id). Every word
 * must match somewhere in the item, as typed or as the start of a longer word; only when
 * that finds nothing is the query tried again forgiving typos in its longer words (fuzzy
 * matching over every word is what makes a search slow). An empty query finds nothing.
 */
export function search(index: SearchIndex, query: string, options: SearchOptions = {}): SearchHit[] {
  if (queryTerms(query).length === 0) return [];
  const kinds = options.kinds ? new Set<unknown>(options.kinds) : null;
  const filter = kinds
    ? { filter: (result: SearchResult) => kinds.has((result.id as string).slice(0, (result.id as string).indexOf(":"))) }
    : {};
  let results = index.engine.search(query, { ...filter, fuzzy: false });
  if (results.length === 0) results = index.engine.search(query, filter);
  breakTies(results, options.limit);
  if (options.limit !== undefined) results = results.slice(0, options.limit);
  return results.map(toHit);
}

/** Hits by kind, every kind present (possibly empty), each list still best first. */
export function groupByKind(hits: readonly SearchHit[]): Record<Kind, SearchHit[]> {
  const groups = Object.fromEntries(KINDS.map((kind) => [kind, [] as SearchHit[]])) as Record<Kind, SearchHit[]>;
  for (const hit of hits) groups[hit.kind].push(hit);
  return groups;
}

interface Serialized {
  format: number;
  conference: number;
  version: number;
  rooms: [number, string][];
  tracks: [number, string][];
  docs: [string, DocInfo][];
  engine: ReturnType<Engine["toJSON"]>;
}

/** The index as one JSON string: MiniSearch's own JSON (titles stored, no other text), the
 * documents' DocInfo, room and track names. */
export function serialize(index: SearchIndex): string {
  const data: Serialized = {
    format: SEARCH_INDEX_FORMAT,
    conference: index.conference,
    version: index.version,
    rooms: [...index.rooms],
    tracks: [...index.tracks],
    docs: [...index.docs],
    engine: index.engine.toJSON(),
  };
  return JSON.stringify(data);
}

/** An index from `serialize`'s text. Throws SearchIndexError for text that is not one, or
 * one of another SEARCH_INDEX_FORMAT: rebuild it from the stored bundle then. */
export function deserialize(text: string): SearchIndex {
  let data: Serialized;
  try {
    data = JSON.parse(text) as Serialized;
  } catch (error) {
    throw new SearchIndexError("Not a serialized search index.", { cause: error });
  }
  if (typeof data !== "object" || data === null || data.format !== SEARCH_INDEX_FORMAT) {
    throw new SearchIndexError(`Search index format ${String(data?.format)} is not ${SEARCH_INDEX_FORMAT}.`);
  }
  return {
    conference: data.conference,
    version: data.version,
    engine: MiniSearch.loadJS<SearchDocument>(data.engine, OPTIONS),
    docs: new Map(data.docs),
    rooms: new Map(data.rooms),
    tracks: new Map(data.tracks),
  };
}
