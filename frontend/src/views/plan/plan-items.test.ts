import { describe, expect, it } from "vitest";

import type { PlanRecord } from "../../db";
import { timeFormatter } from "../../i18n/time";
import { overlaps } from "./conflicts";
import { detailPath, groupPlan, mayClash, planEntry, type Program } from "./plan-items";

const record = (kind: PlanRecord["kind"], target: number, synced = true): PlanRecord => ({
  conf: "c",
  kind,
  target,
  status: "interested",
  note: "",
  reminder_minutes: null,
  synced,
  updatedAt: "2026-10-20T00:00:00Z",
});

// Jerusalem is UTC+3 in October 2026 until the 25th: 22:30Z is 01:30 the next day.
const program: Program = {
  sessions: new Map([
    [1, { id: 1, title: "Orals 1", kind: "oral", start: "2026-10-22T07:00:00Z", end: "2026-10-22T08:30:00Z", room: 10 }],
    [2, { id: 2, title: "Posters AM", kind: "poster", start: "2026-10-22T08:45:00Z", end: "2026-10-22T10:15:00Z", room: 30, cancelled: true }],
    [3, { id: 3, title: "Welcome reception", kind: "social", start: "2026-10-22T16:00:00Z", end: "2026-10-22T19:00:00Z", room: 20 }],
    [4, { id: 4, title: "Late party", kind: "social", start: "2026-10-22T22:30:00Z", end: "2026-10-23T01:00:00Z", room: 20 }],
    [5, { id: 5, title: "Orals 2", kind: "oral", start: "2026-10-23T07:00:00Z", end: "2026-10-23T08:30:00Z", room: 11 }],
  ]),
  orals: new Map([[7, { id: 7, session: 1, paper: 100, start: "2026-10-22T07:15:00Z", end: "2026-10-22T07:30:00Z", order: 1 }]]),
  posters: new Map([[40, { id: 40, session: 2, paper: 101, board: "A-12" }]]),
  booths: new Map([[9, { id: 9, exhibitor: "Acme Vision", number: "B14", room: 40 }]]),
  meals: new Map([[3, { id: 3, kind: "reception", title: "Welcome reception", start: "2026-10-22T16:00:00Z", end: "2026-10-22T19:00:00Z", room: 20 }]]),
  papers: new Map([
    [100, { id: 100, title: "A talk's paper", authors: [] }],
    [101, { id: 101, title: "A poster's paper", authors: [] }],
  ]),
  rooms: new Map([
    [10, "Hall A"],
    [20, "Garden"],
    [30, "Poster Hall A"],
  ]),
};

const fmt = timeFormatter({ conferenceZone: "Asia/Jerusalem", mode: "conference", locale: "en", dayStartHour: 0 });

describe("planEntry", () => {
  it("takes a poster's slot and room from its session, its title from its paper, and its session's cancellation", () => {
    const e = planEntry(record("poster", 40), program, {});
    expect(e).toMatchObject({ title: "A poster's paper", board: "A-12", room: "Poster Hall A", start: "2026-10-22T08:45:00Z", sessionId: 2, cancelled: true, removed: false });
  });

  it("labels a session or meal by its own kind", () => {
    expect(planEntry(record("session", 3), program, {}).label).toEqual({ kind: "session", of: "social" });
    expect(planEntry(record("meal", 3), program, {}).label).toEqual({ kind: "meal", of: "reception" });
    expect(planEntry(record("poster", 40), program, {}).label).toBeNull();
  });

  it("gives an oral its own slot and its session's room", () => {
    expect(planEntry(record("oral", 7), program, {})).toMatchObject({ title: "A talk's paper", start: "2026-10-22T07:15:00Z", roomId: 10, room: "Hall A", sessionId: 1 });
  });

  it("keeps an item gone from the program, with its last known title", () => {
    const gone = planEntry(record("session", 99), program, { "session/99": { title: "Dropped workshop", start: "2026-10-22T07:00:00Z" } });
    expect(gone).toMatchObject({ removed: true, title: "Dropped workshop" });
    expect(planEntry(record("meal", 98), program, {})).toMatchObject({ removed: true, title: null });
  });

  it("links each kind to its detail screen", () => {
    expect(detailPath("eccv demo", "poster", 40)).toBe("/conferences/eccv%20demo/posters/40");
    expect(detailPath("c", "booth", 9)).toBe("/conferences/c/booths/9");
  });
});

describe("groupPlan", () => {
  const entries = [
    record("session", 5),
    record("booth", 9),
    record("session", 4),
    record("meal", 3),
    record("session", 3),
    record("oral", 7),
    record("session", 1),
    record("poster", 40),
    record("session", 99),
  ].map((r) => planEntry(r, program, {}));

  it("groups by day in the conference zone, in time order, booths and removed apart", () => {
    const groups = groupPlan(entries, fmt);
    expect(groups.days.map((d) => [d.day, d.items.map((e) => e.key)])).toEqual([
      ["2026-10-22", ["session/1", "oral/7", "poster/40", "session/3", "meal/3"]],
      ["2026-10-23", ["session/4", "session/5"]],
    ]);
    expect(groups.untimed.map((e) => e.key)).toEqual(["booth/9"]);
    expect(groups.removed.map((e) => e.key)).toEqual(["session/99"]);
  });

  it("moves an item to another day in another zone", () => {
    const utc = timeFormatter({ conferenceZone: "UTC", mode: "conference", locale: "en" });
    expect(groupPlan(entries, utc).days[0]?.items.map((e) => e.key)).toContain("session/4");
  });

  it("finds no conflict in the reception listed twice, nor an oral inside its session", () => {
    expect(overlaps(entries.filter(mayClash))).toEqual([]);
  });
});
