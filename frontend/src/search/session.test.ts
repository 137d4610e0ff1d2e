import "fake-indexeddb/auto";

import { afterEach, describe, expect, it } from "vitest";

import { bundleApply, metaGet, openDb } from "../db";
import { type SearchPort, searchClient } from "./client";
import { delta, programme } from "./fixtures";
import { createHandler, serve } from "./protocol";
import { getSearch, resetSearchForTests, searchAfterSync } from "./session";
import { storedIndexKey, type StoredIndex } from "./store";

const CONF = "interspeech-2026";
const AT = { etag: null, etagSince: null, at: "2026-10-22T08:00:00Z" };
const channels: MessageChannel[] = [];
afterEach(() => {
  for (const channel of channels.splice(0)) {
    channel.port1.close();
    channel.port2.close();
  }
});

/** getSearch's worker is the real handler at the other end of a MessageChannel; counts opens. */
function useChannel(dbName: string) {
  const opens: string[] = [];
  resetSearchForTests(() => {
    const channel = new MessageChannel();
    channels.push(channel);
    const handler = createHandler(() => openDb({ name: dbName }));
    serve(channel.port2 as unknown as Parameters<typeof serve>[0], {
      handle(request) {
        opens.push(request.op);
        return handler.handle(request);
      },
    });
    channel.port2.start();
    channel.port1.start();
    return searchClient(channel.port1 as unknown as SearchPort);
  });
  return opens;
}

describe("getSearch", () => {
  it("opens once per conference, builds the first time and loads after", async () => {
    const db = await openDb({ name: "session-a" });
    await bundleApply(db, CONF, programme(), AT);
    const ops = useChannel("session-a");

    const [one, two] = await Promise.all([getSearch(CONF), getSearch(CONF)]);
    expect(one).toBe(two);
    expect(ops.filter((op) => op === "open")).toHaveLength(1);
    expect(one.state).toMatchObject({ source: "built", version: 1 });
    expect((await one.search("042")).map((hit) => `${hit.kind}:${hit.id}`)).toEqual(["poster:40"]);
    expect(performance.getEntriesByName("boardwalk:search").length).toBeGreaterThan(0);

    useChannel("session-a"); // a new page: the stored index is loaded
    expect((await getSearch(CONF)).state.source).toBe("stored");
  });

  it("rejects without a stored program, and tries again on the next call", async () => {
    const db = await openDb({ name: "session-b" });
    useChannel("session-b");
    await expect(getSearch(CONF)).rejects.toMatchObject({ name: "SearchIndexError" });
    await bundleApply(db, CONF, programme(), AT);
    expect((await getSearch(CONF)).state.version).toBe(1);
  });

  it("follows a delta db/ stored: the open index and the stored one move to its version", async () => {
    const db = await openDb({ name: "session-c" });
    await bundleApply(db, CONF, programme(), AT);
    useChannel("session-c");
    const session = await getSearch(CONF);

    const rename = delta(programme(), 1, 2, { people: [{ id: 3, name: "Kim Min-jun" }] });
    await bundleApply(db, CONF, rename, AT);
    await searchAfterSync(CONF, rename);
    expect(session.state.version).toBe(2);
    expect((await session.search("kim", { kinds: ["paper"] })).map((hit) => hit.id)).toEqual([10]);
    expect((await metaGet<StoredIndex>(db, storedIndexKey(CONF)))?.version).toBe(2);
    expect(performance.getEntriesByName("boardwalk:search-delta")).toHaveLength(1);
  });

  it("after a delta with no open session, updates the stored index without opening one", async () => {
    const db = await openDb({ name: "session-d" });
    await bundleApply(db, CONF, programme(), AT);
    useChannel("session-d");
    await getSearch(CONF);
    const ops = useChannel("session-d"); // a new page that has not searched yet

    const rename = delta(programme(), 1, 2, { people: [{ id: 3, name: "Kim Min-jun" }] });
    await bundleApply(db, CONF, rename, AT);
    await searchAfterSync(CONF, rename);
    expect(ops).toEqual(["update"]);
    // The worker kept the index it updated: opening it loads nothing.
    expect((await getSearch(CONF)).state).toMatchObject({ source: "memory", version: 2 });
  });

  it("leaves a full bundle to the next open when no session is open", async () => {
    const db = await openDb({ name: "session-e" });
    const ops = useChannel("session-e");
    await bundleApply(db, CONF, programme(), AT);
    await searchAfterSync(CONF, programme());
    expect(ops).toEqual([]);
  });
});
