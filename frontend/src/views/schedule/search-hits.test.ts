import "fake-indexeddb/auto";

import { afterEach, describe, expect, it } from "vitest";

import { bundleApply, openDb, type BoardwalkDb } from "../../db";
import { searchClient, type SearchPort } from "../../search/client";
import { KINDS } from "../../search/documents";
import { programme } from "../../search/fixtures";
import { createHandler, serve } from "../../search/protocol";
import { getSearch, resetSearchForTests } from "../../search/session";
import { describeHits, groupDetails } from "./search-hits";

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

/**
 * The program stored as the app stores it, and getSearch's worker the real handler at the far
 * end of a MessageChannel, reading that database: the Schedule's search as it runs in the page.
 */
async function stored(): Promise<BoardwalkDb> {
  const name = `schedule-search-${++count}`;
  const db = await openDb({ name });
  dbs.push(db);
  await bundleApply(db, CONF, programme(), { etag: null, etagSince: null, at: "2026-10-20T00:00:00Z" });
  resetSearchForTests(() => {
    const channel = new MessageChannel();
    channels.push(channel);
    serve(channel.port2 as unknown as Parameters<typeof serve>[0], createHandler(() => openDb({ name })));
    channel.port2.start();
    channel.port1.start();
    return searchClient(channel.port1 as unknown as SearchPort);
  });
  return db;
}

describe("the schedule's search", () => {
  it("finds Hangul and Hebrew titles through the app's index", async () => {
    await stored();
    const search = await getSearch(CONF);
    expect((await search.search("트랜스포머", { limit: 100 })).filter((hit) => hit.kind === "paper").map((hit) => hit.id)).toEqual([10]);
    expect((await search.search("למידה", { limit: 100 })).filter((hit) => hit.kind === "paper").map((hit) => hit.id)).toEqual([12]);
    expect((await search.search("müller 042", { limit: 100 })).map((hit) => `${hit.kind}:${hit.id}`)).toEqual(["poster:40"]);
  });

  it("describes hits with board, room and time, grouped by kind in a fixed order", async () => {
    const db = await stored();
    const search = await getSearch(CONF);
    const details = await describeHits(db, CONF, await search.search("levi", { limit: 100 }));
    const poster = details.find((d) => d.hit.kind === "poster" && d.hit.id === 43);
    expect(poster).toMatchObject({ board: "007", room: 2, start: "2026-10-24T09:00:00Z", end: "2026-10-24T11:00:00Z" });
    expect(details.find((d) => d.hit.kind === "paper" && d.hit.id === 10)?.authors).toEqual(["김민준", "Noa Levi"]);
    const groups = groupDetails(details, KINDS);
    expect(groups.map((g) => g.kind)).toEqual(["oral", "paper", "poster"]);
    const booth = await describeHits(db, CONF, await search.search("acme", { limit: 100 }));
    expect(booth[0]).toMatchObject({ number: "E-0012", room: 3 });
  });
});
