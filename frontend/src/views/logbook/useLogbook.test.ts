import "fake-indexeddb/auto";

import { afterEach, describe, expect, it } from "vitest";

import { createClient } from "../../api/client";
import { openDb, type BoardwalkDb } from "../../db";
import { createOutbox, type Outbox } from "../../sync/outbox";
import { emptyConversation, emptyMeetup } from "./entries";
import { loadProgram } from "./program";
import { loadLogbook } from "./useLogbook";

const opened: { db: BoardwalkDb; outbox: Outbox }[] = [];
let n = 0;

afterEach(() => {
  for (const { db, outbox } of opened.splice(0)) {
    outbox.dispose();
    db.close();
  }
});

async function setup() {
  const db = await openDb({ name: `logbook-${++n}` });
  const api = createClient({ fetch: () => Promise.reject(new TypeError("offline")) });
  const outbox = createOutbox({ db, api, autoReplay: false, channel: null });
  opened.push({ db, outbox });
  return { db, outbox };
}

const id = (k: number) => `00000000-0000-4000-8000-${String(k).padStart(12, "0")}`;

describe("loadLogbook", () => {
  it("lists one conference's live entries with their photo counts, unsynced until sent", async () => {
    const { db, outbox } = await setup();
    await outbox.saveConversation("eccv", id(1), { ...emptyConversation("2026-10-22T06:30:00Z"), poster_title: "A" });
    await outbox.saveConversation("eccv", id(2), { ...emptyConversation("2026-10-22T07:30:00Z"), poster_title: "B" });
    await outbox.saveConversation("other", id(3), { ...emptyConversation("2026-10-22T07:30:00Z"), poster_title: "C" });
    await outbox.saveMeetup("eccv", id(4), { ...emptyMeetup("2026-10-22T08:00:00Z"), contact_name: "Noa" });
    await outbox.deleteConversation("eccv", id(2));
    const blob = new Blob([new Uint8Array([255, 216, 255])], { type: "image/jpeg" });
    await outbox.addPhoto("eccv", id(1), blob);
    await outbox.addPhoto("eccv", id(1), blob);

    const data = await loadLogbook(db, "eccv", await loadProgram(db, "eccv"));

    expect(data.conversations.map((c) => c.id)).toEqual([id(1)]);
    expect(data.conversations[0]!.synced).toBe(false);
    expect(data.meetups.map((m) => m.fields.contact_name)).toEqual(["Noa"]);
    expect(data.photoCounts.get(id(1))).toBe(2);
    expect(data.failed).toEqual([]);
    expect(data.conflicts).toEqual([]);
    // No stored program: the device's zone, no name.
    expect(data.program.name).toBeNull();
    expect(data.program.places.poster).toEqual([]);
  });
});
