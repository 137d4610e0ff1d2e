/// <reference lib="webworker" />
/**
 * Boardwalk's service worker (vite-plugin-pwa, injectManifest): Workbox precaches the build
 * and answers every app route with the precached shell, so the app opens with no network.
 * Routing rules and cache names are in `sw-routes.ts`.
 *
 * Updates never apply themselves: a new worker installs, then waits until the page sends
 * `{type: "SKIP_WAITING"}` (the user pressed "Update" in the prompt, `sw-register.ts`).
 * Served by Django/whitenoise from `/sw.js` (scope `/`) with `Cache-Control: no-cache`.
 *
 * Background Sync: on a `sync` event with the outbox's tag, the worker replays the outbox
 * itself (the page may be closed). Page and worker replay through the same `createOutbox`,
 * which holds the Web Lock "boardwalk-outbox" for the whole replay, so the two never send the
 * same queued write at the same moment; counts reach open pages on the outbox's
 * BroadcastChannel. iOS has no Background Sync: the page replays on start and on `online`.
 *
 * Web Push (`sw-push.ts`): a `push` shows a notification from the server's payload (title,
 * body with the item's local time and room, tag, our icon, data.url) — a malformed payload
 * shows a generic one, never nothing — and tells open pages `{type: "notification-received",
 * kind, conference, url}` (the unread bell re-counts). A `notificationclick` focuses an open
 * window of the app and navigates it to data.url (same-origin paths only), else opens one.
 */
import { CacheableResponsePlugin } from "workbox-cacheable-response";
import { clientsClaim, type WorkboxPlugin } from "workbox-core";
import { ExpirationPlugin } from "workbox-expiration";
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute, type PrecacheEntry } from "workbox-precaching";
import { registerRoute } from "workbox-routing";
import { CacheFirst, NetworkOnly, StaleWhileRevalidate } from "workbox-strategies";

import { createClient } from "./api/client";
import { openDb } from "./db";
import { createOutbox, SYNC_TAG, type Outbox } from "./sync/outbox";
import { NOTIFICATION_RECEIVED, notificationFor, openFromNotification, parsePush, safeAppPath } from "./sw-push";
import { CACHE_NAMES, isApi, isAppRoute, isHashedAsset, isMedia, isShellMeta } from "./sw-routes";

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (PrecacheEntry | string)[] };

// Workbox's plugin classes declare optional callbacks as `T | undefined`, which
// `exactOptionalPropertyTypes` refuses to assign to `WorkboxPlugin`; they are plugins.
const plugins = (...list: (CacheableResponsePlugin | ExpirationPlugin)[]) => list as WorkboxPlugin[];

const entryUrl = (entry: PrecacheEntry | string) => (typeof entry === "string" ? entry : entry.url);
const pathOf = (url: string) => new URL(url, self.location.href).pathname;

// Icons and the web manifest keep stable names, so they are not precached by revision but
// served stale-while-revalidate; the build's list of them warms that cache at install so they
// are there offline after one visit.
const manifest = self.__WB_MANIFEST;
const shellMeta = manifest.filter((entry) => isShellMeta(pathOf(entryUrl(entry))));
precacheAndRoute(manifest.filter((entry) => !shellMeta.includes(entry)));
cleanupOutdatedCaches();

const metaStrategy = new StaleWhileRevalidate({
  cacheName: CACHE_NAMES.meta,
  plugins: plugins(new CacheableResponsePlugin({ statuses: [200] })),
});
self.addEventListener("install", (event) => {
  const urls = shellMeta.map((entry) => new URL(entryUrl(entry), self.location.href).href);
  event.waitUntil(Promise.all(urls.map((url) => metaStrategy.handleAll({ event, request: new Request(url, { cache: "no-cache" }) })[1])));
});

// App routes (`/`, `/conferences/eccv-demo/`, …) get the shell; Django's own paths do not.
registerRoute(
  ({ request, url, sameOrigin }) => request.mode === "navigate" && sameOrigin && isAppRoute(url.pathname),
  createHandlerBoundToURL("/index.html"),
);

registerRoute(
  ({ url, sameOrigin }) => sameOrigin && isHashedAsset(url.pathname),
  new CacheFirst({
    cacheName: CACHE_NAMES.assets,
    plugins: plugins(new CacheableResponsePlugin({ statuses: [200] }), new ExpirationPlugin({ maxEntries: 200 })),
  }),
);

registerRoute(({ url, sameOrigin }) => sameOrigin && isShellMeta(url.pathname), metaStrategy);

// The app keeps program, plan and logbook in IndexedDB itself (db/, sync/): no personal API
// answer goes to Cache Storage, and offline an API call fails as it would without a worker.
registerRoute(({ url, sameOrigin }) => sameOrigin && isApi(url.pathname), new NetworkOnly());

registerRoute(
  ({ url, sameOrigin }) => sameOrigin && isMedia(url.pathname),
  new CacheFirst({
    cacheName: CACHE_NAMES.media,
    plugins: plugins(
      new CacheableResponsePlugin({ statuses: [200] }),
      new ExpirationPlugin({ maxEntries: 300, maxAgeSeconds: 30 * 24 * 3600, purgeOnQuotaError: true }),
    ),
  }),
);

// Anything else (Django's /admin/, /feeds/, /static/, …; every non-GET) has no route and
// goes to the network untouched.

// One outbox in the worker, opened on the first sync event. No timers of its own (a worker
// may be stopped at any time): the browser sends another `sync` when this one fails.
let outbox: Promise<Outbox> | null = null;

function workerOutbox(): Promise<Outbox> {
  outbox ??= openDb({ onVersionChange: () => (outbox = null) }).then((db) =>
    createOutbox({ db, api: createClient(), autoReplay: false }),
  );
  return outbox;
}

/** Replay; a stop on the network makes the sync event fail, so the browser retries later. */
async function replayFromWorker(): Promise<void> {
  const result = await (await workerOutbox()).replay({ force: true });
  if (result.stopped === "network" || result.stopped === "server") {
    throw new Error(`Outbox replay stopped (${result.stopped}); the browser will retry`);
  }
}

self.addEventListener("sync", (event) => {
  const sync = event as ExtendableEvent & { tag: string };
  if (sync.tag === SYNC_TAG) sync.waitUntil(replayFromWorker());
});

self.addEventListener("message", (event) => {
  if ((event.data as { type?: unknown } | null)?.type === "SKIP_WAITING") {
    void self.skipWaiting();
  }
});

async function showPush(event: PushEvent): Promise<void> {
  const shown = notificationFor(parsePush(event.data), self.location.origin);
  await self.registration.showNotification(shown.title, shown.options);
  const pages = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const { url, kind, conference } = shown.options.data;
  for (const page of pages) page.postMessage({ type: NOTIFICATION_RECEIVED, url, kind, conference });
}

self.addEventListener("push", (event) => {
  event.waitUntil(
    showPush(event).catch(async () => {
      // Whatever failed (a closed database of notifications, a refused option), show something.
      const generic = notificationFor({}, self.location.origin);
      await self.registration.showNotification(generic.title, generic.options);
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const data = event.notification.data as { url?: unknown } | null;
  const path = safeAppPath(data?.url, self.location.origin);
  event.waitUntil(
    self.clients
      .matchAll({ type: "window", includeUncontrolled: true })
      .then((windows) => openFromNotification(path, self.location.origin, windows, (url) => self.clients.openWindow(url)))
      .then(() => undefined),
  );
});

// The first worker takes the page that installed it (no reload needed to work offline). A
// later one only activates on SKIP_WAITING; pages then reload themselves only when the
// user asked (sw-register.ts).
clientsClaim();
