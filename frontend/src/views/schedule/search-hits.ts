/**
 * What the Schedule's search results show besides their titles. The search itself is the one
 * the app keeps (search/session.ts `getSearch`: the index in the worker, kept in IndexedDB and
 * following every delta); this reads, for the hits shown, the rows their lines need.
 *
 *   const hits = await (await getSearch(slug)).search("levi 042", { limit: 50 });
 *   const shown = await describeHits(db, slug, hits); // board, room, time of each hit
 *   groupDetails(shown, KINDS);                       // by kind, in a fixed order
 */

import { bundleRow, type BoardwalkDb } from "../../db";
import type { Kind } from "../../search/documents";
import type { SearchHit } from "../../search/index";

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
