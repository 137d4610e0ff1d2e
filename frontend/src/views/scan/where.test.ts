import { describe, expect, it } from "vitest";

import { whereNow, type WhereProgram } from "./where";

const at = new Date("2026-10-24T07:30:00Z");
const program: WhereProgram = {
  sessions: [
    { id: 1, start: "2026-10-24T07:00:00Z", end: "2026-10-24T08:00:00Z" }, // poster session, on now
    { id: 2, start: "2026-10-24T07:15:00Z", end: "2026-10-24T09:00:00Z" }, // talk session, on now, started later
    { id: 3, start: "2026-10-24T09:00:00Z", end: "2026-10-24T10:00:00Z" }, // later
    { id: 4, start: "2026-10-24T07:00:00Z", end: "2026-10-24T08:00:00Z", cancelled: true },
  ],
  orals: [
    { id: 20, start: "2026-10-24T07:15:00Z", end: "2026-10-24T07:25:00Z" }, // over
    { id: 21, start: "2026-10-24T07:25:00Z", end: "2026-10-24T07:40:00Z" }, // on now
  ],
  posters: [
    { id: 10, session: 1 },
    { id: 11, session: 3 },
    { id: 12, session: 1, cancelled: true },
  ],
  booths: [
    { id: 30, hours: [{ start: "2026-10-24T06:00:00Z", end: "2026-10-24T10:00:00Z" }] },
    { id: 31, hours: [{ start: "2026-10-24T12:00:00Z", end: "2026-10-24T14:00:00Z" }] },
  ],
  meals: [{ id: 40, start: "2026-10-24T07:00:00Z", end: "2026-10-24T08:00:00Z" }],
};
const where = (...keys: string[]) => whereNow(program, new Set(keys), at);

describe("where a scanned meetup happened: what is on now in my plan", () => {
  it("nothing starred on now: no place", () => {
    expect(where()).toBeNull();
    expect(where("session/3", "poster/11", "oral/20", "booth/31", "session/4", "poster/12")).toBeNull();
  });

  it("a starred talk or poster on now says more than its session", () => {
    expect(where("session/2", "oral/21")).toEqual({ kind: "oral", id: 21 });
    expect(where("session/1", "poster/10")).toEqual({ kind: "poster", id: 10 });
  });

  it("of two starred sessions on now, the one started last", () => {
    expect(where("session/1", "session/2")).toEqual({ kind: "session", id: 2 });
    expect(where("session/1")).toEqual({ kind: "session", id: 1 });
  });

  it("a booth open now, then a meal, when no session is starred", () => {
    expect(where("booth/30", "meal/40")).toEqual({ kind: "booth", id: 30 });
    expect(where("meal/40")).toEqual({ kind: "meal", id: 40 });
    expect(where("session/1", "booth/30")).toEqual({ kind: "session", id: 1 });
  });

  it("the end is not on any more", () => {
    expect(whereNow(program, new Set(["meal/40"]), new Date("2026-10-24T08:00:00Z"))).toBeNull();
  });
});
