import "fake-indexeddb/auto";

import { afterEach, describe, expect, it } from "vitest";

import { bundleApply, openDb, type BoardwalkDb } from "../../db";
import { emptyBundle } from "../../search/fixtures";
import { nowAndNext } from "./now-next";

const dbs: BoardwalkDb[] = [];
let count = 0;
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

async function stored(): Promise<BoardwalkDb> {
  const db = await openDb({ name: `now-next-${++count}` });
  dbs.push(db);
  const bundle = emptyBundle({
    sessions: [
      { id: 1, title: "Full-day workshop", kind: "workshop", start: "2026-10-24T05:00:00Z", end: "2026-10-24T14:00:00Z" },
      { id: 2, title: "Orals 1", kind: "oral", start: "2026-10-24T06:00:00Z", end: "2026-10-24T07:30:00Z" },
      { id: 3, title: "Over already", kind: "oral", start: "2026-10-24T04:00:00Z", end: "2026-10-24T06:30:00Z" },
      { id: 4, title: "Posters 1", kind: "poster", start: "2026-10-24T08:00:00Z", end: "2026-10-24T10:00:00Z" },
      { id: 5, title: "Cancelled talk", kind: "oral", start: "2026-10-24T07:45:00Z", end: "2026-10-24T08:00:00Z", cancelled: true },
      { id: 6, title: "Tomorrow", kind: "keynote", start: "2026-10-25T07:00:00Z", end: "2026-10-25T08:00:00Z" },
    ],
    meals: [{ id: 9, kind: "coffee", title: "Coffee", start: "2026-10-24T07:30:00Z", end: "2026-10-24T08:00:00Z" }],
  });
  await bundleApply(db, bundle.conference.slug, bundle, { etag: null, etagSince: null, at: "2026-10-20T00:00:00Z" });
  return db;
}

describe("nowAndNext", () => {
  it("lists what is on and what starts within the hour, meals included, cancelled left out", async () => {
    const db = await stored();
    const conf = emptyBundle().conference.slug;
    const at = new Date("2026-10-24T07:00:00Z");
    const { now, next } = await nowAndNext(db, conf, at);
    expect(now.map((s) => s.title)).toEqual(["Full-day workshop", "Orals 1"]);
    expect(next.map((s) => [s.type, s.title])).toEqual([["meal", "Coffee"]]);
  });

  it("counts an item starting this very second as on now, and one ending now as over", async () => {
    const db = await stored();
    const conf = emptyBundle().conference.slug;
    const { now, next } = await nowAndNext(db, conf, new Date("2026-10-24T07:30:00Z"));
    expect(now.map((s) => s.title)).toEqual(["Full-day workshop", "Coffee"]);
    expect(next.map((s) => s.title)).toEqual(["Posters 1"]);
  });

  it("is empty for a conference with nothing stored", async () => {
    const db = await stored();
    expect(await nowAndNext(db, "other", new Date("2026-10-24T07:00:00Z"))).toEqual({ now: [], next: [] });
  });
});
