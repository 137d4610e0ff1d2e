import "fake-indexeddb/auto";

import { afterEach, describe, expect, it, vi } from "vitest";

import { createClient } from "../api/client";
import { openDb, type BoardwalkDb } from "../db";
import { FakeServer } from "./fake-server";
import { createOutbox, type Outbox } from "./outbox";

const CONF = "eccv-2026";
const opened: { db: BoardwalkDb; outboxes: Outbox[] }[] = [];

/** Web Locks as the browser gives them to a page and its service worker: one holder per name. */
function fakeLocks() {
  const tails = new Map<string, Promise<unknown>>();
  return {
    request(name: string, callback: () => Promise<unknown>) {
      const run = (tails.get(name) ?? Promise.resolve()).then(callback);
      tails.set(name, run.catch(() => undefined));
      return run;
    },
  };
}

afterEach(() => {
  vi.unstubAllGlobals();
  for (const { db, outboxes } of opened.splice(0)) {
    for (const outbox of outboxes) outbox.dispose();
    db.close();
  }
});

describe("page and service worker replaying at the same moment", () => {
  it("send each queued write once: the replay holds the boardwalk-outbox lock", async () => {
    vi.stubGlobal("navigator", { locks: fakeLocks() });
    const server = new FakeServer();
    const db = await openDb({ name: "outbox-lock" });
    const api = createClient({ fetch: server.fetch });
    // The page's outbox and the worker's, over the same database.
    const page = createOutbox({ db, api, autoReplay: false, channel: null });
    const worker = createOutbox({ db, api, autoReplay: false, channel: null });
    opened.push({ db, outboxes: [page, worker] });
    for (let n = 1; n <= 3; n++) {
      await page.setPlanItem(CONF, "session", n, { status: "going", note: "", reminder_minutes: null });
    }

    const [fromPage, fromWorker] = await Promise.all([page.replay({ force: true }), worker.replay({ force: true })]);

    const puts = server.requests.filter((r) => r.method === "PUT").map((r) => r.path);
    expect(puts).toEqual([1, 2, 3].map((n) => `/api/v1/conferences/${CONF}/plan/session/${n}/`));
    expect(fromPage.done + fromWorker.done).toBe(3);
    expect(await db.count("outbox")).toBe(0);
  });
});
