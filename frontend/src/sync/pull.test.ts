import "fake-indexeddb/auto";

import { afterEach, describe, expect, it } from "vitest";

import { createClient } from "../api/client";
import {
  conversationGet,
  meetupGet,
  metaGet,
  metaSet,
  openDb,
  outboxList,
  personalClear,
  photosOf,
  planGet,
  planList,
  type BoardwalkDb,
  type ConversationFields,
} from "../db";
import { FakeServer } from "./fake-server";
import { createOutbox, type Outbox } from "./outbox";
import { pullCursorKey, pullMine } from "./pull";

const CONF = "eccv-2026";
let dbCount = 0;
const opened: { db: BoardwalkDb; outbox: Outbox }[] = [];

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

function conversation(title: string): ConversationFields {
  return { poster_title: title, talked_to: "Noa Levi", talked_at: "2026-10-24T06:30:00Z", notes: "", follow_up: "", follow_up_done: false };
}

async function setup() {
  const server = new FakeServer();
  const db = await openDb({ name: `pull-${++dbCount}` });
  const api = createClient({ fetch: server.fetch });
  const outbox = createOutbox({ db, api, autoReplay: false, channel: null });
  opened.push({ db, outbox });
  return { server, db, api, outbox, pull: () => pullMine(db, api, CONF) };
}

afterEach(() => {
  for (const { db, outbox } of opened.splice(0)) {
    outbox.dispose();
    db.close();
  }
});

describe("pulling the logbook", () => {
  it("brings an entry written on another device, synced, and keeps the feed's cursor", async () => {
    const { server, db, pull } = await setup();
    server.createElsewhere("conversation", uuid(1), conversation("From my laptop"));
    server.createElsewhere("meetup", uuid(2), { contact_name: "Dana", met_at: "2026-10-24T07:00:00Z" });

    expect(await pull()).toEqual({ changed: 2, kept: 0 });

    const local = await conversationGet(db, uuid(1));
    expect(local).toMatchObject({ conf: CONF, version: 1, synced: true, conflict: false, deleted: false });
    expect(local?.fields.poster_title).toBe("From my laptop");
    expect((await meetupGet(db, uuid(2)))?.fields.contact_name).toBe("Dana");
    expect(await metaGet(db, pullCursorKey(CONF))).toBe("2");

    // The next pull starts after the cursor: nothing again, nothing changed.
    expect(await pull()).toEqual({ changed: 0, kept: 0 });
    const feeds = server.requests.filter((r) => r.path.includes("/changes/"));
    expect(feeds.at(-1)?.path).toContain("cursor=2");
  });

  it("follows has_more across pages", async () => {
    const { server, db, pull } = await setup();
    for (let n = 1; n <= 250; n++) server.createElsewhere("conversation", uuid(n), conversation(`Poster ${n}`));
    expect((await pull()).changed).toBe(250);
    expect((await conversationGet(db, uuid(250)))?.fields.poster_title).toBe("Poster 250");
    expect(server.requests.filter((r) => r.path.includes("/changes/")).length).toBe(2);
  });

  it("never overwrites an entry with unsynced writes, then takes the server's once synced", async () => {
    const { server, db, outbox, pull } = await setup();
    await outbox.saveConversation(CONF, uuid(1), conversation("Mine"));
    await outbox.replay();
    server.editElsewhere(uuid(1), { notes: "written on the laptop" });
    await outbox.saveConversation(CONF, uuid(1), { ...conversation("Mine"), notes: "typed offline" });

    expect(await pull()).toEqual({ changed: 0, kept: 1 });
    const kept = await conversationGet(db, uuid(1));
    expect(kept?.fields.notes).toBe("typed offline");
    expect(kept?.synced).toBe(false);
    expect((await outboxList(db)).length).toBe(1);
  });

  it("updates a synced entry edited elsewhere to the newer version", async () => {
    const { server, db, outbox, pull } = await setup();
    await outbox.saveConversation(CONF, uuid(1), conversation("Mine"));
    await outbox.replay();
    await pull();
    server.editElsewhere(uuid(1), { notes: "written on the laptop" });

    expect(await pull()).toEqual({ changed: 1, kept: 0 });
    expect(await conversationGet(db, uuid(1))).toMatchObject({ version: 2, synced: true, fields: { notes: "written on the laptop" } });
  });

  it("leaves an entry with an open conflict alone", async () => {
    const { server, db, outbox, pull } = await setup();
    await outbox.saveConversation(CONF, uuid(1), conversation("Mine"));
    await outbox.replay();
    server.editElsewhere(uuid(1), { notes: "laptop" });
    await outbox.saveConversation(CONF, uuid(1), { ...conversation("Mine"), notes: "phone" });
    expect((await outbox.replay()).conflicts).toBe(1);

    expect((await pull()).kept).toBe(1);
    expect(await conversationGet(db, uuid(1))).toMatchObject({ conflict: true, fields: { notes: "phone" } });
  });

  it("removes a synced copy (and its uploaded photos) that the server tombstoned, not an unsynced one", async () => {
    const { server, db, outbox, pull } = await setup();
    await outbox.saveConversation(CONF, uuid(1), conversation("Deleted elsewhere"));
    await outbox.saveConversation(CONF, uuid(2), conversation("Edited here"));
    await outbox.addPhoto(CONF, uuid(1), new Blob(["jpeg"], { type: "image/jpeg" }));
    await outbox.replay();
    await pull();
    server.deleteElsewhere(uuid(1));
    server.deleteElsewhere(uuid(2));
    await outbox.saveConversation(CONF, uuid(2), { ...conversation("Edited here"), notes: "still mine" });

    expect(await pull()).toEqual({ changed: 1, kept: 1 });
    expect(await conversationGet(db, uuid(1))).toBeUndefined();
    expect(await photosOf(db, uuid(1))).toEqual([]);
    expect((await conversationGet(db, uuid(2)))?.fields.notes).toBe("still mine");
  });
});

