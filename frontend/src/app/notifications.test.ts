import "fake-indexeddb/auto";

import { afterEach, describe, expect, it } from "vitest";

import { ApiError, type Answer } from "../api/client";
import { metaGet, metaSet, openDb, personalClear, type BoardwalkDb } from "../db";
import {
  appendPage,
  cacheKey,
  createNotifications,
  markedRead,
  notificationHref,
  onPushReceived,
  pageOf,
  PAGE_SIZE,
  type Notification,
  type NotificationsCache,
} from "./notifications";

const SLUG = "eccv-demo";
const AT = "2026-10-24T08:00:00.000Z";

function note(id: number, read = false): Notification {
  return {
    id,
    kind: "reminder",
    title: `N${id}`,
    body: "",
    url: `/conferences/${SLUG}/sessions/${id}`,
    created_at: `2026-10-24T0${id % 10}:00:00Z`,
    read_at: read ? AT : null,
    read,
  };
}

/** The server's notifications endpoints over a list, newest (highest id) first. */
class Server {
  items: Notification[];
  online = true;
  calls: string[] = [];
  status: number | null = null;

  constructor(count: number, read: number[] = []) {
    this.items = Array.from({ length: count }, (_, i) => note(count - i, read.includes(count - i)));
  }

  unread() {
    return this.items.filter((n) => !n.read).length;
  }

  request = async <T,>(method: string, path: string): Promise<Answer<T>> => {
    if (!this.online) throw new ApiError("network", "offline");
    this.calls.push(`${method} ${path}`);
    const answer = (status: number, body: unknown) => ({ status, body: body as T, headers: new Headers() });
    if (this.status !== null) return answer(this.status, { detail: "Server error." });
    const base = `/api/v1/conferences/${SLUG}/notifications`;
    const list = new RegExp(`^${base}/\\?page=(\\d+)&page_size=(\\d+)$`).exec(path);
    if (method === "GET" && list) {
      const [page, size] = [Number(list[1]), Number(list[2])];
      const results = this.items.slice((page - 1) * size, page * size);
      const next = page * size < this.items.length ? `http://testserver${base}/?page=${page + 1}&page_size=${size}` : null;
      return answer(200, { count: this.items.length, next, previous: null, results, unread: this.unread() });
    }
    if (method === "POST" && path === `${base}/read-all`) {
      for (const n of this.items) if (!n.read) Object.assign(n, { read: true, read_at: AT });
      return answer(200, { marked: 0 });
    }
    const one = new RegExp(`^${base}/(\\d+)/read$`).exec(path);
    if (method === "POST" && one) {
      const found = this.items.find((n) => n.id === Number(one[1]));
      if (!found) return answer(404, { detail: "Not found." });
      if (!found.read) Object.assign(found, { read: true, read_at: AT });
      return answer(200, found);
    }
    return answer(404, { detail: "Not found." });
  };
}

