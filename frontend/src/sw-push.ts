/**
 * What the service worker does with a Web Push message and with a click on its notification,
 * as plain functions (sw.ts wires them to the `push` and `notificationclick` events; the
 * tests call them directly).
 *
 * The payload is the JSON the server sends (planner/notifications/push.py `payload()`):
 * `{title, body, url, tag, kind, conference, when}`; the body already carries the item's
 * local time with its zone and its room ("Starts at Tue 14 Oct, 14:30 (Asia/Seoul), in
 * 10 min\nHall B"). Anything else — no data, not JSON, wrong types — still shows a generic
 * notification: a push the browser delivered must show something (Chrome otherwise shows
 * its own "This site has been updated in the background"), and a handler that throws shows
 * nothing at all.
 */

/** Our icon, as a PNG (Android's notification shade does not draw an SVG icon). */
export const PUSH_ICON = "/icons/icon-192.png";
/** The status-bar badge: Android draws only its alpha, so a white silhouette on transparent. */
export const PUSH_BADGE = "/icons/badge-96.png";

/** The message open pages get when a push arrived (the unread bell listens for it). */
export const NOTIFICATION_RECEIVED = "notification-received";

export interface PushPayload {
  title: string;
  body: string;
  url: string;
  tag: string;
  kind: string;
  conference: string;
  when: string | null;
}

/** What `showNotification(title, options)` gets. */
export interface ShownNotification {
  title: string;
  // `timestamp` is in the Notifications standard and Chromium, not in TypeScript's DOM lib.
  options: NotificationOptions & { timestamp?: number; data: { url: string; kind: string; conference: string; when: string | null } };
}

/** The fallback texts: the worker has no i18n catalog, so English and Korean together. */
export const GENERIC_TITLE = "Boardwalk";
export const GENERIC_BODY = "You have a new notification. · 새 알림이 있습니다.";

const MAX_TITLE = 200;
const MAX_BODY = 1000;

const text = (value: unknown, max: number): string => (typeof value === "string" ? value.trim().slice(0, max) : "");

/**
 * A same-origin path of the app to open, or "/" (the data of a push must not send the app
 * to another site: absolute URLs on another origin, `javascript:`, `//host` are refused).
 */
export function safeAppPath(url: unknown, origin: string): string {
  if (typeof url !== "string" || url === "") return "/";
  try {
    const parsed = new URL(url, origin);
    if (parsed.origin !== origin) return "/";
    return `${parsed.pathname}${parsed.search}${parsed.hash}`;
  } catch {
    return "/";
  }
}

/** Read a push's data (a PushMessageData-like `{text()}` or null) into a payload; never throws. */
export function parsePush(data: { text(): string } | null | undefined): Partial<PushPayload> {
  if (!data) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(data.text());
  } catch {
    return {};
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return {};
  const record = raw as Record<string, unknown>;
  const out: Partial<PushPayload> = {};
  for (const key of ["title", "body", "url", "tag", "kind", "conference"] as const) {
    if (typeof record[key] === "string") out[key] = record[key] as string;
  }
  if (typeof record.when === "string") out.when = record.when;
  return out;
}

/** The notification to show for a payload (a partial or empty one gets the generic texts). */
export function notificationFor(payload: Partial<PushPayload>, origin: string): ShownNotification {
  const title = text(payload.title, MAX_TITLE) || GENERIC_TITLE;
  const body = text(payload.body, MAX_BODY) || (title === GENERIC_TITLE ? GENERIC_BODY : "");
  const conference = text(payload.conference, 100);
  const url = safeAppPath(payload.url, origin);
  const tag = text(payload.tag, 200);
  return {
    title,
    options: {
      body,
      icon: PUSH_ICON,
      badge: PUSH_BADGE,
      // The same tag replaces an older notification of the same thing instead of stacking it.
      ...(tag ? { tag } : {}),
      // The item's start, so the system can sort by it (where it shows a time at all).
      ...(payload.when && !Number.isNaN(Date.parse(payload.when)) ? { timestamp: Date.parse(payload.when) } : {}),
      data: { url, kind: text(payload.kind, 50), conference, when: payload.when ?? null },
    },
  };
}

/** The minimum of a WindowClient the click handler uses. */
export interface WindowLike {
  url: string;
  focused?: boolean;
  navigate(url: string): Promise<unknown>;
  focus(): Promise<unknown>;
}

/**
 * Which open window of the app a click goes to: a focused one first, then the last one
 * (clients.matchAll lists them most recently focused first in Chromium). Null: open one.
 */
export function pickWindow<T extends WindowLike>(windows: readonly T[], origin: string): T | null {
  const ours = windows.filter((w) => {
    try {
      return new URL(w.url).origin === origin;
    } catch {
      return false;
    }
  });
  return ours.find((w) => w.focused) ?? ours[0] ?? null;
}

/**
 * Open `path` for a notification click: navigate an open app window there and focus it, or
 * open a new window. Focusing may be refused (no user activation, e.g. a synthetic event):
 * the window navigates all the same. Returns how it went, for the tests.
 */
export async function openFromNotification<T extends WindowLike>(
  path: string,
  origin: string,
  windows: readonly T[],
  openWindow: (url: string) => Promise<unknown>,
): Promise<"navigated" | "opened"> {
  const target = pickWindow(windows, origin);
  if (target === null) {
    await openWindow(path);
    return "opened";
  }
  // Focus first: the permission to focus lasts only a moment after the click.
  await target.focus().catch(() => undefined);
  const here = new URL(target.url);
  if (`${here.pathname}${here.search}${here.hash}` !== path) await target.navigate(new URL(path, origin).href);
  return "navigated";
}
