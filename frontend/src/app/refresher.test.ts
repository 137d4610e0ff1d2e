import "fake-indexeddb/auto";

import { afterEach, describe, expect, it, vi } from "vitest";

import { ApiError, createClient, type Bundle } from "../api/client";
import { bundleRow, openDb, planGet, type BoardwalkDb } from "../db";
import { FakeServer } from "../sync/fake-server";
import type { OutboxState } from "../sync/outbox";
import { createRefresher, type RefresherDeps } from "./refresher";

const CONF = "eccv-2026";
let count = 0;
const dbs: BoardwalkDb[] = [];

afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
  vi.useRealTimers();
});

function bundle(version: number, start = "2026-10-24T06:00:00Z"): Bundle {
  return {
    format: 1,
    version,
    since: null,
    full: true,
    conference: {
      id: 7, slug: CONF, name: "ECCV 2026", timezone: "Asia/Jerusalem", start_date: "2026-10-22",
      end_date: "2026-10-26", venue: "", city: "Tel Aviv", country: "IL", website: "", schedule_version: version,
    },
    rooms: [], tracks: [], people: [], papers: [], orals: [], posters: [], booths: [], meals: [],
    sessions: [{ id: 4, title: "Orals 1", kind: "oral", start, end: "2026-10-24T09:30:00Z" }],
  };
}

async function setup(deps: Partial<RefresherDeps> = {}) {
  const server = new FakeServer();
  server.bundles.set(1, bundle(1));
  server.version = 1;
  const db = await openDb({ name: `refresher-${++count}` });
  dbs.push(db);
  const refresher = createRefresher({ db, api: createClient({ fetch: server.fetch }), signedIn: () => true, online: () => true, ...deps });
  return { server, db, refresher };
}

/** A window and a document to dispatch `online` and `visibilitychange` on. */
function environment() {
  const win = new EventTarget();
  const doc = Object.assign(new EventTarget(), { visibilityState: "visible" as DocumentVisibilityState });
  return { win, doc, env: { window: win, document: doc as unknown as Document } };
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 20));

