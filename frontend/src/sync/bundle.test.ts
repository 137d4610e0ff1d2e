import "fake-indexeddb/auto";

import { afterEach, describe, expect, it } from "vitest";

import { createClient, type Bundle } from "../api/client";
import { bundleApply, bundleMetaGet, bundleRow, bundleRows, ofSession, openDb, type BoardwalkDb } from "../db";
import { APPLY_MEASURE, syncBundle } from "./bundle";
import { FakeServer } from "./fake-server";

const CONF = "eccv-2026";
let count = 0;
const dbs: BoardwalkDb[] = [];

afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

function bundle(version: number, patch: Partial<Bundle> = {}): Bundle {
  return {
    format: 1,
    version,
    since: null,
    full: true,
    conference: {
      id: 7, slug: CONF, name: "ECCV 2026", timezone: "Asia/Jerusalem", start_date: "2026-10-22",
      end_date: "2026-10-26", venue: "", city: "Tel Aviv", country: "IL", website: "", schedule_version: version,
    },
    rooms: [{ id: 1, name: "Hall A", kind: "hall", position: 1 }],
    tracks: [{ id: 2, name: "3D Vision", slug: "3d-vision", colour: "#4a6fa5" }],
    people: [{ id: 9, name: "Noa Levi" }],
    papers: [{ id: 5, title: "Depth from Nothing", authors: [9] }],
    sessions: [
      { id: 4, title: "Orals 1", kind: "oral", start: "2026-10-24T06:00:00Z", end: "2026-10-24T07:30:00Z", room: 1 },
      { id: 11, title: "Posters 1", kind: "poster", start: "2026-10-24T08:00:00Z", end: "2026-10-24T10:00:00Z" },
    ],
    orals: [{ id: 6, session: 4, paper: 5, start: "2026-10-24T06:00:00Z", end: "2026-10-24T06:15:00Z", order: 1 }],
    posters: [
      { id: 8, session: 11, paper: 5, board: "042" },
      { id: 13, session: 11, title: "Late-breaking", board: "043" },
    ],
    booths: [],
    meals: [{ id: 2, kind: "lunch", title: "Lunch", start: "2026-10-24T10:00:00Z", end: "2026-10-24T11:00:00Z" }],
    ...patch,
  };
}

/** Version 2: the orals session moved an hour, poster 8 cancelled, a new paper, a renamed room. */
function version2(): Bundle {
  const v1 = bundle(1);
  return bundle(2, {
    rooms: [{ id: 1, name: "Hall A (upstairs)", kind: "hall", position: 1 }],
    papers: [...v1.papers, { id: 15, title: "Gaussian Everything", authors: [9] }],
    sessions: [{ ...v1.sessions[0]!, start: "2026-10-24T07:00:00Z", end: "2026-10-24T08:30:00Z" }, v1.sessions[1]!],
    posters: [{ ...v1.posters[0]!, cancelled: true }, v1.posters[1]!],
  });
}

async function setup() {
  const server = new FakeServer();
  server.bundles.set(1, bundle(1));
  server.version = 1;
  const db = await openDb({ name: `bundle-${++count}` });
  dbs.push(db);
  let clock = Date.parse("2026-10-24T05:00:00Z");
  const run = () => syncBundle(db, createClient({ fetch: server.fetch }), CONF, { now: () => (clock += 60_000) });
  return { server, db, run };
}

