/**
 * The Schedule's data: the conference's days, one day's sessions and meals read through the
 * IndexedDB start index (never the whole program), the booths open that day, and the filters
 * kept in the URL query.
 */

import { bundleRows, startingBetween, type BoardwalkDb, type BundleRows, type Stored } from "../../db";
import { addDays, type DayKey, type TimeFormatter } from "../../i18n/time";

export type SessionRow = Stored<BundleRows["sessions"]>;
export type MealRow = Stored<BundleRows["meals"]>;
export type BoothRow = Stored<BundleRows["booths"]>;

export type DayEntry = { type: "session"; row: SessionRow } | { type: "meal"; row: MealRow };

export const SESSION_KINDS = ["keynote", "oral", "poster", "tutorial", "workshop", "social", "meal", "break", "other"] as const;
/** What the kind filter offers: every session kind, meals (which include meal-kind sessions), booths. */
export type KindFilter = BundleRows["sessions"]["kind"] | "booth";
export const KIND_FILTERS: readonly KindFilter[] = [...SESSION_KINDS, "booth"];

export interface Filters {
  day: DayKey | "";
  room: string;
  track: string;
  kind: string;
  q: string;
}

const FILTER_KEYS = ["day", "room", "track", "kind", "q"] as const;

/** The filters from a URL query (`?day=2026-10-24&room=3&kind=poster&q=…`); unknown keys ignored. */
export function filtersFromQuery(query: Record<string, string | undefined>): Filters {
  return {
    day: query["day"] ?? "",
    room: query["room"] ?? "",
    track: query["track"] ?? "",
    kind: query["kind"] ?? "",
    q: query["q"] ?? "",
  };
}

/** The query string for these filters, empty ones left out, always in the same key order. */
export function filtersToQuery(filters: Filters): string {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) if (filters[key]) params.set(key, filters[key]);
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** How many of room/track/kind are set (the day and the search are not filters to clear). */
export function activeFilterCount(filters: Filters): number {
  return [filters.room, filters.track, filters.kind].filter(Boolean).length;
}

/** Every calendar day from the conference's first to its last, inclusive. */
export function conferenceDays(start: DayKey, end: DayKey): DayKey[] {
  const days: DayKey[] = [];
  for (let day = start; day <= end && days.length < 60; day = addDays(day, 1)) days.push(day);
  return days;
}

/** The day asked for if it is one of the conference's, else today inside the conference, else its first day. */
export function pickDay(days: readonly DayKey[], asked: string, today: DayKey): DayKey | undefined {
  if (days.includes(asked)) return asked;
  if (days.includes(today)) return today;
  return days[0];
}

/** The bundle's own ISO form ("2026-10-24T06:00:00Z"): the start index compares strings. */
export function bundleIso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * The UTC instant of midnight starting `day` in the formatter's zone. The offset is read at a
 * first guess and again at the result, which settles it even on a DST-change day.
 */
export function zonedMidnight(fmt: TimeFormatter, day: DayKey): number {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d);
  const first = wall - fmt.offsetMinutes(new Date(wall)) * 60_000;
  return wall - fmt.offsetMinutes(new Date(first)) * 60_000;
}

/** [from, to) of a day in the formatter's zone, as bundle ISO strings. */
export function dayBounds(fmt: TimeFormatter, day: DayKey): [string, string] {
  return [bundleIso(zonedMidnight(fmt, day)), bundleIso(zonedMidnight(fmt, addDays(day, 1)))];
}

const entryTitle = (entry: DayEntry) => entry.row.title;

/** By start, then end, then title: the order a printed program uses. */
export function compareEntries(a: DayEntry, b: DayEntry): number {
  return (
    a.row.start.localeCompare(b.row.start) || a.row.end.localeCompare(b.row.end) || entryTitle(a).localeCompare(entryTitle(b))
  );
}

/** One day's sessions and meals (cancelled ones included), in time order, through the start index. */
export async function readDay(db: BoardwalkDb, conf: string, [from, to]: [string, string]): Promise<DayEntry[]> {
  const [sessions, meals] = await Promise.all([
    startingBetween(db, "sessions", conf, from, to),
    startingBetween(db, "meals", conf, from, to),
  ]);
  return [
    ...(sessions as SessionRow[]).map((row) => ({ type: "session" as const, row })),
    ...(meals as MealRow[]).map((row) => ({ type: "meal" as const, row })),
  ].sort(compareEntries);
}

/** The filter kind of an entry: a session's own kind; a meal counts as "meal". */
export function entryKind(entry: DayEntry): KindFilter {
  return entry.type === "meal" ? "meal" : entry.row.kind;
}

/** Entries matching room, track and kind (a track filter leaves out meals: they have none). */
export function filterEntries(entries: readonly DayEntry[], filters: Filters): DayEntry[] {
  const room = filters.room ? Number(filters.room) : null;
  const track = filters.track ? Number(filters.track) : null;
  return entries.filter((entry) => {
    if (room !== null && entry.row.room !== room) return false;
    if (track !== null && (entry.type === "meal" || entry.row.track !== track)) return false;
    if (filters.kind && entryKind(entry) !== filters.kind) return false;
    return true;
  });
}

/** Booths with opening hours overlapping [from, to), by number then exhibitor; a room filter applies. */
export function boothsOpen(booths: readonly BoothRow[], [from, to]: [string, string], room: string): BoothRow[] {
  const fromMs = Date.parse(from);
  const toMs = Date.parse(to);
  return booths
    .filter((booth) => !room || booth.room === Number(room))
    .filter((booth) => (booth.hours ?? []).some((h) => Date.parse(h.start) < toMs && Date.parse(h.end) > fromMs))
    .sort((a, b) => (a.number ?? "").localeCompare(b.number ?? "", undefined, { numeric: true }) || a.exhibitor.localeCompare(b.exhibitor));
}

/** The booths of the conference (a few hundred at most: one read, only when booths are asked for). */
export function readBooths(db: BoardwalkDb, conf: string): Promise<BoothRow[]> {
  return bundleRows(db, "booths", conf);
}
