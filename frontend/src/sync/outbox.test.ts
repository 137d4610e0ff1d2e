import "fake-indexeddb/auto";

import { afterEach, describe, expect, it, vi } from "vitest";

import { createClient } from "../api/client";
import { conversationGet, failedList, metaGet, openDb, outboxList, photoGet, planGet, type BoardwalkDb, type ConversationFields } from "../db";
import { FakeServer } from "./fake-server";
import { createOutbox, MAX_BATCH_BYTES, type Outbox, type OutboxOptions } from "./outbox";

const CONF = "eccv-2026";
let dbCount = 0;
const opened: { db: BoardwalkDb; outbox: Outbox }[] = [];

function uuid(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
}

function conversation(title: string, extra: Partial<ConversationFields> = {}): ConversationFields {
  return {
    poster_title: title,
    talked_to: "Noa Levi",
    talked_at: "2026-10-24T06:30:00Z",
    notes: "",
    follow_up: "",
    follow_up_done: false,
    ...extra,
  };
}

async function setup(options: Partial<OutboxOptions> = {}, name = `outbox-${++dbCount}`) {
  const server = new FakeServer();
  const db = await openDb({ name });
  let clock = Date.parse("2026-10-24T08:00:00Z");
  const outbox = createOutbox({
    db,
    api: createClient({ fetch: server.fetch }),
    now: () => clock,
    backoff: { baseMs: 1_000, maxMs: 8_000 },
    autoReplay: false,
    channel: null,
    ...options,
  });
  opened.push({ db, outbox });
  return { server, db, outbox, name, tick: (ms: number) => (clock += ms) };
}

afterEach(() => {
  for (const { db, outbox } of opened.splice(0)) {
    outbox.dispose();
    db.close();
  }
});

function syncedIds(server: FakeServer): string[][] {
  return server.requests
    .filter((r) => r.path.endsWith("/sync/"))
    .map((r) => (r.body as { id: string }[]).map((w) => w.id));
}

