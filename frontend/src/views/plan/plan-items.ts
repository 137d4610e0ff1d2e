/**
 * My plan as My Plan shows it: each plan record joined with the stored program (title, time,
 * room, board), marked cancelled or removed, and grouped by day. The join reads IndexedDB
 * through db/ (`readProgram`); everything after it is pure (tested in plan-items.test.ts).
 */

import { bundleRow, bundleRows, metaGet, metaSet, type BoardwalkDb, type BundleRows, type PlanKind, type PlanRecord } from "../../db";
import type { DayGroup, TimeFormatter } from "../../i18n/time";
import { TIMED_KINDS, type ConflictTarget } from "./conflicts";

type Row<K extends keyof BundleRows> = BundleRows[K];

/** The program rows a plan needs, by id (only those the plan points at, and their sessions). */
export interface Program {
  sessions: Map<number, Row<"sessions">>;
  orals: Map<number, Row<"orals">>;
  posters: Map<number, Row<"posters">>;
  booths: Map<number, Row<"booths">>;
  meals: Map<number, Row<"meals">>;
  papers: Map<number, Row<"papers">>;
  rooms: Map<number, string>;
}

/** What My Plan keeps of each item in case it leaves the program ("removed: <last title>"). */
export interface Seen {
  title: string;
  start: string | null;
}

export interface PlanEntry extends ConflictTarget {
  key: string;
  record: PlanRecord;
  /** Null only for an item removed from the program before this device ever saw it. */
  title: string | null;
  /** What the item is, for its label: a session's or meal's own kind ("social", "lunch"). */
  label: { kind: "session"; of: BundleRows["sessions"]["kind"] } | { kind: "meal"; of: BundleRows["meals"]["kind"] } | null;
  room: string | null;
  board: string | null;
  cancelled: boolean;
  /** Gone from the stored program entirely (not even a cancelled row). */
  removed: boolean;
}

const COLLECTION = { session: "sessions", oral: "orals", poster: "posters", booth: "booths", meal: "meals" } as const;

/** The detail screen of an item: `/conferences/<slug>/posters/12`. */
export function detailPath(conf: string, kind: PlanKind, id: number): string {
  return `/conferences/${encodeURIComponent(conf)}/${COLLECTION[kind]}/${id}`;
}

const seenKey = (conf: string) => `planSeen:${conf}`;

/** Read the rows `records` point at (and their sessions and papers) from IndexedDB. */
export async function readProgram(db: BoardwalkDb, conf: string, records: readonly PlanRecord[]): Promise<Program> {
  const program: Program = {
    sessions: new Map(),
    orals: new Map(),
    posters: new Map(),
    booths: new Map(),
    meals: new Map(),
    papers: new Map(),
    rooms: new Map((await bundleRows(db, "rooms", conf)).map((r) => [r.id, r.name])),
  };
  async function load<K extends keyof typeof COLLECTION>(kind: K, id: number) {
    const row = await bundleRow(db, COLLECTION[kind], conf, id);
    // One map per collection; the row came from that collection.
    if (row) (program[COLLECTION[kind]] as Map<number, unknown>).set(id, row);
    return row;
  }
  await Promise.all(
    records.map(async (record) => {
      const row = await load(record.kind, record.target);
      if (row && "session" in row && typeof row.session === "number") await load("session", row.session);
      if (row && "paper" in row && typeof row.paper === "number") {
        const paper = await bundleRow(db, "papers", conf, row.paper);
        if (paper) program.papers.set(paper.id, paper);
      }
    }),
  );
  return program;
}

export async function readSeen(db: BoardwalkDb, conf: string): Promise<Record<string, Seen>> {
  return (await metaGet<Record<string, Seen>>(db, seenKey(conf))) ?? {};
}

/** Remember the title and start of every item still in the program (for when one leaves it). */
export async function rememberSeen(db: BoardwalkDb, conf: string, entries: readonly PlanEntry[], before: Record<string, Seen>): Promise<void> {
  const next: Record<string, Seen> = { ...before };
  for (const entry of entries) if (!entry.removed && entry.title !== null) next[entry.key] = { title: entry.title, start: entry.start };
  if (JSON.stringify(next) !== JSON.stringify(before)) await metaSet(db, seenKey(conf), next);
}

