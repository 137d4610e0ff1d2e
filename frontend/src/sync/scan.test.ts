import "fake-indexeddb/auto";

import { afterEach, describe, expect, it } from "vitest";

import { createClient } from "../api/client";
import { failedList, meetupGet, metaGet, openDb, outboxList, type BoardwalkDb } from "../db";
import { FakeServer } from "./fake-server";
import { createOutbox, scannedKey, type Outbox } from "./outbox";

const CONF = "eccv-2026";
const BADGE = "https://boardwalk.example/b/AbCdEfGhIjKlMnOpQrStUvWxYz012345";
const TOKEN = "AbCdEfGhIjKlMnOpQrStUvWxYz012345";
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
let dbCount = 0;
const opened: { db: BoardwalkDb; outbox: Outbox }[] = [];

async function setup() {
  const server = new FakeServer();
  server.badges.set(TOKEN, { other: 42, name: "Dana Cohen" });
  const db = await openDb({ name: `scan-${++dbCount}` });
  const outbox = createOutbox({ db, api: createClient({ fetch: server.fetch }), autoReplay: false, channel: null });
  opened.push({ db, outbox });
  return { server, db, outbox };
}

afterEach(() => {
  for (const { db, outbox } of opened.splice(0)) {
    outbox.dispose();
    db.close();
  }
});

const scan = (id: string, extra = {}) => ({ id, badge: BADGE, met_at: "2026-10-24T07:00:00Z", ...extra });
const meetups = (server: FakeServer) => [...server.entries.values()].filter((e) => e.type === "meetup");

