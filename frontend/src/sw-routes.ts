/**
 * Which requests the service worker answers, and how: pure functions of a URL, shared by
 * `sw.ts` and its unit tests (`sw-routes.test.ts`).
 *
 * | what                               | strategy (cache name)                          |
 * |------------------------------------|------------------------------------------------|
 * | the build (JS, CSS, index.html)    | precached by Workbox (`self.__WB_MANIFEST`)     |
 * | navigations to app routes          | the precached `/index.html` (the app shell)    |
 * | `/assets/` (hashed, immutable)     | cache-first (`boardwalk-assets`)               |
 * | `/icons/`, `/manifest.webmanifest` | stale-while-revalidate (`boardwalk-meta`)       |
 * | `/api/` (any method)               | network only: personal data lives in IndexedDB |
 * | `/media/` (public uploads)         | cache-first with expiration (`boardwalk-media`) |
 *
 * Everything Django owns (`server-paths.json`) is never answered with the shell, so an
 * offline `/admin/` or `/feeds/…` fails like it would without a service worker.
 */
import serverPaths from "./server-paths.json";

/** Paths Django serves itself; an entry ending in `/` is a prefix, others are exact. */
export const SERVER_PATHS: readonly string[] = serverPaths.paths;

export const CACHE_NAMES = {
  assets: "boardwalk-assets",
  meta: "boardwalk-meta",
  media: "boardwalk-media",
} as const;

/** Same shape as Django's `pwa-route` (conf/urls.py): letters, digits, `_`, `-`, `/`; no dot. */
const APP_ROUTE = /^\/[\w\-/]*$/;

export function isServerPath(pathname: string): boolean {
  return SERVER_PATHS.some((path) =>
    path.endsWith("/") ? pathname.startsWith(path) : pathname === path || pathname.startsWith(`${path}/`),
  );
}

/** A client-side route of the PWA: the service worker answers its navigation with the shell. */
export function isAppRoute(pathname: string): boolean {
  return APP_ROUTE.test(pathname) && !isServerPath(pathname) && !pathname.startsWith("/assets/");
}

/** Vite's hashed build output (`/assets/name-<hash>.ext`), immutable. */
export function isHashedAsset(pathname: string): boolean {
  return /^\/assets\/.+-[A-Za-z0-9_-]{8,}\.\w+$/.test(pathname);
}

/** The install metadata the browser and the shell load by a stable (unhashed) name. */
export function isShellMeta(pathname: string): boolean {
  return pathname === "/manifest.webmanifest" || pathname.startsWith("/icons/");
}

export function isApi(pathname: string): boolean {
  return pathname.startsWith("/api/");
}

export function isMedia(pathname: string): boolean {
  return pathname.startsWith("/media/");
}