let dbs = 0;
const opened: BoardwalkDb[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

async function setup(server: Server) {
  const db = await openDb({ name: `notifications-${++dbs}` });
  opened.push(db);
  const store = createNotifications({ db, api: server, online: () => server.online, now: () => new Date(AT) });
  return { db, store };
}

describe("helpers", () => {
  it("reads DRF's next link", () => {
    expect(pageOf("http://x/api/v1/conferences/c/notifications/?page=3&page_size=20")).toBe(3);
    expect(pageOf(null)).toBeNull();
    expect(pageOf("http://x/?cursor=abc")).toBeNull();
  });

  it("appends a page without repeating what moved onto it", () => {
    expect(appendPage([note(5), note(4)], [note(4), note(3)]).map((n) => n.id)).toEqual([5, 4, 3]);
  });

  it("marks read and lowers the unread count, counting unfetched pages for 'all'", () => {
    const cache: NotificationsCache = { items: [note(3), note(2, true), note(1)], unread: 7, count: 30, nextPage: 2, fetchedAt: AT, pendingRead: [], pendingAll: false };
    const one = markedRead(cache, [3, 2], AT);
    expect(one.unread).toBe(6);
    expect(one.items.map((n) => n.read)).toEqual([true, true, false]);
    expect(markedRead(cache, "all", AT).unread).toBe(0);
    expect(markedRead(cache, [99], AT)).toEqual(cache);
  });

  it("turns a notification's url into a place in the app", () => {
    expect(notificationHref(`/conferences/${SLUG}/sessions/4`)).toEqual({ href: `/conferences/${SLUG}/sessions/4`, internal: true });
    expect(notificationHref(`/c/${SLUG}/plan`)).toEqual({ href: `/conferences/${SLUG}/plan`, internal: true });
    expect(notificationHref("https://example.org/x")).toEqual({ href: "https://example.org/x", internal: false });
    expect(notificationHref("")).toBeNull();
    expect(notificationHref("//evil.example/x")).toBeNull();
    expect(notificationHref("javascript:alert(1)")).toBeNull();
  });
});

describe("the store", () => {
  it("fetches the first page with the unread count over all pages, then more on demand", async () => {
    const server = new Server(PAGE_SIZE + 5, [1, 2, 3]);
    const { db, store } = await setup(server);
    const first = await store.refresh(SLUG);
    expect(first.items).toHaveLength(PAGE_SIZE);
    expect(first.unread).toBe(PAGE_SIZE + 2);
    expect(first.count).toBe(PAGE_SIZE + 5);
    expect(first.nextPage).toBe(2);
    const all = await store.more(SLUG);
    expect(all.items.map((n) => n.id)).toEqual(server.items.map((n) => n.id));
    expect(all.nextPage).toBeNull();
    // What IndexedDB keeps is what is shown.
    expect((await metaGet<NotificationsCache>(db, cacheKey(SLUG)))?.items).toHaveLength(PAGE_SIZE + 5);
  });

  it("marks one read on the server and in the list", async () => {
    const server = new Server(3);
    const { store } = await setup(server);
    await store.refresh(SLUG);
    await store.markRead(SLUG, 2);
    expect(server.items.find((n) => n.id === 2)?.read).toBe(true);
    expect(store.state().unread).toBe(2);
    expect(store.state().items.find((n) => n.id === 2)).toMatchObject({ read: true, read_at: AT });
    await store.markAllRead(SLUG);
    expect(server.unread()).toBe(0);
    expect(store.state().unread).toBe(0);
    expect(store.state().items.every((n) => n.read)).toBe(true);
  });

  it("offline: shows the stored list, keeps marks and sends them before the next fetch", async () => {
    const server = new Server(4);
    const { db, store } = await setup(server);
    await store.refresh(SLUG);
    server.online = false;
    const offline = await store.refresh(SLUG);
    expect(offline).toMatchObject({ offline: true, unread: 4, loaded: true });
    expect(offline.items).toHaveLength(4);
    await store.markRead(SLUG, 3);
    expect(store.state().unread).toBe(3);
    expect((await metaGet<NotificationsCache>(db, cacheKey(SLUG)))?.pendingRead).toEqual([3]);
    expect(server.items.find((n) => n.id === 3)?.read).toBe(false);

    server.online = true;
    server.calls = [];
    const back = await store.refresh(SLUG);
    expect(server.calls[0]).toBe(`POST /api/v1/conferences/${SLUG}/notifications/3/read`);
    expect(server.items.find((n) => n.id === 3)?.read).toBe(true);
    expect(back).toMatchObject({ offline: false, unread: 3, pendingRead: [] });
  });

  it("offline 'mark all read' is sent as read-all once back", async () => {
    const server = new Server(3);
    const { store } = await setup(server);
    await store.refresh(SLUG);
    server.online = false;
    await store.markAllRead(SLUG);
    expect(store.state()).toMatchObject({ unread: 0, pendingAll: true });
    server.online = true;
    await store.refresh(SLUG);
    expect(server.unread()).toBe(0);
    expect(store.state()).toMatchObject({ unread: 0, pendingAll: false });
  });

  it("a new page (from a fresh store, as after a reload) starts from the stored copy when offline", async () => {
    const server = new Server(2);
    const { db, store } = await setup(server);
    await store.refresh(SLUG);
    server.online = false;
    const again = createNotifications({ db, api: server, online: () => server.online });
    const state = await again.refresh(SLUG);
    expect(state).toMatchObject({ slug: SLUG, offline: true, unread: 2, loaded: true });
  });

  it("a server error is reported and the list stays; signed out is an empty list, not an error", async () => {
    const server = new Server(2);
    const { store } = await setup(server);
    await store.refresh(SLUG);
    server.status = 500;
    const failed = await store.refresh(SLUG);
    expect(failed.error).toBeInstanceOf(ApiError);
    expect(failed.items).toHaveLength(2);
    server.status = 403;
    const out = await store.refresh(SLUG);
    expect(out).toMatchObject({ error: null, items: [], unread: 0 });
  });

  it("is personal: sign-out's personalClear removes the stored copy and reset() the shown one", async () => {
    const server = new Server(2);
    const { db, store } = await setup(server);
    await store.refresh(SLUG);
    await metaSet(db, "lastConference", SLUG);
    await personalClear(db);
    store.reset();
    expect(await metaGet(db, cacheKey(SLUG))).toBeUndefined();
    expect(await metaGet(db, "lastConference")).toBe(SLUG);
    expect(store.state()).toMatchObject({ slug: null, items: [], unread: 0, loaded: false });
  });

  it("merges refreshes asked while one runs", async () => {
    const server = new Server(2);
    const { store } = await setup(server);
    await Promise.all([store.refresh(SLUG), store.refresh(SLUG), store.refresh(SLUG)]);
    expect(server.calls.filter((c) => c.startsWith("GET"))).toHaveLength(1);
  });
});

describe("a fetch and a mark at once", () => {
  it("does not list as unread what is being marked read", async () => {
    const server = new Server(3);
    const { store } = await setup(server);
    await store.refresh(SLUG);
    // The POST is slow: the fetch asked meanwhile must wait for it.
    const slow = server.request;
    let release: () => void = () => undefined;
    server.request = async <T,>(method: string, path: string) => {
      if (method === "POST") await new Promise<void>((resolve) => (release = resolve));
      return slow<T>(method, path);
    };
    const marking = store.markRead(SLUG, 3);
    await new Promise((resolve) => setTimeout(resolve, 0));
    const fetching = store.refresh(SLUG);
    await new Promise((resolve) => setTimeout(resolve, 0));
    release();
    await marking;
    const state = await fetching;
    expect(state.items.find((n) => n.id === 3)?.read).toBe(true);
    expect(state.unread).toBe(2);
  });
});

describe("onPushReceived", () => {
  function post(target: EventTarget, data: unknown) {
    const event = new Event("message") as Event & { data: unknown };
    Object.defineProperty(event, "data", { value: data });
    target.dispatchEvent(event);
  }

  it("re-reads on the worker's notification-received for this conference, until stopped", () => {
    const worker = new EventTarget();
    let refreshed = 0;
    const stop = onPushReceived(worker, SLUG, () => refreshed++);
    post(worker, { type: "notification-received", url: "/x", kind: "reminder", conference: SLUG });
    expect(refreshed).toBe(1);
    post(worker, { type: "notification-received", conference: "" }); // no conference: any screen
    expect(refreshed).toBe(2);
    post(worker, { type: "notification-received", conference: "other-conf" });
    post(worker, { type: "something-else", conference: SLUG });
    post(worker, null);
    post(worker, "notification-received");
    expect(refreshed).toBe(2);
    stop();
    post(worker, { type: "notification-received", conference: SLUG });
    expect(refreshed).toBe(2);
  });

  it("does nothing where there is no service worker", () => {
    expect(() => onPushReceived(undefined, SLUG, () => undefined)()).not.toThrow();
  });
});
