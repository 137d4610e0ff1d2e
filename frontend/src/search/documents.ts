/**
 * Bundle rows → search documents, and which documents a delta touches.
 *
 * One document per searchable item (session, oral, paper, poster, booth, meal). Posters and
 * orals carry their paper's title, authors, keywords and ids, so "Levi 042" finds Levi's
 * poster on board 042. Because documents denormalise people, papers, rooms and tracks, the
 * index keeps a copy of the rows' searchable fields (`Sources`): a delta that renames a
 * person re-indexes that person's papers, posters, orals and sessions without the bundle.
 */

import type { components } from "../api/schema";

type Schemas = components["schemas"];
export type Bundle = Schemas["Bundle"];

export const KINDS = ["session", "oral", "paper", "poster", "booth", "meal"] as const;
export type Kind = (typeof KINDS)[number];

/** What MiniSearch indexes: each text field is lines joined by "\n". */
export interface SearchDocument {
  /** `${kind}:${id}`, unique across kinds. */
  key: string;
  kind: Kind;
  id: number;
  title: string;
  cancelled: boolean;
  authors: string;
  keywords: string;
  abstract: string;
  /** Boards, booth numbers, arXiv and OpenReview ids. */
  codes: string;
}

export const TEXT_FIELDS = ["title", "authors", "keywords", "abstract", "codes"] as const;

// The searchable part of each row (what the documents are built from).
type PaperSource = Pick<Schemas["BundlePaper"], "id" | "title" | "authors" | "abstract" | "keywords" | "arxiv" | "openreview">;
type SessionSource = Pick<
  Schemas["BundleSession"],
  "id" | "title" | "kind" | "room" | "track" | "description" | "chairs" | "speakers" | "cancelled"
>;
type OralSource = Pick<Schemas["BundleOral"], "id" | "paper" | "title" | "speakers" | "cancelled">;
type PosterSource = Pick<Schemas["BundlePoster"], "id" | "paper" | "title" | "board" | "cancelled">;
type BoothSource = Pick<
  Schemas["BundleBooth"],
  "id" | "exhibitor" | "number" | "room" | "tier" | "tags" | "description" | "cancelled"
>;
type MealSource = Pick<
  Schemas["BundleMeal"],
  "id" | "kind" | "title" | "room" | "dietary" | "notes" | "menu" | "cancelled"
>;

export interface Sources {
  people: Map<number, string>;
  rooms: Map<number, string>;
  tracks: Map<number, string>;
  papers: Map<number, PaperSource>;
  sessions: Map<number, SessionSource>;
  orals: Map<number, OralSource>;
  posters: Map<number, PosterSource>;
  booths: Map<number, BoothSource>;
  meals: Map<number, MealSource>;
}

/** Sources as plain JSON (maps as arrays). */
export interface SourcesJSON {
  people: [number, string][];
  rooms: [number, string][];
  tracks: [number, string][];
  papers: PaperSource[];
  sessions: SessionSource[];
  orals: OralSource[];
  posters: PosterSource[];
  booths: BoothSource[];
  meals: MealSource[];
}

const ROW_COLLECTIONS = ["papers", "sessions", "orals", "posters", "booths", "meals"] as const;
type RowCollection = (typeof ROW_COLLECTIONS)[number];
const KIND_OF: Record<RowCollection, Kind> = {
  papers: "paper",
  sessions: "session",
  orals: "oral",
  posters: "poster",
  booths: "booth",
  meals: "meal",
};

function pick<T extends object, K extends keyof T>(row: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const key of keys) if (row[key] !== undefined) out[key] = row[key];
  return out;
}

const SOURCE_FIELDS = {
  papers: ["id", "title", "authors", "abstract", "keywords", "arxiv", "openreview"],
  sessions: ["id", "title", "kind", "room", "track", "description", "chairs", "speakers", "cancelled"],
  orals: ["id", "paper", "title", "speakers", "cancelled"],
  posters: ["id", "paper", "title", "board", "cancelled"],
  booths: ["id", "exhibitor", "number", "room", "tier", "tags", "description", "cancelled"],
  meals: ["id", "kind", "title", "room", "dietary", "notes", "menu", "cancelled"],
} as const;

export function emptySources(): Sources {
  return {
    people: new Map(),
    rooms: new Map(),
    tracks: new Map(),
    papers: new Map(),
    sessions: new Map(),
    orals: new Map(),
    posters: new Map(),
    booths: new Map(),
    meals: new Map(),
  };
}

