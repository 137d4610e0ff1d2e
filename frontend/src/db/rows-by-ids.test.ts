import "fake-indexeddb/auto";

import { describe, expect, it } from "vitest";

import { bundleApply, bundleRowsByIds, openDb, type BundleBody } from "./index";

const conference = { id: 1, slug: "c", name: "C", timezone: "UTC", start_date: "2026-10-22", end_date: "2026-10-23", venue: "", city: "", country: "", website: "", schedule_version: 1 };
const empty = { rooms: [], tracks: [], people: [], papers: [], sessions: [], orals: [], posters: [], booths: [], meals: [] };

describe("bundleRowsByIds", () => {
  it("reads the rows asked for, of this conference only, once each", async () => {
    const db = await openDb({ name: "rows-by-ids" });
    const papers = (conf: string) => [1, 2, 3].map((id) => ({ id, title: `${conf} paper ${id}`, authors: [] }));
    const body = (conf: string): BundleBody => ({ format: 1, version: 1, full: true, since: null, conference: { ...conference, slug: conf }, ...empty, papers: papers(conf) });
    const http = { etag: null, etagSince: null, at: "2026-10-22T00:00:00Z" };
    await bundleApply(db, "c", body("c"), http);
    await bundleApply(db, "d", body("d"), http);

    const found = await bundleRowsByIds(db, "papers", "c", [3, 1, 3, 99]);

    expect([...found.keys()]).toEqual([3, 1]);
    expect(found.get(1)?.title).toBe("c paper 1");
    db.close();
  });
});
