/**
 * Bundle rows → search documents, and which documents a delta touches.
 *
 * One document per searchable item (session, oral, paper, poster, booth, meal). Posters and
 * orals carry their paper's title, authors, keywords and ids, so "Levi 042" finds Levi's
 * poster on board 042. Documents denormalise people, papers, rooms and tracks; the index keeps
 * no copy of the rows' text, only each document's `DocInfo` (what it shows, a fingerprint), and
 * re-reads rows through a `RowLookup` (lookup.ts) when a delta touches them.
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

/** What a document shows of other rows, and a fingerprint of its text: enough to tell which
 * documents a delta touches and whether their text changed, without keeping the text. */
export interface DocInfo {
  /** FNV-1a of the document's title, cancelled flag and text fields. */
  h: number;
  /** People shown (authors, speakers, chairs); a poster shows its paper's through `paper`. */
  people?: number[];
  paper?: number;
  room?: number;
  track?: number;
}

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

export const ROW_COLLECTIONS = ["papers", "sessions", "orals", "posters", "booths", "meals"] as const;
export type RowCollection = (typeof ROW_COLLECTIONS)[number];
export const KIND_OF: Record<RowCollection, Kind> = {
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

/** Add rows read through a RowLookup (only their searchable fields are kept). */
export function putRows(sources: Sources, collection: RowCollection, rows: readonly Bundle[RowCollection][number][]): void {
  const fields = SOURCE_FIELDS[collection] as readonly string[];
  const target = sources[collection] as Map<number, unknown>;
  for (const row of rows) target.set(row.id, pick(row as Record<string, unknown>, fields));
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

/** 32-bit FNV-1a over UTF-16 code units. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function fingerprint(doc: SearchDocument): number {
  return fnv1a([doc.title, doc.cancelled ? "1" : "0", ...TEXT_FIELDS.map((field) => doc[field])].join("\u0000"));
}

const ids = (...groups: (readonly number[] | undefined)[]) => {
  const all = [...new Set(groups.flatMap((group) => group ?? []))];
  return all.length > 0 ? all : undefined;
};

/** The document for `kind:id` and its DocInfo, or null when the row is missing. */
export function describe(sources: Sources, kind: Kind, id: number): { doc: SearchDocument; info: DocInfo } | null {
  const doc = buildDocument(sources, kind, id);
  if (!doc) return null;
  const info: DocInfo = { h: fingerprint(doc) };
  const set = (refs: { [K in Exclude<keyof DocInfo, "h">]?: DocInfo[K] | undefined }) => {
    for (const [name, value] of Object.entries(refs)) if (value !== undefined) Object.assign(info, { [name]: value });
  };
  switch (kind) {
    case "paper":
      set({ people: ids(sources.papers.get(id)?.authors) });
      break;
    case "poster":
      set({ paper: sources.posters.get(id)?.paper ?? undefined });
      break;
    case "oral": {
      const oral = sources.orals.get(id);
      set({ paper: oral?.paper ?? undefined, people: ids(oral?.speakers) });
      break;
    }
    case "session": {
      const session = sources.sessions.get(id);
      set({ people: ids(session?.chairs, session?.speakers), room: session?.room ?? undefined, track: session?.track ?? undefined });
      break;
    }
    case "booth":
      set({ room: sources.booths.get(id)?.room ?? undefined });
      break;
    case "meal":
      set({ room: sources.meals.get(id)?.room ?? undefined });
      break;
  }
  return { doc, info };
}