describe("pulling the plan", () => {
  it("adds items starred elsewhere and removes synced ones unstarred elsewhere", async () => {
    const { server, db, outbox, pull } = await setup();
    await outbox.setPlanItem(CONF, "session", 1, { status: "going", note: "", reminder_minutes: null });
    await outbox.replay();
    server.plan.delete("session/1");
    server.plan.set("poster/7", { status: "must_see", note: "from the laptop" });

    expect(await pull()).toMatchObject({ changed: 2 });
    expect(await planGet(db, CONF, "session", 1)).toBeUndefined();
    expect(await planGet(db, CONF, "poster", 7)).toMatchObject({ status: "must_see", note: "from the laptop", synced: true });
    expect((await pull()).changed).toBe(0);
  });

  it("keeps a star and an unstar that wait in the outbox", async () => {
    const { server, db, outbox, pull } = await setup();
    await outbox.setPlanItem(CONF, "session", 1, { status: "going", note: "", reminder_minutes: null });
    await outbox.setPlanItem(CONF, "session", 2, { status: "going", note: "", reminder_minutes: null });
    await outbox.replay();
    // Offline now: one new star, one removal, both queued; the server still lists session 2.
    await outbox.setPlanItem(CONF, "oral", 3, { status: "interested", note: "", reminder_minutes: null });
    await outbox.removePlanItem(CONF, "session", 2);
    server.plan.set("session/1", { status: "interested", note: "changed elsewhere" });

    const result = await pull();
    expect(result.kept).toBe(2);
    const keys = (await planList(db, CONF)).map((p) => `${p.kind}/${p.target}`).sort();
    expect(keys).toEqual(["oral/3", "session/1"]);
    expect((await planGet(db, CONF, "session", 1))?.note).toBe("changed elsewhere");
  });

  it("does not touch another conference's plan", async () => {
    const { db, outbox, pull } = await setup();
    await outbox.setPlanItem("other-conf", "session", 1, { status: "going", note: "", reminder_minutes: null });
    await outbox.replay();
    await pull();
    expect(await planGet(db, "other-conf", "session", 1)).toMatchObject({ synced: true });
  });
});

describe("signing out", () => {
  it("clears this account's stores and personal meta, and keeps the program and device settings", async () => {
    const { server, db, outbox, pull } = await setup();
    server.createElsewhere("conversation", uuid(1), conversation("Private"));
    await pull();
    await outbox.setPlanItem(CONF, "session", 1, { status: "going", note: "", reminder_minutes: null });
    await outbox.addPhoto(CONF, uuid(1), new Blob(["jpeg"], { type: "image/jpeg" }));
    await metaSet(db, "draft:conversation", { notes: "half typed" });
    await metaSet(db, "lastConference", CONF);
    await db.put("bundleMeta", {
      conf: CONF, format: 1, version: 3, conference: {} as never, etag: null, etagSince: null, updatedAt: "", checkedAt: "",
    });

    await personalClear(db);

    for (const store of ["plan", "conversations", "meetups", "photos", "outbox", "failed", "conflicts"] as const) {
      expect(await db.count(store)).toBe(0);
    }
    expect(await metaGet(db, pullCursorKey(CONF))).toBeUndefined();
    expect(await metaGet(db, "draft:conversation")).toBeUndefined();
    expect(await metaGet(db, "lastConference")).toBe(CONF);
    expect(await db.count("bundleMeta")).toBe(1);
  });
});