describe("syncBundle", () => {
  it("downloads the whole bundle first and keeps every row and the version", async () => {
    const { server, db, run } = await setup();

    const result = await run();

    expect(result).toEqual({ outcome: "full", version: 1, rows: 10 });
    expect(server.requests.map((r) => r.path)).toEqual([`/api/v1/conferences/${CONF}/bundle`]);
    expect(await bundleRows(db, "sessions", CONF)).toEqual(bundle(1).sessions.map((s) => ({ ...s, conf: CONF })));
    expect((await ofSession(db, "posters", CONF, 11)).map((p) => p.board)).toEqual(["042", "043"]);
    expect(await bundleMetaGet(db, CONF)).toMatchObject({ version: 1, format: 1, etag: '"bundle-7-v1"', etagSince: null, checkedAt: "2026-10-24T05:01:00.000Z" });
  });

  it("merges a delta: upserts, keeps a cancelled row as a tombstone, advances the version", async () => {
    const { server, db, run } = await setup();
    await run();
    server.bundles.set(2, version2());
    server.version = 2;

    const result = await run();

    expect(server.requests.at(-1)!.path).toBe(`/api/v1/conferences/${CONF}/bundle?since=1`);
    // All rooms and tracks (1 + 1), then only what changed: a paper, a session, a poster.
    expect(result).toEqual({ outcome: "delta", version: 2, rows: 5 });
    expect(await bundleRow(db, "sessions", CONF, 4)).toMatchObject({ start: "2026-10-24T07:00:00Z", end: "2026-10-24T08:30:00Z" });
    expect(await bundleRow(db, "posters", CONF, 8)).toEqual({ id: 8, session: 11, paper: 5, board: "042", cancelled: true, conf: CONF });
    expect((await bundleRows(db, "papers", CONF)).map((p) => p.id)).toEqual([5, 15]);
    expect(await bundleRow(db, "rooms", CONF, 1)).toMatchObject({ name: "Hall A (upstairs)" });
    expect(await bundleRow(db, "orals", CONF, 6)).toMatchObject({ order: 1 }); // untouched rows stay
    expect(await bundleMetaGet(db, CONF)).toMatchObject({ version: 2, etagSince: 1 });
  });

  it("answers 304 to the same question and only notes the check", async () => {
    const { server, db, run } = await setup();
    await run();
    await run(); // since=1 at version 1: an empty delta, with its own ETag
    const before = await bundleMetaGet(db, CONF);

    const result = await run();

    expect(result).toEqual({ outcome: "not-modified", version: 1, rows: 0 });
    expect(server.requests.at(-1)!.headers["If-None-Match"]).toBe('"bundle-7-v1-since1"');
    const after = await bundleMetaGet(db, CONF);
    expect(after).toEqual({ ...before, checkedAt: "2026-10-24T05:03:00.000Z" });
    expect((await bundleRows(db, "sessions", CONF)).length).toBe(2);
  });

  it("applies a delta atomically: a row that cannot be stored leaves rows and version as they were", async () => {
    const { server, db, run } = await setup();
    await run();
    const broken = version2();
    broken.sessions = [broken.sessions[0]!, { title: "No id" } as never];
    server.bundles.set(2, broken);
    server.version = 2;

    await expect(run()).rejects.toThrow();

    expect(await bundleRow(db, "sessions", CONF, 4)).toMatchObject({ start: "2026-10-24T06:00:00Z" });
    expect(await bundleRow(db, "posters", CONF, 8)).not.toHaveProperty("cancelled");
    expect(await bundleMetaGet(db, CONF)).toMatchObject({ version: 1 });
  });

  it("replaces everything when the server answers a full bundle to a since beyond its version", async () => {
    const { server, db, run } = await setup();
    server.bundles.set(9, bundle(9, { papers: [{ id: 99, title: "Only on the old server", authors: [] }] }));
    server.version = 9;
    await run();
    server.version = 1; // the database was restored to an older copy

    const result = await run();

    expect(server.requests.at(-1)!.path).toBe(`/api/v1/conferences/${CONF}/bundle?since=9`);
    expect(result).toEqual({ outcome: "full", version: 1, rows: 10 });
    expect((await bundleRows(db, "papers", CONF)).map((p) => p.id)).toEqual([5]);
    expect(await bundleMetaGet(db, CONF)).toMatchObject({ version: 1 });
  });

  it("leaves other conferences alone when replacing one", async () => {
    const { server, db, run } = await setup();
    const other = new FakeServer();
    other.bundles.set(3, bundle(3, { conference: { ...bundle(3).conference, slug: "cvpr" }, papers: [{ id: 5, title: "CVPR paper", authors: [] }] }));
    other.version = 3;
    await syncBundle(db, createClient({ fetch: other.fetch }), "cvpr");

    await run();

    expect(await bundleRow(db, "papers", "cvpr", 5)).toMatchObject({ title: "CVPR paper" });
    expect(await bundleRow(db, "papers", CONF, 5)).toMatchObject({ title: "Depth from Nothing" });
    expect(server.requests).toHaveLength(1);
  });
});

describe("bundleApply", () => {
  const AT = { etag: null, etagSince: null, at: "2026-10-24T05:00:00.000Z" };

  it("keeps nothing of a body with a row it cannot store, and rejects", async () => {
    const db = await openDb({ name: `bundle-apply-${count++}` });
    dbs.push(db);
    await bundleApply(db, CONF, bundle(1), AT);
    const broken = { ...version2(), full: false, since: 1 } as Bundle;
    broken.posters = [...broken.posters, { session: 11, board: "099" } as Bundle["posters"][number]];
    await expect(bundleApply(db, CONF, broken, AT)).rejects.toThrow();
    expect((await bundleMetaGet(db, CONF))?.version).toBe(1);
    expect((await bundleRows(db, "rooms", CONF)).map((room) => room.name)).toEqual(["Hall A"]);
    expect((await bundleRows(db, "papers", CONF)).map((paper) => paper.id)).toEqual([5]);
    expect((await bundleRow(db, "posters", CONF, 8))?.cancelled).toBeUndefined();
  });

  it("measures each body it stores", async () => {
    const before = performance.getEntriesByName(APPLY_MEASURE).length;
    const { run } = await setup();
    await run();
    const entries = performance.getEntriesByName(APPLY_MEASURE) as PerformanceMeasure[];
    expect(entries).toHaveLength(before + 1);
    expect(entries.at(-1)?.detail).toEqual({ full: true, rows: 10 });
  });
});
