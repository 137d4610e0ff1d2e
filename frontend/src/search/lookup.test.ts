import "fake-indexeddb/auto";

import { describe, expect, it } from "vitest";

import { bundleApply, openDb } from "../db";
import { delta, programme } from "./fixtures";
import { applyDelta, buildIndex, bundleLookup, dbLookup, deserialize, search, SearchIndexError, serialize } from "./index";

const keys = (hits: { kind: string; id: number }[]) => hits.map((hit) => `${hit.kind}:${hit.id}`).sort();
const http = { etag: null, etagSince: null, at: "2026-10-22T08:00:00Z" };

describe("applyDelta through a row lookup", () => {
  it("re-indexes a renamed person's documents from the rows db/ stores", async () => {
    const base = programme();
    const db = await openDb({ name: "search-lookup-rename" });
    await bundleApply(db, "interspeech-2026", base, http);
    // The index is loaded from its serialized form: it has no copy of the rows.
    const index = deserialize(serialize(buildIndex(base)));
    const rename = delta(base, 1, 2, { people: [{ id: 3, name: "Kim Min-jun" }] });
    await bundleApply(db, "interspeech-2026", rename, http);

    const result = await applyDelta(index, rename, dbLookup(db, "interspeech-2026"));

    expect(result.replaced.sort()).toEqual(["oral:30", "paper:10", "poster:43", "session:22"]);
    expect(keys(search(index, "kim min-jun"))).toEqual(["oral:30", "paper:10", "poster:43", "session:22"]);
    expect(search(index, "김민준")).toEqual([]);
    // The paper's other text was read back from db/, not lost: its abstract and board still match.
    expect(keys(search(index, "kim streaming"))).toEqual(["paper:10"]);
    expect(keys(search(index, "kim 007"))).toEqual(["poster:43"]);
    db.close();
  });

  it("reads the rows whether db/ stored the delta before or after", async () => {
    const base = programme();
    const db = await openDb({ name: "search-lookup-order" });
    await bundleApply(db, "interspeech-2026", base, http);
    const index = buildIndex(base);
    const paper = { ...base.papers[3]!, title: "Masked autoencoders for posters" };
    const change = delta(base, 1, 2, { papers: [paper] });

    const result = await applyDelta(index, change, dbLookup(db, "interspeech-2026"));

    expect(result).toEqual({ added: [], replaced: ["paper:13", "poster:41"], discarded: [] });
    expect(keys(search(index, "masked autoencoders a12"))).toEqual(["poster:41"]);
    db.close();
  });

  it("needs a lookup for a delta, not for a full bundle", async () => {
    const base = programme();
    const index = buildIndex(base);
    await expect(applyDelta(index, delta(base, 1, 2))).rejects.toThrow(SearchIndexError);
    const full = { ...programme(), version: 2 };
    expect(await applyDelta(index, full)).toEqual({ added: [], replaced: [], discarded: [] });
    expect(index.version).toBe(2);
  });

  it("runs calls on one index in order", async () => {
    const base = programme();
    const index = buildIndex(base);
    const lookup = bundleLookup(base);
    const first = applyDelta(index, delta(base, 1, 2, { booths: [{ ...base.booths[0]!, exhibitor: "Initech" }] }), lookup);
    const second = applyDelta(index, delta(base, 2, 3, { booths: [{ ...base.booths[0]!, exhibitor: "Umbrella" }] }), lookup);
    expect((await first).replaced).toEqual(["booth:50"]);
    expect((await second).replaced).toEqual(["booth:50"]);
    expect(keys(search(index, "umbrella"))).toEqual(["booth:50"]);
    expect(search(index, "initech")).toEqual([]);
  });
});

describe("the serialized index", () => {
  it("keeps no row text but titles, and round-trips with its links", async () => {
    const base = programme();
    const index = buildIndex(base);
    const text = serialize(index);
    expect(text).not.toContain("unlabelled photographs");
    expect(text).not.toContain("streaming encoder");
    expect(text).not.toContain("Siobhán");
    expect(text).toContain(base.papers[3]!.title);

    const again = deserialize(text);
    expect([...again.docs]).toEqual([...index.docs]);
    expect([...again.rooms]).toEqual([...index.rooms]);
    const rename = delta(base, 1, 2, { people: [{ id: 3, name: "Kim Min-jun" }] });
    const merged = { ...base, people: base.people.map((p) => (p.id === 3 ? rename.people[0]! : p)) };
    const [a, b] = [await applyDelta(index, rename, bundleLookup(merged)), await applyDelta(again, rename, bundleLookup(merged))];
    expect(b).toEqual(a);
    for (const query of ["kim", "speech", "042", "crème"]) expect(search(again, query), query).toEqual(search(index, query));
  });
});
