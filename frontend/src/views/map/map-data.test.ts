import "fake-indexeddb/auto";

import { describe, expect, it } from "vitest";

import { bundleApply, openDb, type BundleBody } from "../../db";
import { chooseLayer, focusQuery, loadBoards, loadVenue, parseFocus, sessionOfRoom, type Venue } from "./map-data";

const session = (id: number, room: number, start: string, end: string, cancelled = false) => ({ id, title: `S${id}`, start, end, room, cancelled });

const venue: Venue = {
  rooms: [],
  posterSessions: [
    session(11, 7, "2026-10-24T07:00:00Z", "2026-10-24T09:00:00Z"),
    session(12, 7, "2026-10-24T12:00:00Z", "2026-10-24T14:00:00Z"),
    session(13, 8, "2026-10-25T07:00:00Z", "2026-10-25T09:00:00Z", true),
  ],
  booths: [
    { id: 31, exhibitor: "Acme", room: 9 },
    { id: 32, exhibitor: "Gone", room: 10, cancelled: true },
  ],
};

describe("the URL's focus", () => {
  it("reads positive integer ids only", () => {
    expect(parseFocus({ session: "12", room: "x", poster: "-3", booth: "0" })).toEqual({ session: 12 });
    expect(parseFocus({ poster: "5", booth: "31" })).toEqual({ poster: 5, booth: 31 });
    expect(parseFocus({ session: "1e3", room: "99999999999999999999" })).toEqual({});
  });

  it("writes each layer back as a query", () => {
    expect(focusQuery({ kind: "venue", room: null })).toBe("");
    expect(focusQuery({ kind: "venue", room: 4 })).toBe("?room=4");
    expect(focusQuery({ kind: "posters", session: 11, poster: null })).toBe("?session=11");
    expect(focusQuery({ kind: "posters", session: 11, poster: 5 })).toBe("?session=11&poster=5");
    expect(focusQuery({ kind: "booths", room: 9, booth: null })).toBe("?room=9");
    expect(focusQuery({ kind: "booths", room: 9, booth: 31 })).toBe("?booth=31");
  });
});

describe("choosing the layer", () => {
  const now = new Date("2026-10-24T10:00:00Z");

  it("a poster opens its session's boards with it ringed", () => {
    expect(chooseLayer({ poster: 5 }, venue, now, 12, null)).toEqual({ kind: "posters", session: 12, poster: 5 });
  });

  it("a poster session opens its boards; another session rings its room on the venue", () => {
    expect(chooseLayer({ session: 11 }, venue, now, null, 7)).toEqual({ kind: "posters", session: 11, poster: null });
    expect(chooseLayer({ session: 40 }, venue, now, null, 3)).toEqual({ kind: "venue", room: 3 });
    expect(chooseLayer({ session: 40 }, venue, now, null, null)).toEqual({ kind: "venue", room: null });
  });

  it("a booth opens its room's booths; a room with booths too", () => {
    expect(chooseLayer({ booth: 31 }, venue, now, null, null)).toEqual({ kind: "booths", room: 9, booth: 31 });
    expect(chooseLayer({ room: 9 }, venue, now, null, null)).toEqual({ kind: "booths", room: 9, booth: null });
  });

  it("a poster hall opens the session on now, else the next, else the last; a plain room is ringed", () => {
    expect(chooseLayer({ room: 7 }, venue, new Date("2026-10-24T08:00:00Z"), null, null)).toMatchObject({ session: 11 });
    expect(chooseLayer({ room: 7 }, venue, now, null, null)).toMatchObject({ session: 12 });
    expect(chooseLayer({ room: 7 }, venue, new Date("2026-10-26T00:00:00Z"), null, null)).toMatchObject({ session: 12 });
    // Only booths that are cancelled, only sessions that are cancelled: nothing to open.
    expect(chooseLayer({ room: 10 }, venue, now, null, null)).toEqual({ kind: "venue", room: 10 });
    expect(chooseLayer({ room: 8 }, venue, now, null, null)).toEqual({ kind: "venue", room: 8 });
    expect(sessionOfRoom(venue.posterSessions, 99, now)).toBeUndefined();
  });

  it("no focus is the venue", () => {
    expect(chooseLayer({}, venue, now, null, null)).toEqual({ kind: "venue", room: null });
  });
});

describe("reading IndexedDB", () => {
  it("gives a session's boards in natural board order with their papers' titles and positions", async () => {
    const db = await openDb({ name: "map-data-1" });
    const body = {
      format: 1,
      version: 3,
      full: true,
      since: null,
      conference: { slug: "c", name: "C", timezone: "Europe/Rome", start_date: "2026-10-24", end_date: "2026-10-25" },
      rooms: [{ id: 7, name: "Hall", kind: "poster_hall", position: 0, x: 0.5, y: 0.5 }],
      tracks: [],
      people: [],
      papers: [{ id: 100, title: "Ten", authors: [] }],
      sessions: [
        { id: 11, title: "Posters", kind: "poster", start: "2026-10-24T07:00:00Z", end: "2026-10-24T09:00:00Z", room: 7 },
        { id: 20, title: "Talks", kind: "oral", start: "2026-10-24T06:00:00Z", end: "2026-10-24T07:00:00Z", room: 7 },
      ],
      orals: [],
      posters: [
        { id: 1, session: 11, paper: 100, board: "10", x: 0.9, y: 0.1 },
        { id: 2, session: 11, title: "Two", board: "2" },
        { id: 3, session: 11, title: "Nine", board: "9", x: 0.5, y: 0.5, cancelled: true },
      ],
      booths: [{ id: 31, exhibitor: "Acme", number: "B2", room: 7 }, { id: 30, exhibitor: "Beta", number: "B10", room: 7 }],
      meals: [],
    } as unknown as BundleBody;
    await bundleApply(db, "c", body, { etag: null, etagSince: null, at: "2026-10-01T00:00:00Z" });
    const boards = await loadBoards(db, "c", 11);
    expect(boards).toEqual([
      { id: 2, board: "2", title: "Two", cancelled: false },
      { id: 3, board: "9", title: "Nine", x: 0.5, y: 0.5, cancelled: true },
      { id: 1, board: "10", title: "Ten", x: 0.9, y: 0.1, cancelled: false },
    ]);
    const loaded = await loadVenue(db, "c");
    expect(loaded.posterSessions.map((s) => s.id)).toEqual([11]);
    expect(loaded.booths.map((b) => b.number)).toEqual(["B2", "B10"]);
    expect(loaded.rooms.map((r) => r.name)).toEqual(["Hall"]);
    db.close();
  });
});
