import { describe, expect, it } from "vitest";

import shared from "./conflict-cases.json";
import { conflictsByItem, overlaps, sameEvent, type ConflictTarget } from "./conflicts";

type Row = [ConflictTarget["kind"], number, string | null, string | null, number | null, number | null];

const target = ([kind, id, start, end, roomId, sessionId]: Row): ConflictTarget => ({ kind, id, start, end, roomId, sessionId });
const key = (t: ConflictTarget) => `${t.kind}/${t.id}`;

describe("overlaps: the server's cases (conflict-cases.json, also run by pytest)", () => {
  for (const c of shared.cases) {
    it(c.name, () => {
      const found = overlaps((c.targets as Row[]).map(target));
      expect(found.map((o) => [key(o.first), key(o.second), o.minutes])).toEqual(c.expected);
    });
  }
});

describe("sameEvent", () => {
  const reception = target(["session", 7, "2026-10-22T16:00:00Z", "2026-10-22T19:00:00Z", 20, null]);
  it("is symmetric for nested spans in one room", () => {
    const drinks = target(["meal", 3, "2026-10-22T17:00:00Z", "2026-10-22T18:00:00Z", 20, null]);
    expect(sameEvent(reception, drinks)).toBe(true);
    expect(sameEvent(drinks, reception)).toBe(true);
  });
  it("is false for another room, even with equal spans", () => {
    const elsewhere = target(["meal", 3, "2026-10-22T16:00:00Z", "2026-10-22T19:00:00Z", 21, null]);
    expect(sameEvent(reception, elsewhere)).toBe(false);
  });
  it("is false for an oral of another session in the same room at a partial overlap", () => {
    const oral = target(["oral", 5, "2026-10-22T18:30:00Z", "2026-10-22T19:30:00Z", 20, 99]);
    expect(sameEvent(reception, oral)).toBe(false);
  });
});

describe("conflictsByItem", () => {
  it("marks both sides of each overlap with the other item and the minutes", () => {
    const a = target(["session", 1, "2026-10-22T07:00:00Z", "2026-10-22T08:30:00Z", 10, null]);
    const b = target(["session", 2, "2026-10-22T08:00:00Z", "2026-10-22T09:00:00Z", 11, null]);
    const c = target(["meal", 3, "2026-10-22T08:15:00Z", "2026-10-22T08:45:00Z", 12, null]);
    const marks = conflictsByItem(overlaps([c, b, a]));
    expect(marks.get("session/1")?.map((m) => [key(m.other), m.minutes])).toEqual([
      ["session/2", 30],
      ["meal/3", 15],
    ]);
    expect(marks.get("meal/3")?.map((m) => key(m.other))).toEqual(["session/1", "session/2"]);
    expect(marks.has("poster/1")).toBe(false);
  });
});