/** Upsert a bundle's (or delta's) rows into `sources`; rooms and tracks are always complete. */
export function mergeRows(sources: Sources, bundle: Bundle): void {
  for (const person of bundle.people) sources.people.set(person.id, person.name);
  sources.rooms = new Map(bundle.rooms.map((room) => [room.id, room.name]));
  sources.tracks = new Map(bundle.tracks.map((track) => [track.id, track.name]));
  for (const row of bundle.papers) sources.papers.set(row.id, pick(row, SOURCE_FIELDS.papers));
  for (const row of bundle.sessions) sources.sessions.set(row.id, pick(row, SOURCE_FIELDS.sessions));
  for (const row of bundle.orals) sources.orals.set(row.id, pick(row, SOURCE_FIELDS.orals));
  for (const row of bundle.posters) sources.posters.set(row.id, pick(row, SOURCE_FIELDS.posters));
  for (const row of bundle.booths) sources.booths.set(row.id, pick(row, SOURCE_FIELDS.booths));
  for (const row of bundle.meals) sources.meals.set(row.id, pick(row, SOURCE_FIELDS.meals));
}

export function sourcesToJSON(sources: Sources): SourcesJSON {
  return {
    people: [...sources.people],
    rooms: [...sources.rooms],
    tracks: [...sources.tracks],
    papers: [...sources.papers.values()],
    sessions: [...sources.sessions.values()],
    orals: [...sources.orals.values()],
    posters: [...sources.posters.values()],
    booths: [...sources.booths.values()],
    meals: [...sources.meals.values()],
  };
}

export function sourcesFromJSON(json: SourcesJSON): Sources {
  const byId = <T extends { id: number }>(rows: T[]) => new Map(rows.map((row) => [row.id, row]));
  return {
    people: new Map(json.people),
    rooms: new Map(json.rooms),
    tracks: new Map(json.tracks),
    papers: byId(json.papers),
    sessions: byId(json.sessions),
    orals: byId(json.orals),
    posters: byId(json.posters),
    booths: byId(json.booths),
    meals: byId(json.meals),
  };
}

export function documentKey(kind: Kind, id: number): string {
  return `${kind}:${id}`;
}

/** Every document key the sources hold. */
export function allKeys(sources: Sources): Set<string> {
  const keys = new Set<string>();
  for (const collection of ROW_COLLECTIONS) {
    for (const id of sources[collection].keys()) keys.add(documentKey(KIND_OF[collection], id));
  }
  return keys;
}

function lines(values: readonly (string | undefined | null)[]): string {
  return values.filter((value): value is string => Boolean(value)).join("\n");
}

function names(sources: Sources, ...groups: (readonly number[] | undefined)[]): string[] {
  const ids = new Set(groups.flatMap((group) => group ?? []));
  return [...ids].map((id) => sources.people.get(id) ?? "");
}

function paperParts(sources: Sources, paperId: number | undefined) {
  const paper = paperId === undefined ? undefined : sources.papers.get(paperId);
  return {
    paper,
    keywords: paper?.keywords ?? [],
    codes: [paper?.arxiv, paper?.openreview],
  };
}

/** The document for `kind:id` as the sources have it now, or null when the row is gone. */
export function buildDocument(sources: Sources, kind: Kind, id: number): SearchDocument | null {
  const base = { key: documentKey(kind, id), kind, id };
  switch (kind) {
    case "paper": {
      const paper = sources.papers.get(id);
      if (!paper) return null;
      return {
        ...base,
        title: paper.title,
        cancelled: false,
        authors: lines(names(sources, paper.authors)),
        keywords: lines(paper.keywords ?? []),
        abstract: paper.abstract ?? "",
        codes: lines([paper.arxiv, paper.openreview]),
      };
    }
    case "poster": {
      const poster = sources.posters.get(id);
      if (!poster) return null;
      const { paper, keywords, codes } = paperParts(sources, poster.paper);
      return {
        ...base,
        title: paper?.title ?? poster.title ?? "",
        cancelled: poster.cancelled === true,
        authors: lines(names(sources, paper?.authors)),
        keywords: lines(keywords),
        abstract: "",
        codes: lines([poster.board, ...codes]),
      };
    }
    case "oral": {
      const oral = sources.orals.get(id);
      if (!oral) return null;
      const { paper, keywords, codes } = paperParts(sources, oral.paper);
      return {
        ...base,
        title: paper?.title ?? oral.title ?? "",
        cancelled: oral.cancelled === true,
        authors: lines(names(sources, oral.speakers, paper?.authors)),
        keywords: lines(keywords),
        abstract: "",
        codes: lines(codes),
      };
    }
    case "session": {
      const session = sources.sessions.get(id);
      if (!session) return null;
      return {
        ...base,
        title: session.title,
        cancelled: session.cancelled === true,
        authors: lines(names(sources, session.chairs, session.speakers)),
        keywords: lines([
          session.kind,
          session.track === undefined ? "" : sources.tracks.get(session.track),
          session.room === undefined ? "" : sources.rooms.get(session.room),
        ]),
        abstract: session.description ?? "",
        codes: "",
      };
    }
    case "booth": {
      const booth = sources.booths.get(id);
      if (!booth) return null;
      return {
        ...base,
        title: booth.exhibitor,
        cancelled: booth.cancelled === true,
        authors: "",
        keywords: lines([
          booth.tier,
          ...(booth.tags ?? []),
          booth.room === undefined ? "" : sources.rooms.get(booth.room),
        ]),
        abstract: booth.description ?? "",
        codes: lines([booth.number]),
      };
    }
    case "meal": {
      const meal = sources.meals.get(id);
      if (!meal) return null;
      const menu = meal.menu ?? [];
      return {
        ...base,
        title: meal.title,
        cancelled: meal.cancelled === true,
        authors: "",
        keywords: lines([
          meal.kind,
          ...(meal.dietary ?? []),
          meal.room === undefined ? "" : sources.rooms.get(meal.room),
          ...menu.flatMap((item) => [item.name, ...(item.dietary ?? [])]),
        ]),
        abstract: lines([meal.notes, ...menu.map((item) => item.description)]),
        codes: "",
      };
    }
  }
}