describe("a badge scan through the outbox", () => {
  it("offline: a local meetup, who unknown, queued; replayed later: the server's meetup, once", async () => {
    const { server, db, outbox } = await setup();
    server.faults.push("offline");
    await outbox.scanBadge(CONF, scan(uuid(1), { session: 12 }));
    expect((await outbox.replay()).stopped).toBe("network");

    const pending = await meetupGet(db, uuid(1));
    expect(pending).toMatchObject({ synced: false, scan: BADGE, fields: { other: null, source: "badge_scan", session: 12, met_at: "2026-10-24T07:00:00Z" } });
    expect((await outboxList(db)).map((e) => `${e.kind} ${e.method} ${e.path}`)).toEqual([`scan POST /api/v1/conferences/${CONF}/scans/`]);
    expect(meetups(server)).toEqual([]);

    const result = await outbox.replay({ force: true });
    expect(result).toMatchObject({ done: 1, failed: 0, stopped: null });
    const synced = await meetupGet(db, uuid(1));
    expect(synced).toMatchObject({ synced: true, version: 1, fields: { other: 42, contact_name: "Dana Cohen", session: 12 } });
    expect(synced?.scan).toBeUndefined();
    expect(await outboxList(db)).toEqual([]);
    expect(meetups(server).map((e) => e.id)).toEqual([uuid(1)]);
  });

  it("an answer lost on the way: sent again with the same UUID, still one meetup", async () => {
    const { server, db, outbox } = await setup();
    server.faults.push("lost");
    await outbox.scanBadge(CONF, scan(uuid(1)));
    await outbox.replay();
    expect(await outboxList(db)).toHaveLength(1);
    await outbox.replay({ force: true });
    expect(server.requests.filter((r) => r.path.endsWith("/scans/")).map((r) => (r.body as { id: string }).id)).toEqual([uuid(1), uuid(1)]);
    expect(meetups(server)).toHaveLength(1);
    expect(await meetupGet(db, uuid(1))).toMatchObject({ synced: true, fields: { contact_name: "Dana Cohen" } });
  });

  it("the same badge scanned on another device first: the earlier meetup replaces this one", async () => {
    const { server, db, outbox } = await setup();
    server.createElsewhere("meetup", uuid(9), { other: 42, source: "badge_scan", contact_name: "Dana Cohen", met_at: "2026-10-24T06:00:00Z" });
    await outbox.scanBadge(CONF, scan(uuid(1)));
    await outbox.replay();
    expect(await meetupGet(db, uuid(1))).toBeUndefined();
    expect(await metaGet(db, scannedKey(uuid(1)))).toBe(uuid(9));
    expect(await meetupGet(db, uuid(9))).toMatchObject({ synced: true, fields: { contact_name: "Dana Cohen" } });
    expect(meetups(server).map((e) => e.id)).toEqual([uuid(9)]);
  });

  it("a meetup form editing an unsent scan changes what the scan sends; deleting it drops it", async () => {
    const { server, db, outbox } = await setup();
    await outbox.scanBadge(CONF, scan(uuid(1)));
    const pending = (await meetupGet(db, uuid(1)))!;
    await outbox.saveMeetup(CONF, uuid(1), { ...pending.fields, notes: "Wants the slides.", session: null, poster: 7 });
    const queued = await outboxList(db);
    expect(queued.map((e) => e.kind)).toEqual(["scan"]);
    expect(queued[0]!.body).toMatchObject({ id: uuid(1), badge: BADGE, notes: "Wants the slides.", poster: 7, session: null });
    await outbox.replay();
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST /api/v1/conferences/${CONF}/scans/`]);
    expect(meetups(server)[0]!.fields).toMatchObject({ notes: "Wants the slides.", poster: 7, other: 42 });

    await outbox.scanBadge(CONF, { ...scan(uuid(2)), badge: "https://boardwalk.example/b/ZZZZZZZZZZZZZZZZ" });
    await outbox.deleteMeetup(CONF, uuid(2));
    expect(await outboxList(db)).toEqual([]);
    expect(await meetupGet(db, uuid(2))).toBeUndefined();
  });

  it("edited while the scan is on its way: the edit follows as a change of the meetup it made", async () => {
    const server = new FakeServer();
    server.badges.set(TOKEN, { other: 42, name: "Dana Cohen" });
    const db = await openDb({ name: `scan-${++dbCount}` });
    let outbox: Outbox;
    let edited = false;
    const fetch: typeof server.fetch = async (input, init) => {
      if (!edited && String(input).endsWith("/scans/")) {
        edited = true; // the user types a note while the request is out
        const pending = (await meetupGet(db, uuid(1)))!;
        await outbox.saveMeetup(CONF, uuid(1), { ...pending.fields, notes: "Typed meanwhile." });
      }
      return server.fetch(input, init);
    };
    outbox = createOutbox({ db, api: createClient({ fetch }), autoReplay: false, channel: null });
    opened.push({ db, outbox });
    await outbox.scanBadge(CONF, scan(uuid(1)));

    const result = await outbox.replay();

    expect(result.stopped).toBeNull();
    expect(server.requests.map((r) => `${r.method} ${r.path.split("/").at(-2)}`)).toEqual(["POST scans", "POST sync"]);
    expect(meetups(server)).toHaveLength(1);
    expect(meetups(server)[0]).toMatchObject({ id: uuid(1), version: 2, fields: { other: 42, contact_name: "Dana Cohen", notes: "Typed meanwhile." } });
    expect(await meetupGet(db, uuid(1))).toMatchObject({ synced: true, version: 2, fields: { notes: "Typed meanwhile.", contact_name: "Dana Cohen" } });
    expect(await outboxList(db)).toEqual([]);
  });

  it("a refused badge: kept as a refused write with the server's message, no meetup left", async () => {
    const { db, outbox } = await setup();
    await outbox.scanBadge(CONF, { ...scan(uuid(3)), badge: "https://boardwalk.example/b/NotAKnownBadgeToken" });
    expect((await outbox.replay()).failed).toBe(1);
    expect(await meetupGet(db, uuid(3))).toBeUndefined();
    const [refused] = await failedList(db);
    expect(refused).toMatchObject({ kind: "scan", entity: uuid(3), status: 400, errors: { badge: ["This is not a badge of this conference."] } });
  });
});
