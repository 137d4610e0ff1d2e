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
  type Kind,
  KINDS,
  type SearchDocument,
  type Sources,
  type SourcesJSON,
  TEXT_FIELDS,
  allKeys,
  buildDocument,
  emptySources,
  mergeRows,
  parseKey,
  sameDocument,
  sourcesFromJSON,
  sourcesToJSON,
  touchedKeys,
} from "./documents";
import { fuzzyFor, prefixFor, indexTerms, queryTerms } from "./text";

export { KINDS, type Bundle, type Kind } from "./documents";

/** Layout of a serialized index *and* of its terms: bump it whenever documents.ts or
 * text.ts change what is indexed, so that stored indexes are refused and rebuilt. */
export const SEARCH_INDEX_FORMAT = 1;
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
  storeFields: ["kind", "id", "title", "cancelled"],
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
  sources: Sources;
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

function documents(sources: Sources): SearchDocument[] {
  const docs: SearchDocument[] = [];
  for (const key of allKeys(sources)) {
    const doc = buildDocument(sources, ...parseKey(key));
    if (doc) docs.push(doc);
  }
  return docs;
}

/** Index a full bundle (`"full": true`). */
export function buildIndex(bundle: Bundle): SearchIndex {
  checkBundle(bundle);
  if (!bundle.full) throw new SearchIndexError("An index is built from a full bundle, not a delta.");
  const sources = emptySources();
  mergeRows(sources, bundle);
  const engine = new MiniSearch<SearchDocument>(OPTIONS);
  engine.addAll(documents(sources));
  return { conference: bundle.conference.id, version: bundle.version, engine, sources };
}

/**
 * Bring the index to `delta.version`, changing only the documents whose text changed (a
 * delta that only moves times changes nothing). A delta (`full: false`) upserts its rows;
 * a full bundle replaces everything, discarding the documents of rows it no longer has.
 *
 * Throws SearchIndexError for another conference, an unknown bundle format, or a delta
 * that starts after the index's version (rows would be missing: rebuild from a full
 * bundle). A delta the index is already past is ignored.
 */
export function applyDelta(index: SearchIndex, delta: Bundle): DeltaResult {
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
  }

  const before = index.sources;
  let after: Sources;
  let keys: Set<string>;
  if (delta.full) {
    after = emptySources();
    mergeRows(after, delta);
    keys = new Set([...allKeys(before), ...allKeys(after)]);
  } else {
    keys = touchedKeys(before, delta);
    after = before;
  }
  const old = new Map<string, SearchDocument | null>();
  for (const key of keys) old.set(key, buildDocument(before, ...parseKey(key)));
  if (!delta.full) mergeRows(after, delta);

  const { engine } = index;
  for (const [key, was] of old) {
    const now = buildDocument(after, ...parseKey(key));
    if (now === null) {
      if (engine.has(key)) {
        engine.discard(key);
        result.discarded.push(key);
      }
    } else if (!engine.has(key)) {
      engine.add(now);
      result.added.push(key);
    } else if (was === null || !sameDocument(was, now)) {
      engine.replace(now);
      result.replaced.push(key);
    }
  }
  index.sources = after;
  index.version = delta.version;
  return result;
}

const KIND_ORDER = new Map<unknown, number>(KINDS.map((kind, i) => [kind, i]));

function tieBreak(a: SearchResult, b: SearchResult): number {
  return (KIND_ORDER.get(a["kind"]) ?? 0) - (KIND_ORDER.get(b["kind"]) ?? 0) || (a["id"] as number) - (b["id"] as number);
}

/** MiniSearch sorts by score only; order each run of equal scores by kind, then id, so
 * results do not depend on insertion order (a loaded or delta-updated index). Linear but
 * for the runs themselves. */
function breakTies(results: SearchResult[]): void {
  for (let start = 0; start < results.length; ) {
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
  return {
    kind: result["kind"] as Kind,
    id: result["id"] as number,
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
  const filter = kinds ? { filter: (result: SearchResult) => kinds.has(result["kind"]) } : {};
  let results = index.engine.search(query, { ...filter, fuzzy: false });
  if (results.length === 0) results = index.engine.search(query, filter);
  breakTies(results);
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
  sources: SourcesJSON;
  engine: ReturnType<Engine["toJSON"]>;
}

/** The index as one JSON string (MiniSearch's own JSON plus the rows deltas need). */
export function serialize(index: SearchIndex): string {
  const data: Serialized = {
    format: SEARCH_INDEX_FORMAT,
    conference: index.conference,
    version: index.version,
    sources: sourcesToJSON(index.sources),
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
    sources: sourcesFromJSON(data.sources),
  };
}
