import "fake-indexeddb/auto";

import { afterEach, describe, expect, it } from "vitest";

import { bundleApply, bundleMetaGet, metaGet, metaSet, openDb, type BoardwalkDb } from "../../db";
import { searchClient, type SearchPort } from "../../search/client";
import { programme } from "../../search/fixtures";
import { createHandler, serve } from "../../search/protocol";
import { describeHits, groupDetails, prepareIndex, searchIndexKey, storedBundle, type StoredIndex } from "./search-index";

const CONF = "interspeech-2026";
const channels: MessageChannel[] = [];
const dbs: BoardwalkDb[] = [];
let count = 0;
afterEach(() => {
  for (const channel of channels.splice(0)) {
    channel.port1.close();
    channel.port2.close();
  }
  for (const db of dbs.splice(0)) db.close();
});

async function stored(): Promise<{ db: BoardwalkDb; name: string }> {
  const name = `schedule-search-${++count}`;
  const db = await openDb({ name });
  dbs.push(db);
  await bundleApply(db, CONF, programme(), { etag: null, etagSince: null, at: "2026-10-20T00:00:00Z" });
  return { db, name };
}

/** The real worker handler on the far end of a MessageChannel; `ops` records what was asked. */
function connect(name: string, ops: string[] = []) {
  const channel = new MessageChannel();
  channels.push(channel);
  const handler = createHandler(() => openDb({ name }));
  serve(channel.port2 as unknown as Parameters<typeof serve>[0], {
    handle: (request) => {
      ops.push(request.op);
      return handler.handle(request);
    },
  });
  channel.port2.start();
  const client = searchClient(channel.port1 as unknown as SearchPort);
  channel.port1.start();
  return client;
}

describe("the schedule's search index", () => {
  it("rebuilds the bundle db/ holds, rows and position alike", async () => {
    const { db } = await stored();
    const meta = await bundleMetaGet(db, CONF);
    const bundle = await storedBundle(db, CONF, meta!);
    expect([bundle.full, bundle.version, bundle.since, bundle.conference.slug]).toEqual([true, 1, null, CONF]);
    expect(bundle.posters.map((p) => p.board).sort()).toEqual(["007", "042", "A-12", "B14", "B15"]);
  });

  it("builds from the stored bundle the first time, keeps it, and loads the kept copy next time", async () => {
    const { db, name } = await stored();
    const first: string[] = [];
    expect(await prepareIndex(connect(name, first), db, CONF)).toBe(1);
    expect(first).toEqual(["build", "serialize"]);
    const kept = await metaGet<StoredIndex>(db, searchIndexKey(CONF));
    expect(kept?.version).toBe(1);

    const second: string[] = [];
    const client = connect(name, second);
    await prepareIndex(client, db, CONF);
    expect(second).toEqual(["load"]);
    expect((await client.search("levi 042")).map((hit) => `${hit.kind}:${hit.id}`)).toEqual([]);
    expect((await client.search("müller 042")).map((hit) => `${hit.kind}:${hit.id}`)).toEqual(["poster:40"]);
  });

  it("rebuilds when the kept copy is of another version or format", async () => {
    const { db, name } = await stored();
    await metaSet(db, searchIndexKey(CONF), { version: 0, text: "{}" } satisfies StoredIndex);
    const ops: string[] = [];
    await prepareIndex(connect(name, ops), db, CONF);
    expect(ops).toEqual(["build", "serialize"]);

    await metaSet(db, searchIndexKey(CONF), { version: 1, text: JSON.stringify({ format: -1 }) } satisfies StoredIndex);
    const again: string[] = [];
    const client = connect(name, again);
    await prepareIndex(client, db, CONF);
    expect(again).toEqual(["load", "build", "serialize"]);
    expect((await client.search("acme")).map((hit) => hit.kind)).toEqual(["booth"]);
    // Hangul and Hebrew survive the bundle rebuilt from the rows db/ holds.
    expect((await client.search("트랜스포머", { kinds: ["paper"] })).map((hit) => hit.id)).toEqual([10]);
    expect((await client.search("למידה", { kinds: ["paper"] })).map((hit) => hit.id)).toEqual([12]);
  });

  it("describes hits with board, room and time, grouped by kind in a fixed order", async () => {
    const { db, name } = await stored();
    const client = connect(name);
    await prepareIndex(client, db, CONF);
    const hits = await client.search("levi");
    const details = await describeHits(db, CONF, hits);
    const poster = details.find((d) => d.hit.kind === "poster" && d.hit.id === 43);
    expect(poster).toMatchObject({ board: "007", room: 2, start: "2026-10-24T09:00:00Z", end: "2026-10-24T11:00:00Z" });
    expect(details.find((d) => d.hit.kind === "paper" && d.hit.id === 10)?.authors).toEqual(["김민준", "Noa Levi"]);
    const groups = groupDetails(details, ["session", "oral", "paper", "poster", "booth", "meal"]);
    expect(groups.map((g) => g.kind)).toEqual(["oral", "paper", "poster"]);
    const booth = await describeHits(db, CONF, await client.search("acme"));
    expect(booth[0]).toMatchObject({ number: "E-0012", room: 3 });
  });
});
