import "fake-indexeddb/auto";

import { describe, expect, it } from "vitest";

import { bundleApply, metaGet, metaSet, openDb, type BoardwalkDb } from "../db";
import { delta, programme } from "./fixtures";
import { SEARCH_INDEX_FORMAT, buildIndex, search, serialize } from "./index";
import { loadStoredIndex, openIndex, storedBundle, storedIndexKey, updateIndex, type StoredIndex } from "./store";

const CONF = "interspeech-2026";
const AT = { etag: null, etagSince: null, at: "2026-10-22T08:00:00Z" };
let n = 0;

async function withProgramme(): Promise<BoardwalkDb> {
  const db = await openDb({ name: `search-store-${n++}` });
  await bundleApply(db, CONF, programme(), AT);
  return db;
}

const stored = (db: BoardwalkDb) => metaGet<StoredIndex>(db, storedIndexKey(CONF));

describe("the stored search index", () => {
  it("rebuilds db/'s rows into the full bundle they came from", async () => {
    const db = await withProgramme();
    const bundle = await storedBundle(db, CONF);
    expect(search(buildIndex(bundle!), "042")).toEqual(search(buildIndex(programme()), "042"));
    expect(await storedBundle(db, "another")).toBeNull();
  });

  it("is built and stored when there is none, then loaded", async () => {
    const db = await withProgramme();
    const first = await openIndex(db, CONF);
    expect(first.source).toBe("built");
    expect(await stored(db)).toMatchObject({ format: SEARCH_INDEX_FORMAT, version: 1 });

    const second = await openIndex(db, CONF);
    expect(second.source).toBe("stored");
    expect(search(second.index, "kim")).toEqual(search(first.index, "kim"));
  });

  it("is rebuilt when its version is not the bundle's, or its format not this app's", async () => {
    const db = await withProgramme();
    const old = buildIndex(programme());
    old.version = 0;
    await metaSet(db, storedIndexKey(CONF), { format: SEARCH_INDEX_FORMAT, version: 0, text: serialize(old) });
    expect((await openIndex(db, CONF)).source).toBe("built");
    expect((await stored(db))?.version).toBe(1);

    await metaSet(db, storedIndexKey(CONF), { format: SEARCH_INDEX_FORMAT - 1, version: 1, text: "{}" });
    expect(await loadStoredIndex(db, CONF)).toBeNull();
    expect((await openIndex(db, CONF)).source).toBe("built");
    expect((await stored(db))?.format).toBe(SEARCH_INDEX_FORMAT);
  });

  it("keeps the index in memory when it is at the bundle's version, else opens another", async () => {
    const db = await withProgramme();
    const { index } = await openIndex(db, CONF);
    expect(await openIndex(db, CONF, index)).toEqual({ index, source: "memory" });
    index.version = 0;
    const reopened = await openIndex(db, CONF, index);
    expect(reopened.source).toBe("stored");
    expect(reopened.index.version).toBe(1);
  });

  it("refuses to open a conference with no stored program", async () => {
    const db = await openDb({ name: `search-store-${n++}` });
    await expect(openIndex(db, CONF)).rejects.toMatchObject({ name: "SearchIndexError" });
  });

  it("takes a delta and is stored again at the delta's version", async () => {
    const db = await withProgramme();
    await openIndex(db, CONF);
    const rename = delta(programme(), 1, 2, { people: [{ id: 3, name: "Kim Min-jun" }] });
    await bundleApply(db, CONF, rename, AT);

    // Not in memory: the stored index is loaded, updated and stored.
    const updated = await updateIndex(db, CONF, null, rename);
    expect(updated?.index.version).toBe(2);
    expect(updated?.timings.apply).toBeGreaterThanOrEqual(0);
    expect((await stored(db))?.version).toBe(2);
    const reopened = await openIndex(db, CONF);
    expect(reopened.source).toBe("stored");
    expect(search(reopened.index, "kim", { kinds: ["paper"] }).map((hit) => hit.id)).toEqual([10]);
  });

  it("drops an index a delta cannot apply to, and answers null with none to update", async () => {
    const db = await withProgramme();
    await openIndex(db, CONF);
    const gap = delta(programme(), 5, 6);
    expect(await updateIndex(db, CONF, null, gap)).toBeNull();
    expect(await stored(db)).toBeUndefined();
    expect(await updateIndex(db, CONF, null, delta(programme(), 1, 2))).toBeNull();
  });
});