const roomName = (program: Program, id: number | undefined): [number | null, string | null] =>
  id === undefined ? [null, null] : [id, program.rooms.get(id) ?? null];

/** One plan record with what the program says of it (the server's `plan_target`, on the device). */
export function planEntry(record: PlanRecord, program: Program, seen: Record<string, Seen>): PlanEntry {
  const key = `${record.kind}/${record.target}`;
  const base = { key, record, kind: record.kind, id: record.target, board: null, sessionId: null, label: null };
  const removed = (): PlanEntry => ({
    ...base,
    title: seen[key]?.title ?? null,
    start: seen[key]?.start ?? null,
    end: null,
    roomId: null,
    room: null,
    cancelled: false,
    removed: true,
  });
  switch (record.kind) {
    case "session":
    case "meal": {
      const session = record.kind === "session" ? program.sessions.get(record.target) : undefined;
      const meal = record.kind === "meal" ? program.meals.get(record.target) : undefined;
      const row = session ?? meal;
      if (!row) return removed();
      const [roomId, room] = roomName(program, row.room);
      const label = session ? ({ kind: "session", of: session.kind } as const) : meal ? ({ kind: "meal", of: meal.kind } as const) : null;
      return { ...base, title: row.title, label, start: row.start, end: row.end, roomId, room, cancelled: row.cancelled === true, removed: false };
    }
    case "oral":
    case "poster": {
      const row = record.kind === "oral" ? program.orals.get(record.target) : program.posters.get(record.target);
      if (!row) return removed();
      const session = program.sessions.get(row.session);
      const paper = row.paper === undefined ? undefined : program.papers.get(row.paper);
      const [roomId, room] = roomName(program, session?.room);
      const oral = record.kind === "oral" ? (row as Row<"orals">) : null;
      return {
        ...base,
        title: paper?.title ?? row.title ?? seen[key]?.title ?? null,
        // An oral has its own slot; a poster is up for its session's.
        start: oral ? oral.start : (session?.start ?? null),
        end: oral ? oral.end : (session?.end ?? null),
        roomId,
        room,
        board: oral ? null : (row as Row<"posters">).board,
        sessionId: row.session,
        cancelled: row.cancelled === true || session?.cancelled === true,
        removed: false,
      };
    }
    case "booth": {
      const row = program.booths.get(record.target);
      if (!row) return removed();
      const [roomId, room] = roomName(program, row.room);
      return { ...base, title: row.exhibitor, start: null, end: null, roomId, room, cancelled: row.cancelled === true, removed: false };
    }
  }
}

export interface PlanGroups {
  days: DayGroup<PlanEntry>[];
  /** Booths: opening hours, no slot. */
  untimed: PlanEntry[];
  removed: PlanEntry[];
}

/** The server's plan order within a day: start, end, timed kinds first, then id. */
function compareEntries(a: PlanEntry, b: PlanEntry): number {
  const rank = (e: PlanEntry) => {
    const i = (TIMED_KINDS as readonly string[]).indexOf(e.kind);
    return i < 0 ? TIMED_KINDS.length : i;
  };
  return (
    Date.parse(a.start ?? "") - Date.parse(b.start ?? "") ||
    Date.parse(a.end ?? "") - Date.parse(b.end ?? "") ||
    rank(a) - rank(b) ||
    a.id - b.id
  );
}

/** By day in the formatter's zone (days ascending, items in time order); booths and removed apart. */
export function groupPlan(entries: readonly PlanEntry[], fmt: Pick<TimeFormatter, "groupByDay">): PlanGroups {
  const live = entries.filter((e) => !e.removed);
  const timed = live.filter((e) => e.start !== null).sort(compareEntries);
  return {
    days: fmt.groupByDay(timed, (e) => e.start as string),
    untimed: live.filter((e) => e.start === null).sort((a, b) => (a.title ?? "").localeCompare(b.title ?? "") || a.id - b.id),
    removed: entries.filter((e) => e.removed).sort((a, b) => a.id - b.id),
  };
}

/** What may clash: timed, not cancelled, still in the program (as the server's plan_conflicts). */
export const mayClash = (e: PlanEntry): boolean => !e.cancelled && !e.removed;