describe("the refresher", () => {
  it("brings a moved session in as a delta and says the new version", async () => {
    const { server, db, refresher } = await setup();
    expect((await refresher.refresh(CONF)).version).toBe(1);
    server.bundles.set(2, bundle(2, "2026-10-24T07:00:00Z"));
    server.version = 2;

    const state = await refresher.refresh(CONF);
    expect(state).toMatchObject({ slug: CONF, version: 2, syncing: false, error: null });
    expect((await bundleRow(db, "sessions", CONF, 4))?.start).toBe("2026-10-24T07:00:00Z");
    expect(server.requests.filter((r) => r.path.includes("/bundle")).at(-1)?.path).toContain("since=1");
  });

  it("runs one at a time, and a call made meanwhile becomes one more run", async () => {
    let running = 0;
    let most = 0;
    const sync = vi.fn(async () => {
      running++;
      most = Math.max(most, running);
      await settled();
      running--;
      return { outcome: "not-modified" as const, version: 1, rows: 0 };
    });
    const { refresher } = await setup({ sync, pull: async () => ({ changed: 0, kept: 0 }) });
    const first = refresher.refresh(CONF);
    await new Promise((resolve) => setTimeout(resolve, 5)); // the first run is under way
    await Promise.all([first, refresher.refresh(CONF), refresher.refresh(CONF), refresher.refresh(CONF)]);
    expect(most).toBe(1);
    expect(sync).toHaveBeenCalledTimes(2);
  });

  it("pulls my data written elsewhere and counts the change", async () => {
    const { server, db, refresher } = await setup();
    server.plan.set("session/4", { status: "going", note: "from the laptop" });
    const state = await refresher.refresh(CONF);
    expect(state.mine).toBe(1);
    expect(await planGet(db, CONF, "session", 4)).toMatchObject({ note: "from the laptop", synced: true });
    expect((await refresher.refresh(CONF)).mine).toBe(1); // nothing new: no bump
  });

  it("does not pull when nobody is signed in, and a 403 (session ended) is no error", async () => {
    const none = await setup({ signedIn: () => false });
    await none.refresher.refresh(CONF);
    expect(none.server.requests.some((r) => r.path.includes("/changes/") || r.path.includes("/plan/"))).toBe(false);

    const ended = await setup({ pull: () => Promise.reject(new ApiError("http", "Not signed in", 403)) });
    expect((await ended.refresher.refresh(CONF)).error).toBeNull();
  });

  it("keeps the error of a failed run for the status bar, and the stored program", async () => {
    const { server, refresher } = await setup();
    await refresher.refresh(CONF);
    server.faults.push(503);
    const state = await refresher.refresh(CONF, { program: true });
    expect(state.error).toBeInstanceOf(ApiError);
    expect((state.error as ApiError).status).toBe(503);
    expect(state.version).toBe(1);
  });

  it("keeps the program's error through a pull-only run, and clears it when the program loads", async () => {
    const { server, refresher } = await setup();
    server.faults.push(503);
    expect((await refresher.refresh(CONF)).error).toBeInstanceOf(ApiError);
    expect((await refresher.refresh(CONF, { mine: true })).error).toBeInstanceOf(ApiError);
    expect((await refresher.refresh(CONF)).error).toBeNull();
  });

  it("sends nothing offline", async () => {
    const { server, refresher } = await setup({ online: () => false });
    const state = await refresher.refresh(CONF);
    expect(server.requests).toEqual([]);
    expect(state).toMatchObject({ syncing: false, error: null, version: null });
  });

  it("watches: on start, on online, on becoming visible, after a replay that emptied the queue", async () => {
    const sync = vi.fn(async () => ({ outcome: "not-modified" as const, version: 1, rows: 0 }));
    const pull = vi.fn(async () => ({ changed: 0, kept: 0 }));
    const { refresher } = await setup({ sync, pull });
    const { win, doc, env } = environment();
    let outboxListener: (s: OutboxState) => void = () => undefined;
    const outbox = { subscribe: (l: typeof outboxListener) => ((outboxListener = l), () => undefined) };
    const stop = refresher.watch(CONF, { ...env, outbox, onlineSettleMs: 60 });
    await settled();
    expect(sync).toHaveBeenCalledTimes(1);

    // `online`: a moment for the network to come up, then one run.
    win.dispatchEvent(new Event("online"));
    await settled();
    expect(sync).toHaveBeenCalledTimes(1);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(sync).toHaveBeenCalledTimes(2);

    doc.visibilityState = "hidden";
    doc.dispatchEvent(new Event("visibilitychange"));
    await settled();
    expect(sync).toHaveBeenCalledTimes(2);
    doc.visibilityState = "visible";
    doc.dispatchEvent(new Event("visibilitychange"));
    await settled();
    expect(sync).toHaveBeenCalledTimes(3);

    const base: OutboxState = { pending: 0, failed: 0, conflicts: 0, replaying: true, stopped: null, retryAt: null };
    outboxListener(base);
    outboxListener({ ...base, replaying: false });
    await settled();
    expect(pull).toHaveBeenCalledTimes(4);
    expect(sync).toHaveBeenCalledTimes(3); // the program is not asked again after a replay

    stop();
    win.dispatchEvent(new Event("online"));
    await settled();
    expect(sync).toHaveBeenCalledTimes(3);
  });

  it("refreshes every few minutes while visible", async () => {
    // Only the interval is faked: fake-indexeddb runs on the real timers.
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const sync = vi.fn(async () => ({ outcome: "not-modified" as const, version: 1, rows: 0 }));
    const { refresher } = await setup({ sync, pull: async () => ({ changed: 0, kept: 0 }) });
    const { doc, env } = environment();
    const stop = refresher.watch(CONF, { ...env, everyMs: 60_000 });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sync).toHaveBeenCalledTimes(2);
    doc.visibilityState = "hidden";
    await vi.advanceTimersByTimeAsync(120_000);
    expect(sync).toHaveBeenCalledTimes(2);
    stop();
  });
});
