import "fake-indexeddb/auto";

import { afterEach, describe, expect, it } from "vitest";

import { bundleApply, openDb, type BoardwalkDb } from "../../db";
import { timeFormatter } from "../../i18n/time";
import { emptyBundle, programme } from "../../search/fixtures";
import {
  activeFilterCount,
  boothsOpen,
  conferenceDays,
  dayBounds,
  filterEntries,
  filtersFromQuery,
  filtersToQuery,
  pickDay,
  readBooths,
  readDay,
  type Filters,
} from "./schedule-data";

const CONF = "interspeech-2026";
const jerusalem = timeFormatter({ conferenceZone: "Asia/Jerusalem", mode: "conference", locale: "en" });
const dbs: BoardwalkDb[] = [];
let count = 0;
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

async function stored(bundle = programme()): Promise<BoardwalkDb> {
  const db = await openDb({ name: `schedule-${++count}` });
  dbs.push(db);
  await bundleApply(db, CONF, bundle, { etag: null, etagSince: null, at: "2026-10-20T00:00:00Z" });
  return db;
}

const none: Filters = { day: "", room: "", track: "", kind: "", q: "" };

describe("filters in the URL", () => {
  it("round-trip through the query, empty ones left out, in a stable order", () => {
    const filters = { ...none, q: "levi 042", kind: "poster", day: "2026-10-24" };
    const text = filtersToQuery(filters);
    expect(text).toBe("?day=2026-10-24&kind=poster&q=levi+042");
    expect(filtersFromQuery(Object.fromEntries(new URLSearchParams(text)))).toEqual(filters);
    expect(filtersToQuery(none)).toBe("");
  });

  it("counts room, track and kind as filters, not the day or the search", () => {
    expect(activeFilterCount({ ...none, day: "2026-10-24", q: "x" })).toBe(0);
    expect(activeFilterCount({ ...none, room: "1", kind: "meal" })).toBe(2);
  });
});

describe("days", () => {
  it("lists every conference day and picks the asked one, else today inside, else the first", () => {
    const days = conferenceDays("2026-10-22", "2026-10-26");
    expect(days).toEqual(["2026-10-22", "2026-10-23", "2026-10-24", "2026-10-25", "2026-10-26"]);
    expect(pickDay(days, "2026-10-25", "2026-10-23")).toBe("2026-10-25");
    expect(pickDay(days, "", "2026-10-23")).toBe("2026-10-23");
    expect(pickDay(days, "1999-01-01", "2026-11-30")).toBe("2026-10-22");
  });

  it("bounds a day at the zone's midnights, also across the DST change (25 Oct 2026 in Jerusalem)", () => {
    expect(dayBounds(jerusalem, "2026-10-24")).toEqual(["2026-10-23T21:00:00Z", "2026-10-24T21:00:00Z"]);
    // The clocks go back at 02:00: the 25th is 25 hours long and ends at 22:00 UTC.
    expect(dayBounds(jerusalem, "2026-10-25")).toEqual(["2026-10-24T21:00:00Z", "2026-10-25T22:00:00Z"]);
    const utc = timeFormatter({ conferenceZone: "UTC", mode: "conference", locale: "en" });
    expect(dayBounds(utc, "2026-10-24")).toEqual(["2026-10-24T00:00:00Z", "2026-10-25T00:00:00Z"]);
  });
});

describe("one day from IndexedDB", () => {
  it("holds the day's sessions and meals in time order, cancelled ones included, other days not", async () => {
    const db = await stored();
    const day = await readDay(db, CONF, dayBounds(jerusalem, "2026-10-24"));
    expect(day.map((e) => [e.type, e.row.id])).toEqual([
      ["session", 20],
      ["session", 21],
      ["meal", 60],
    ]);
    const before = await readDay(db, CONF, dayBounds(jerusalem, "2026-10-23"));
    expect(before.map((e) => [e.type, e.row.id, e.row.cancelled])).toEqual([["meal", 61, true]]);
  });

  it("orders by start, then end, then title", async () => {
    const at = "2026-10-24T06:00:00Z";
    const db = await stored(
      emptyBundle({
        sessions: [
          { id: 1, title: "B long", kind: "oral", start: at, end: "2026-10-24T09:00:00Z" },
          { id: 2, title: "Z short", kind: "oral", start: at, end: "2026-10-24T07:00:00Z" },
          { id: 3, title: "A long", kind: "oral", start: at, end: "2026-10-24T09:00:00Z" },
          { id: 4, title: "Early", kind: "keynote", start: "2026-10-24T05:00:00Z", end: "2026-10-24T06:00:00Z" },
        ],
      }),
    );
    const day = await readDay(db, CONF, dayBounds(jerusalem, "2026-10-24"));
    expect(day.map((e) => e.row.title)).toEqual(["Early", "Z short", "A long", "B long"]);
  });

  it("filters by room, track and kind; meals count as the meal kind and have no track", async () => {
    const db = await stored();
    const day = await readDay(db, CONF, dayBounds(jerusalem, "2026-10-24"));
    const ids = (filters: Partial<Filters>) => filterEntries(day, { ...none, ...filters }).map((e) => `${e.type}/${e.row.id}`);
    expect(ids({ room: "1" })).toEqual(["session/20", "meal/60"]);
    expect(ids({ room: "2" })).toEqual(["session/21"]);
    expect(ids({ track: "1" })).toEqual(["session/20"]);
    expect(ids({ kind: "meal" })).toEqual(["meal/60"]);
    expect(ids({ kind: "poster" })).toEqual(["session/21"]);
    expect(ids({ room: "1", kind: "poster" })).toEqual([]);
    expect(ids({})).toEqual(["session/20", "session/21", "meal/60"]);
  });
});

describe("booths", () => {
  it("lists the booths open that day (hours overlapping it), by number, in the asked room", async () => {
    const bundle = programme();
    bundle.booths.push(
      { id: 52, exhibitor: "Later Inc", number: "E-0003", room: 3, hours: [{ start: "2026-10-25T07:00:00Z", end: "2026-10-25T09:00:00Z" }] },
      { id: 53, exhibitor: "Early Ltd", number: "E-0002", room: 2, hours: [{ start: "2026-10-24T05:00:00Z", end: "2026-10-24T06:00:00Z" }] },
    );
    const booths = await readBooths(await stored(bundle), CONF);
    const day = dayBounds(jerusalem, "2026-10-24");
    expect(boothsOpen(booths, day, "").map((b) => b.id)).toEqual([53, 50]);
    expect(boothsOpen(booths, day, "3").map((b) => b.id)).toEqual([50]);
    expect(boothsOpen(booths, dayBounds(jerusalem, "2026-10-25"), "").map((b) => b.id)).toEqual([52]);
  });
});