describe("replay order", () => {
  it("sends writes first in, first out: logbook runs batched, plan writes alone", async () => {
    const { server, db, outbox } = await setup();
    await outbox.saveConversation(CONF, uuid(1), conversation("Depth from Nothing"));
    await outbox.saveMeetup(CONF, uuid(2), { contact_name: "Maya", contact_affiliation: "", source: "manual", met_at: "2026-10-24T07:00:00Z", notes: "", follow_up: "", follow_up_done: false });
    await outbox.setPlanItem(CONF, "session", 12, { status: "going", note: "" });
    await outbox.saveConversation(CONF, uuid(3), conversation("NeRF at Night"));

    const result = await outbox.replay();

    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST /api/v1/conferences/${CONF}/sync/`,
      `PUT /api/v1/conferences/${CONF}/plan/session/12/`,
      `POST /api/v1/conferences/${CONF}/sync/`,
    ]);
    expect(syncedIds(server)).toEqual([[uuid(1), uuid(2)], [uuid(3)]]);
    expect(server.requests[0]!.headers["X-CSRFToken"]).toBe("token");
    expect(result).toMatchObject({ answered: 4, done: 4, failed: 0, conflicts: 0, requests: 3, stopped: null });
    expect(await outboxList(db)).toEqual([]);
    expect(await conversationGet(db, uuid(1))).toMatchObject({ version: 1, synced: true, server: { version: 1 } });
    expect(await planGet(db, CONF, "session", 12)).toMatchObject({ status: "going", synced: true });
    expect(outbox.state()).toMatchObject({ pending: 0, failed: 0, conflicts: 0, replaying: false });
  });

  it("sends an edit with the version the server gave, so it is not a conflict", async () => {
    const { server, db, outbox } = await setup();
    await outbox.saveConversation(CONF, uuid(1), conversation("Depth"));
    await outbox.replay();
    await outbox.saveConversation(CONF, uuid(1), conversation("Depth", { notes: "ask about the data" }));

    await outbox.replay();

    const last = server.requests.at(-1)!.body as { base_version: number }[];
    expect(last[0]!.base_version).toBe(1);
    expect(server.entries.get(uuid(1))).toMatchObject({ version: 2, fields: { notes: "ask about the data" } });
    expect(await conversationGet(db, uuid(1))).toMatchObject({ version: 2, synced: true });
  });

  it("replaces a queued PUT's body instead of queueing one write per keystroke", async () => {
    const { server, db, outbox } = await setup();
    await outbox.saveConversation(CONF, uuid(1), conversation("D"));
    await outbox.saveConversation(CONF, uuid(1), conversation("De"));
    await outbox.saveConversation(CONF, uuid(1), conversation("Depth"));
    await outbox.setPlanItem(CONF, "poster", 8, { status: "interested", note: "" });
    await outbox.removePlanItem(CONF, "poster", 8);

    expect((await outboxList(db)).map((e) => [e.method, e.entity, e.rev])).toEqual([
      ["PUT", uuid(1), 2],
      ["PUT", "poster/8", 0],
      ["DELETE", "poster/8", 0],
    ]);
    await outbox.replay();
    expect(server.entries.get(uuid(1))).toMatchObject({ version: 1, fields: { poster_title: "Depth" } });
    expect(server.plan.size).toBe(0);
  });

  it("keeps an edit typed while its older body was in flight, and sends it next", async () => {
    const { server, db, outbox } = await setup();
    await outbox.saveConversation(CONF, uuid(1), conversation("Depth"));
    const inner = server.fetch;
    let typed = false;
    (server as { fetch: typeof inner }).fetch = inner;
    const api = createClient({
      fetch: async (input, init) => {
        if (!typed && String(input).endsWith("/sync/")) {
          typed = true;
          await outbox.saveConversation(CONF, uuid(1), conversation("Depth", { notes: "typed during replay" }));
        }
        return inner(input, init);
      },
    });
    const racing = createOutbox({ db, api, autoReplay: false, channel: null });

    await racing.replay();

    expect(syncedIds(server)).toEqual([[uuid(1)], [uuid(1)]]);
    expect(server.entries.get(uuid(1))).toMatchObject({ version: 2, fields: { notes: "typed during replay" } });
    expect(await outboxList(db)).toEqual([]);
    expect(await conversationGet(db, uuid(1))).toMatchObject({ version: 2, synced: true, conflict: false });
    racing.dispose();
  });
});

describe("network errors and retries", () => {
  it("stops at the first network error and keeps every write, in order", async () => {
    const { server, db, outbox } = await setup();
    await outbox.setPlanItem(CONF, "session", 1, { status: "going", note: "" });
    await outbox.setPlanItem(CONF, "session", 2, { status: "going", note: "" });
    await outbox.setPlanItem(CONF, "session", 3, { status: "going", note: "" });
    server.faults = ["offline"];

    const result = await outbox.replay();

    expect(result).toMatchObject({ stopped: "network", requests: 0, answered: 0 });
    expect(server.requests).toHaveLength(1); // the first write only; nothing after it was tried
    expect(server.plan.size).toBe(0);
    expect((await outboxList(db)).map((e) => e.entity)).toEqual(["session/1", "session/2", "session/3"]);
    expect((await outboxList(db))[0]!.attempts).toBe(1);
    expect(outbox.state()).toMatchObject({ pending: 3, stopped: "network" });
  });

  it("retries after a network error once the backoff has passed, or at once when forced", async () => {
    const { server, outbox, tick } = await setup();
    await outbox.setPlanItem(CONF, "session", 1, { status: "going", note: "" });
    await outbox.setPlanItem(CONF, "session", 2, { status: "going", note: "" });
    server.faults = ["offline", "offline"];
    const first = await outbox.replay();

    const tooSoon = await outbox.replay();
    tick(1_000);
    const second = await outbox.replay();
    const forced = await outbox.replay({ force: true }); // `online` and the button

    expect(first.retryAt).toBe(Date.parse("2026-10-24T08:00:01Z"));
    expect(tooSoon).toMatchObject({ requests: 0, stopped: "network" });
    expect(server.requests.map((r) => r.path.slice(-10))).toEqual(["session/1/", "session/1/", "session/1/", "session/2/"]);
    expect(second).toMatchObject({ stopped: "network", retryAt: Date.parse("2026-10-24T08:00:03Z") }); // 2 s: doubled
    expect(forced).toMatchObject({ done: 2, stopped: null, retryAt: null });
    expect([...server.plan.keys()]).toEqual(["session/1", "session/2"]);
    expect(outbox.state().pending).toBe(0);
  });

  it("keeps a 5xx at the head, honours Retry-After, then resets the backoff", async () => {
    const { server, db, outbox, tick } = await setup();
    await outbox.setPlanItem(CONF, "session", 1, { status: "going", note: "" });
    server.faults = [503];

    const refused = await outbox.replay();
    tick(1_000);
    const retried = await outbox.replay();

    expect(refused).toMatchObject({ stopped: "server", retryAt: Date.parse("2026-10-24T08:00:01Z") });
    expect(retried).toMatchObject({ done: 1, stopped: null });
    expect(await metaGet(db, "outbox.retry")).toBeUndefined();
    expect(await failedList(db)).toEqual([]);
  });

  it("stops on 403 (signed out) and keeps the writes, failing none", async () => {
    const { server, db, outbox } = await setup();
    await outbox.saveConversation(CONF, uuid(1), conversation("Depth"));
    server.faults = [403];

    const result = await outbox.replay();

    expect(result).toMatchObject({ stopped: "auth", retryAt: null, failed: 0 });
    expect(await outboxList(db)).toHaveLength(1);
    expect(await failedList(db)).toEqual([]);
  });

  it("fetches a new CSRF token once when the server refuses the old one", async () => {
    const { server, outbox } = await setup();
    await outbox.setPlanItem(CONF, "session", 1, { status: "going", note: "" });
    let csrfCalls = 0;
    const api = createClient({
      fetch: (input, init) => {
        if (String(input).endsWith("/auth/csrf")) csrfCalls++;
        const headers = { ...(init?.headers as Record<string, string>) };
        if (csrfCalls === 1 && headers["X-CSRFToken"]) headers["X-CSRFToken"] = "rotated-away";
        return server.fetch(input, { ...init, headers });
      },
    });
    const other = createOutbox({ db: outbox.db, api, autoReplay: false, channel: null });

    const result = await other.replay();

    expect(csrfCalls).toBe(2);
    expect(result).toMatchObject({ done: 1, stopped: null });
    other.dispose();
  });
});

describe("refused writes", () => {
  it("drops a 4xx from the queue, keeps it in the failed list with the server's errors, and goes on", async () => {
    const { server, db, outbox } = await setup();
    await outbox.saveConversation(CONF, uuid(1), conversation("")); // neither poster nor title
    await outbox.setPlanItem(CONF, "session", 4, { status: "going", note: "" });
    await outbox.setPlanItem(CONF, "session", 5, { status: "going", note: "" });
    server.faults = [null, 400]; // the batch answers; the first plan PUT is refused

    const result = await outbox.replay();

    expect(result).toMatchObject({ answered: 3, done: 1, failed: 2, stopped: null });
    const failed = await failedList(db);
    expect(failed.map((f) => [f.kind, f.entity, f.status, f.detail, f.errors])).toEqual([
      ["conversation", uuid(1), 400, "Invalid input.", { "data.poster": ["Give the poster, or its title when it is not in the program."] }],
      ["plan", "session/4", 400, "Injected 400", {}],
    ]);
    expect(failed[0]!.body).toEqual(conversation(""));
    expect([...server.plan.keys()]).toEqual(["session/5"]);
    expect(await outboxList(db)).toEqual([]);
    expect(outbox.state()).toMatchObject({ pending: 0, failed: 2 });
    expect(await conversationGet(db, uuid(1))).toMatchObject({ synced: false });
  });

  it("treats a 404 on a DELETE as done: the item is already gone", async () => {
    const { server, db, outbox } = await setup();
    await outbox.removePlanItem(CONF, "session", 9);

    const result = await outbox.replay();

    expect(server.requests.map((r) => r.method)).toEqual(["DELETE"]);
    expect(result).toMatchObject({ done: 1, failed: 0 });
    expect(await failedList(db)).toEqual([]);
  });
});

describe("batches", () => {
  it("splits logbook writes by count", async () => {
    const { server, outbox } = await setup();
    for (let n = 1; n <= 450; n++) await outbox.saveConversation(CONF, uuid(n), conversation(`Poster ${n}`));

    await outbox.replay();

    expect(syncedIds(server).map((batch) => batch.length)).toEqual([200, 200, 50]);
    expect(syncedIds(server).flat()).toEqual(Array.from({ length: 450 }, (_, i) => uuid(i + 1)));
    expect(server.entries.size).toBe(450);
  });

  it("splits logbook writes by bytes, under the 4 MiB cap", async () => {
    const { server, outbox } = await setup();
    const notes = "n".repeat(20_000); // the server's longest text field
    for (let n = 1; n <= 150; n++) await outbox.saveConversation(CONF, uuid(n), conversation(`Poster ${n}`, { notes, follow_up: notes }));

    await outbox.replay();

    const batches = server.requests.filter((r) => r.path.endsWith("/sync/"));
    expect(batches.length).toBe(2);
    for (const batch of batches) expect(batch.bytes).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    // Each write is ~40 KB: the first batch is filled up to the cap, not split early.
    expect(batches[0]!.bytes).toBeGreaterThan(MAX_BATCH_BYTES - 41_000);
    expect(batches[0]!.bytes + batches[1]!.bytes).toBeGreaterThan(MAX_BATCH_BYTES);
    expect(syncedIds(server).flat()).toEqual(Array.from({ length: 150 }, (_, i) => uuid(i + 1)));
  });
});

describe("after a reload", () => {
  it("keeps every write when the page closed before the answer, and the server holds each once", async () => {
    const { server, db, outbox, name } = await setup();
    await outbox.saveConversation(CONF, uuid(1), conversation("Depth"));
    await outbox.saveConversation(CONF, uuid(2), conversation("NeRF"));
    await outbox.setPlanItem(CONF, "session", 1, { status: "going", note: "" });
    server.faults = ["lost"]; // the server applies the batch; the answer never arrives
    await outbox.replay();
    expect(server.entries.size).toBe(2);
    outbox.dispose();
    db.close();
    opened.length = 0;

    vi.resetModules();
    const fresh = await import("./outbox");
    const freshDb = await import("../db");
    const reopened = await freshDb.openDb({ name });
    const again = fresh.createOutbox({ db: reopened, api: createClient({ fetch: server.fetch }), autoReplay: false, channel: null });
    expect((await freshDb.outboxList(reopened)).map((e) => e.entity)).toEqual([uuid(1), uuid(2), "session/1"]);

    const result = await again.replay();

    expect(result).toMatchObject({ done: 3, failed: 0, conflicts: 0 });
    expect(syncedIds(server)).toEqual([[uuid(1), uuid(2)], [uuid(1), uuid(2)]]);
    expect([server.rowsFor(uuid(1)), server.rowsFor(uuid(2)), server.entries.size]).toEqual([1, 1, 2]);
    expect([...server.entries.values()].map((e) => e.version)).toEqual([1, 1]);
    expect(await freshDb.conversationGet(reopened, uuid(1))).toMatchObject({ version: 1, synced: true });
    again.dispose();
    reopened.close();
  });
});

describe("photos", () => {
  it("uploads a kept photo after its conversation, once, however often it is replayed", async () => {
    const { server, db, outbox } = await setup();
    await outbox.saveConversation(CONF, uuid(1), conversation("Depth"));
    const photo = await outbox.addPhoto(CONF, uuid(1), new Blob(["jpeg bytes"], { type: "image/jpeg" }), uuid(99));
    server.faults = [null, "lost"];
    await outbox.replay();
    expect(await photoGet(db, photo)).toMatchObject({ uploaded: false });

    await outbox.replay({ force: true });

    expect(server.requests.map((r) => `${r.method} ${r.path.split("/").slice(-3).join("/")}`)).toEqual([
      `POST ${CONF}/sync/`,
      `POST ${uuid(1)}/photos/`,
      `POST ${uuid(1)}/photos/`,
    ]);
    expect([...server.photos.entries()]).toEqual([[uuid(99), { conversation: uuid(1), size: 10, type: "image/jpeg" }]]);
    expect(await photoGet(db, photo)).toMatchObject({ uploaded: true, conversation: uuid(1) });
  });

  it("does not upload a photo removed before it was sent", async () => {
    const { server, db, outbox } = await setup();
    await outbox.saveConversation(CONF, uuid(1), conversation("Depth"));
    const photo = await outbox.addPhoto(CONF, uuid(1), new Blob(["x"], { type: "image/jpeg" }));
    await outbox.removePhoto(CONF, uuid(1), photo);

    const result = await outbox.replay();

    expect(server.requests.map((r) => r.method)).toEqual(["POST", "DELETE"]);
    expect(result).toMatchObject({ done: 3, failed: 0 });
    expect(server.photos.size).toBe(0);
    expect(await outboxList(db)).toEqual([]);
  });
});

describe("unsynced count and triggers", () => {
  it("tells subscribers the count of unsynced writes as it changes", async () => {
    const { outbox } = await setup();
    const seen: number[] = [];
    outbox.subscribe((state) => {
      if (seen.at(-1) !== state.pending) seen.push(state.pending);
    });

    await outbox.setPlanItem(CONF, "session", 1, { status: "going", note: "" });
    await outbox.setPlanItem(CONF, "session", 2, { status: "going", note: "" });
    await outbox.replay();

    expect(seen).toEqual([0, 1, 2, 0]);
  });

  it("replays on start and on `online`", async () => {
    const { server, outbox } = await setup();
    await outbox.setPlanItem(CONF, "session", 1, { status: "going", note: "" });
    server.faults = ["offline"];
    const window = new EventTarget();

    const stop = outbox.start(window, 60);
    await vi.waitFor(() => expect(outbox.state()).toMatchObject({ stopped: "network", replaying: false }));
    server.faults = [];
    window.dispatchEvent(new Event("online"));
    // Not at once: the network gets a moment to come up.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(outbox.state()).toMatchObject({ pending: 1, stopped: "network" });
    await vi.waitFor(() => expect(outbox.state()).toMatchObject({ pending: 0, stopped: null, replaying: false }));
    stop();

    expect([...server.plan.keys()]).toEqual(["session/1"]);
  });

  it("sends nothing for an `online` that came just before stop", async () => {
    const { server, outbox } = await setup();
    await outbox.setPlanItem(CONF, "session", 1, { status: "going", note: "" });
    server.faults = ["offline"];
    const window = new EventTarget();
    const stop = outbox.start(window, 40);
    await vi.waitFor(() => expect(outbox.state()).toMatchObject({ stopped: "network", replaying: false }));
    window.dispatchEvent(new Event("online"));
    stop();
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(outbox.state()).toMatchObject({ pending: 1, stopped: "network" });
  });
});
