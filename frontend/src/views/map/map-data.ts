/**
 * What the hall map draws, read from IndexedDB only (it works offline): the rooms, the poster
 * sessions and booths (to offer each room's layer), and one poster session's boards with their
 * papers' titles. `chooseLayer` (pure, tested) turns the URL's focus into the layer to draw.
 */

import { bundleRows, bundleRowsByIds, ofSession, type BoardwalkDb, type BundleRows } from "../../db";
import { byBoard } from "../posters/board-order";

export type Room = BundleRows["rooms"];
export type Booth = BundleRows["booths"];
export type PosterSession = Pick<BundleRows["sessions"], "id" | "title" | "start" | "end" | "room" | "cancelled">;

export interface Board {
  id: number;
  board: string;
  title: string;
  x?: number;
  y?: number;
  cancelled: boolean;
}

export interface Venue {
  rooms: Room[];
  /** Poster sessions, by start then id. */
  posterSessions: PosterSession[];
  booths: Booth[];
}

/** The URL's focus: `?session=`, `?room=`, `?poster=` (its board is ringed), `?booth=`. */
export interface Focus {
  session?: number;
  room?: number;
  poster?: number;
  booth?: number;
}

export type Layer =
  | { kind: "venue"; room: number | null }
  | { kind: "posters"; session: number; poster: number | null }
  | { kind: "booths"; room: number | null; booth: number | null };

/** A positive integer from a query value, else undefined. */
function id(value: string | null | undefined): number | undefined {
  if (!value || !/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return n > 0 && Number.isSafeInteger(n) ? n : undefined;
}

export function parseFocus(query: Record<string, string | undefined>): Focus {
  const focus: Focus = {};
  for (const key of ["session", "room", "poster", "booth"] as const) {
    const value = id(query[key]);
    if (value !== undefined) focus[key] = value;
  }
  return focus;
}

export function focusQuery(layer: Layer): string {
  switch (layer.kind) {
    case "venue":
      return layer.room === null ? "" : `?room=${layer.room}`;
    case "posters":
      return `?session=${layer.session}${layer.poster === null ? "" : `&poster=${layer.poster}`}`;
    case "booths":
      return layer.booth !== null ? `?booth=${layer.booth}` : layer.room === null ? "" : `?room=${layer.room}`;
  }
}

/** Booths grouped by room (null: booths without a room). */
export function boothRooms(booths: readonly Booth[]): (number | null)[] {
  return [...new Set(booths.filter((b) => !b.cancelled).map((b) => b.room ?? null))];
}

/** The poster session of `room` on now, else the next to start, else the last one. */
export function sessionOfRoom(sessions: readonly PosterSession[], room: number, now: Date): PosterSession | undefined {
  const here = sessions.filter((s) => s.room === room && !s.cancelled);
  const t = now.getTime();
  return (
    here.find((s) => Date.parse(s.start) <= t && t < Date.parse(s.end)) ??
    here.find((s) => Date.parse(s.start) > t) ??
    here.at(-1)
  );
}

/**
 * What to draw for a focus: a poster (or a poster session) → its boards; a booth → its room's
 * booths; a room → its booths or its poster session on now (else next, else last), or the
 * venue with that room ringed; another session → the venue with its room ringed; nothing →
 * the venue. `posterSession` is the session of `focus.poster` and `sessionRoom` the room of
 * `focus.session` (both read from IndexedDB by the caller; null when unknown).
 */
export function chooseLayer(
  focus: Focus,
  venue: Venue,
  now: Date,
  posterSession: number | null,
  sessionRoom: number | null,
): Layer {
  const isPosterSession = (sid: number) => venue.posterSessions.some((s) => s.id === sid);
  if (focus.poster !== undefined && posterSession !== null) return { kind: "posters", session: posterSession, poster: focus.poster };
  if (focus.session !== undefined) {
    if (isPosterSession(focus.session)) return { kind: "posters", session: focus.session, poster: null };
    return { kind: "venue", room: sessionRoom };
  }
  if (focus.booth !== undefined) {
    const booth = venue.booths.find((b) => b.id === focus.booth);
    if (booth) return { kind: "booths", room: booth.room ?? null, booth: booth.id };
  }
  if (focus.room !== undefined) {
    if (venue.booths.some((b) => b.room === focus.room && !b.cancelled)) return { kind: "booths", room: focus.room, booth: null };
    const session = sessionOfRoom(venue.posterSessions, focus.room, now);
    if (session) return { kind: "posters", session: session.id, poster: null };
    return { kind: "venue", room: focus.room };
  }
  return { kind: "venue", room: null };
}

export async function loadVenue(db: BoardwalkDb, slug: string): Promise<Venue> {
  const [rooms, sessions, booths] = await Promise.all([
    bundleRows(db, "rooms", slug),
    bundleRows(db, "sessions", slug),
    bundleRows(db, "booths", slug),
  ]);
  const posterSessions = sessions
    .filter((s) => s.kind === "poster")
    .sort((a, b) => a.start.localeCompare(b.start) || a.id - b.id)
    .map(({ id, title, start, end, room, cancelled }): PosterSession => ({
      id,
      title,
      start,
      end,
      ...(room === undefined ? {} : { room }),
      ...(cancelled === undefined ? {} : { cancelled }),
    }));
  return {
    rooms: [...rooms].sort((a, b) => a.position - b.position || a.id - b.id),
    posterSessions,
    booths: booths.sort((a, b) => (a.number ?? "").localeCompare(b.number ?? "", undefined, { numeric: true }) || a.id - b.id),
  };
}

/** One poster session's boards in natural board order, with their papers' titles. */
export async function loadBoards(db: BoardwalkDb, slug: string, session: number): Promise<Board[]> {
  const posters = await ofSession(db, "posters", slug, session);
  const papers = await bundleRowsByIds(db, "papers", slug, posters.flatMap((p) => (p.paper === undefined ? [] : [p.paper])));
  return byBoard(
    posters.map((p) => ({
      id: p.id,
      board: p.board,
      title: (p.paper === undefined ? undefined : papers.get(p.paper)?.title) ?? p.title ?? "",
      ...(p.x === undefined ? {} : { x: p.x }),
      ...(p.y === undefined ? {} : { y: p.y }),
      cancelled: p.cancelled === true,
    })),
  );
}
