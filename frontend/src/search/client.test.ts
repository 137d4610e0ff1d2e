import "fake-indexeddb/auto";

import { afterEach, describe, expect, it } from "vitest";

import { bundleApply, openDb } from "../db";
import { type SearchPort, SearchWorkerError, searchClient } from "./client";
import { delta, programme } from "./fixtures";
import { buildIndex, search, serialize } from "./index";
import { createHandler, serve } from "./protocol";

const channels: MessageChannel[] = [];
afterEach(() => {
  for (const channel of channels.splice(0)) {
    channel.port1.close();
    channel.port2.close();
  }
});

/** The client and the worker's handler on the two ends of a MessageChannel (structured clone). */
function connect(dbName: string) {
  const channel = new MessageChannel();
  channels.push(channel);
  serve(channel.port2 as unknown as Parameters<typeof serve>[0], createHandler(() => openDb({ name: dbName })));
  channel.port2.start();
  const client = searchClient(channel.port1 as unknown as SearchPort);
  channel.port1.start();
  return client;
}

describe("the search worker protocol", () => {
  it("builds, searches, applies a delta through db/, serializes and loads", async () => {
    const base = programme();
    const db = await openDb({ name: "search-worker" });
    await bundleApply(db, "interspeech-2026", base, { etag: null, etagSince: null, at: "2026-10-22T08:00:00Z" });
    const client = connect("search-worker");

    expect(await client.build(base)).toEqual({ conference: 3, version: 1, documents: buildIndex(base).engine.documentCount });
    expect(await client.search("042")).toEqual(search(buildIndex(base), "042"));

    const rename = delta(base, 1, 2, { people: [{ id: 3, name: "Kim Min-jun" }] });
    const applied = await client.applyDelta(rename, "interspeech-2026");
    expect(applied.replaced.sort()).toEqual(["oral:30", "paper:10", "poster:43", "session:22"]);
    expect(applied.version).toBe(2);
    expect((await client.search("kim", { kinds: ["paper"] })).map((hit) => hit.id)).toEqual([10]);

    const text = await client.serialize();
    const other = connect("search-worker");
    expect(await other.load(text)).toMatchObject({ conference: 3, version: 2 });
    expect(await other.search("kim")).toEqual(await client.search("kim"));
    db.close();
  });

  it("answers errors by name, and keeps serving", async () => {
    const client = connect("search-worker-errors");
    await expect(client.search("x")).rejects.toThrow(SearchWorkerError);
    await expect(client.load("{not json")).rejects.toMatchObject({ name: "SearchIndexError" });
    expect(await client.load(serialize(buildIndex(programme())))).toMatchObject({ version: 1 });
    expect((await client.search("shakshuka")).map((hit) => hit.kind)).toEqual(["meal"]);
  });
});
