import "fake-indexeddb/auto";

import { afterEach, describe, expect, it } from "vitest";

import { createClient } from "../api/client";
import { conversationGet, meetupGet, openDb, outboxList, type BoardwalkDb, type ConversationFields, type MeetupFields } from "../db";
import { canKeepMine, keepMine, listConflicts, takeTheirs } from "./conflicts";
import { FakeServer } from "./fake-server";
import { createOutbox, type Outbox } from "./outbox";

const CONF = "eccv-2026";
const ID = "00000000-0000-4000-8000-000000000001";
let count = 0;
const open: { db: BoardwalkDb; outbox: Outbox }[] = [];

afterEach(() => {
  for (const { db, outbox } of open.splice(0)) {
    outbox.dispose();
    db.close();
  }
});

const mine: ConversationFields = {
  poster_title: "Depth from Nothing",
  talked_to: "Noa",
  talked_at: "2026-10-24T06:30:00Z",
  notes: "mine: ask about the dataset",
  follow_up: "",
  follow_up_done: false,
};

/** An entry synced at version 1, edited on another device (version 2), then edited here. */
async function conflicted() {
  const server = new FakeServer();
  const db = await openDb({ name: `conflicts-${++count}` });
  const outbox = createOutbox({ db, api: createClient({ fetch: server.fetch }), autoReplay: false, channel: null });
  open.push({ db, outbox });
  await outbox.saveConversation(CONF, ID, { ...mine, notes: "" });
  await outbox.replay();
  server.editElsewhere(ID, { notes: "theirs: from the laptop" });
  await outbox.saveConversation(CONF, ID, mine);
  const result = await outbox.replay();
  return { server, db, outbox, result };
}

describe("conflicts", () => {
  it("keeps both copies of a 412: mine as written, theirs as the server sent it", async () => {
    const { db, outbox, result } = await conflicted();

    expect(result).toMatchObject({ conflicts: 1, done: 0, failed: 0 });
    const [conflict] = await listConflicts(db, CONF);
    expect(conflict).toMatchObject({
      entity: ID,
      type: "conversation",
      op: "put",
      status: 412,
      detail: "Edited from version 1, but the entry is at version 2.",
      mine,
      theirs: { id: ID, version: 2, notes: "theirs: from the laptop" },
    });
    expect(canKeepMine(conflict!)).toBe(true);
    expect(await outboxList(db)).toEqual([]);
    expect(await conversationGet(db, ID)).toMatchObject({ conflict: true, synced: false, version: 1, fields: mine });
    expect(outbox.state()).toMatchObject({ pending: 0, conflicts: 1 });
  });

  it("keep mine: re-sends my copy based on the server's version, and it wins", async () => {
    const { server, db, outbox } = await conflicted();

    await keepMine(outbox, ID);
    await outbox.replay({ force: true });

    const sent = server.requests.at(-1)!.body as { base_version: number; data: ConversationFields }[];
    expect(sent[0]).toMatchObject({ base_version: 2, data: mine });
    expect(server.entries.get(ID)).toMatchObject({ version: 3, fields: mine });
    expect(await listConflicts(db)).toEqual([]);
    expect(await conversationGet(db, ID)).toMatchObject({ conflict: false, synced: true, version: 3, fields: mine });
  });

  it("take theirs: the server's copy overwrites mine and nothing is sent", async () => {
    const { server, db, outbox } = await conflicted();
    await outbox.saveConversation(CONF, ID, { ...mine, notes: "typed after the conflict" });
    const requests = server.requests.length;

    await takeTheirs(outbox, ID);
    await outbox.replay({ force: true });

    expect(server.requests.length).toBe(requests);
    expect(server.entries.get(ID)).toMatchObject({ version: 2 });
    expect(await outboxList(db)).toEqual([]);
    expect(await conversationGet(db, ID)).toMatchObject({
      conflict: false,
      synced: true,
      version: 2,
      fields: { ...mine, notes: "theirs: from the laptop", poster: null, qa: [], rating: null, tags: [] },
    });
    expect(outbox.state()).toMatchObject({ pending: 0, conflicts: 0 });
  });

  it("a second meetup with the same attendee (409) can only take theirs, which keeps the existing one", async () => {
    const server = new FakeServer();
    const db = await openDb({ name: `conflicts-${++count}` });
    const outbox = createOutbox({ db, api: createClient({ fetch: server.fetch }), autoReplay: false, channel: null });
    open.push({ db, outbox });
    const existing = "00000000-0000-4000-8000-0000000000aa";
    server.entries.set(existing, { type: "meetup", id: existing, version: 1, fields: { other: 4 }, deleted: false });
    const fields: MeetupFields = { other: 4, source: "badge_scan", contact_name: "", contact_affiliation: "", met_at: "2026-10-24T07:00:00Z", notes: "", follow_up: "", follow_up_done: false };
    // The fake server stands in for AlreadyMet with a 409 whose current is the other entry.
    const api = createClient({
      fetch: async (input, init) =>
        String(input).endsWith("/auth/csrf") ? server.fetch(input, init) : new Response(JSON.stringify([{ id: ID, status: 409, detail: "You already logged a meetup with this attendee; edit that one.", errors: { other: ["…"] }, current: server.render(server.entries.get(existing)!) }]), { status: 200 }),
    });
    const scanning = createOutbox({ db, api, autoReplay: false, channel: null });
    await scanning.saveMeetup(CONF, ID, fields);
    await scanning.replay();
    const [conflict] = await listConflicts(db);

    expect(canKeepMine(conflict!)).toBe(false);
    await expect(keepMine(scanning, ID)).rejects.toThrow("another entry");
    await takeTheirs(scanning, ID);

    expect(await meetupGet(db, ID)).toBeUndefined();
    expect(await meetupGet(db, existing)).toMatchObject({ version: 1, synced: true });
    expect(await listConflicts(db)).toEqual([]);
    scanning.dispose();
  });
});