export function parseKey(key: string): [Kind, number] {
  const at = key.indexOf(":");
  return [key.slice(0, at) as Kind, Number(key.slice(at + 1))];
}

function changedNames(before: Map<number, string>, after: Iterable<{ id: number; name: string }>): Set<number> {
  const changed = new Set<number>();
  for (const { id, name } of after) {
    if (before.get(id) !== name) changed.add(id);
  }
  return changed;
}

const meets = (ids: readonly number[] | undefined, set: Set<number>) =>
  ids !== undefined && set.size > 0 && ids.some((id) => set.has(id));
const within = (id: number | undefined, set: Set<number>) => id !== undefined && set.has(id);

/**
 * Keys of the documents a delta may change, judged against the sources *before* it is
 * merged: its own rows, and the documents that show a person, paper, room or track it
 * changes. Rooms and tracks missing from the delta (it always lists all) count as changed.
 */
export function touchedKeys(sources: Sources, delta: Bundle): Set<string> {
  const keys = new Set<string>();
  for (const collection of ROW_COLLECTIONS) {
    for (const row of delta[collection]) keys.add(documentKey(KIND_OF[collection], row.id));
  }
  const people = changedNames(sources.people, delta.people);
  const rooms = changedNames(sources.rooms, delta.rooms);
  const tracks = changedNames(sources.tracks, delta.tracks);
  const listedRooms = new Set(delta.rooms.map((room) => room.id));
  const listedTracks = new Set(delta.tracks.map((track) => track.id));
  for (const id of sources.rooms.keys()) if (!listedRooms.has(id)) rooms.add(id);
  for (const id of sources.tracks.keys()) if (!listedTracks.has(id)) tracks.add(id);

  const papers = new Set(delta.papers.map((paper) => paper.id));
  if (people.size > 0) {
    for (const paper of sources.papers.values()) {
      if (meets(paper.authors, people)) {
        papers.add(paper.id);
        keys.add(documentKey("paper", paper.id));
      }
    }
  }
  if (papers.size > 0 || people.size > 0) {
    for (const oral of sources.orals.values()) {
      if (within(oral.paper, papers) || meets(oral.speakers, people)) keys.add(documentKey("oral", oral.id));
    }
  }
  if (papers.size > 0) {
    for (const poster of sources.posters.values()) {
      if (within(poster.paper, papers)) keys.add(documentKey("poster", poster.id));
    }
  }
  if (people.size > 0 || rooms.size > 0 || tracks.size > 0) {
    for (const session of sources.sessions.values()) {
      if (
        meets(session.chairs, people) ||
        meets(session.speakers, people) ||
        within(session.room, rooms) ||
        within(session.track, tracks)
      ) {
        keys.add(documentKey("session", session.id));
      }
    }
  }
  if (rooms.size > 0) {
    for (const booth of sources.booths.values()) if (within(booth.room, rooms)) keys.add(documentKey("booth", booth.id));
    for (const meal of sources.meals.values()) if (within(meal.room, rooms)) keys.add(documentKey("meal", meal.id));
  }
  return keys;
}

export function sameDocument(a: SearchDocument, b: SearchDocument): boolean {
  return (
    a.title === b.title &&
    a.cancelled === b.cancelled &&
    TEXT_FIELDS.every((field) => a[field] === b[field])
  );
}
