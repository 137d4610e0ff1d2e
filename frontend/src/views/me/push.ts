/**
 * This browser's Web Push subscription: what is possible here, subscribing with the server's
 * VAPID key, and unsubscribing. The server keeps one row per browser (endpoint); the push
 * service's own subscription lives in the browser (`PushManager`).
 *
 * iOS: Safari has Web Push only for a web app added to the Home Screen (iOS 16.4+); in a tab
 * there is no `PushManager` at all, which is "ios-install" rather than "unsupported".
 */

import { api, type ApiClient } from "../../api/client";
import { deletePushSubscription, fetchPushKey, savePushSubscription, type PushSubscriptionWrite } from "../../api/me";

export type PushSupport = "supported" | "unsupported" | "ios-install";

export interface PushEnvironment {
  hasServiceWorker: boolean;
  hasPushManager: boolean;
  hasNotification: boolean;
  userAgent: string;
  platform: string;
  maxTouchPoints: number;
  standalone: boolean;
}

export function pushEnvironment(): PushEnvironment {
  const nav = navigator as Navigator & { standalone?: boolean };
  return {
    hasServiceWorker: "serviceWorker" in navigator,
    hasPushManager: typeof window !== "undefined" && "PushManager" in window,
    hasNotification: typeof window !== "undefined" && "Notification" in window,
    userAgent: navigator.userAgent,
    platform: navigator.platform ?? "",
    maxTouchPoints: navigator.maxTouchPoints ?? 0,
    standalone: nav.standalone === true || (typeof matchMedia === "function" && matchMedia("(display-mode: standalone)").matches),
  };
}

/** iPhone, iPod, or an iPad (which says "Macintosh" but has a touch screen). */
export function isIos(env: Pick<PushEnvironment, "userAgent" | "platform" | "maxTouchPoints">): boolean {
  return /iPhone|iPad|iPod/.test(env.userAgent) || (env.platform === "MacIntel" && env.maxTouchPoints > 1);
}

export function pushSupport(env: PushEnvironment): PushSupport {
  if (env.hasServiceWorker && env.hasPushManager && env.hasNotification) return "supported";
  if (isIos(env) && !env.standalone) return "ios-install";
  return "unsupported";
}

/** The VAPID public key (base64url, as the server gives it) as the bytes `subscribe` wants. */
export function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const padded = base64url.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(base64url.length / 4) * 4, "=");
  const raw = atob(padded);
  const bytes = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

function sameBytes(a: ArrayBuffer | null | undefined, b: Uint8Array): boolean {
  if (!a || a.byteLength !== b.byteLength) return false;
  const view = new Uint8Array(a);
  return view.every((byte, i) => byte === b[i]);
}

/** `PushSubscription.toJSON()` in the shape the server stores. */
export function subscriptionBody(json: PushSubscriptionJSON): PushSubscriptionWrite {
  const { endpoint, keys, expirationTime } = json;
  if (!endpoint || !keys?.p256dh || !keys.auth) throw new Error("The browser gave an incomplete push subscription.");
  return { endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth }, expirationTime: expirationTime ?? null };
}

/**
 * How long the browser's push service may take to register us. A Chromium without Google's
 * services (or with no route to them) never answers: headless Chromium in a normal profile
 * was still waiting after 40 s.
 */
export const SUBSCRIBE_TIMEOUT_MS = 30_000;

/** The browser's push service did not answer in time. */
export class PushTimeout extends Error {
  constructor() {
    super("The browser's push service did not answer.");
    this.name = "PushTimeout";
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PushTimeout()), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

export type SubscribeResult = "subscribed" | "disabled" | "denied" | "dismissed";

/** This browser's subscription, if any (no worker registered yet: none; never waits for one). */
export async function currentSubscription(): Promise<PushSubscription | null> {
  const registration = await navigator.serviceWorker.getRegistration();
  return registration ? registration.pushManager.getSubscription() : null;
}

/**
 * Ask for the permission (this must run from a tap), subscribe with the server's key (a
 * subscription made with another key is replaced), and store it on the server. When the
 * server refuses it, the browser's subscription is undone, so the two never disagree.
 */
export async function pushSubscribe(api: ApiClient, slug: string): Promise<SubscribeResult> {
  const key = await fetchPushKey(api, slug);
  if (!key.enabled || !key.public_key) return "disabled";
  const permission = await Notification.requestPermission();
  if (permission === "denied") return "denied";
  if (permission !== "granted") return "dismissed";
  const registration = await navigator.serviceWorker.ready;
  const applicationServerKey = keyBytes(key.public_key);
  let subscription = await registration.pushManager.getSubscription();
  if (subscription && !sameBytes(subscription.options.applicationServerKey, applicationServerKey)) {
    await subscription.unsubscribe();
    subscription = null;
  }
  subscription ??= await withTimeout(registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey }), SUBSCRIBE_TIMEOUT_MS);
  try {
    await savePushSubscription(api, slug, subscriptionBody(subscription.toJSON()));
  } catch (error) {
    await subscription.unsubscribe().catch(() => undefined);
    throw error;
  }
  return "subscribed";
}

/** Forget the subscription on the server, then in the browser (offline: nothing changes). */
export async function pushUnsubscribe(api: ApiClient, slug: string): Promise<void> {
  // (Turning off is offered only when currentSubscription() found one.)
  const subscription = await currentSubscription();
  if (!subscription) return;
  await deletePushSubscription(api, slug, subscription.endpoint);
  await subscription.unsubscribe();
}

/**
 * Before signing out: stop this browser's push for this account (the server's row too, when
 * a conference is known), so the next person on a shared phone gets none of my reminders.
 * Never fails the sign-out: a row left behind is deleted when the push service answers 410.
 */
export async function pushForget(slug: string | null): Promise<void> {
  if (!("serviceWorker" in navigator) || !("PushManager" in window)) return;
  const registration = await navigator.serviceWorker.getRegistration();
  const subscription = await registration?.pushManager.getSubscription().catch(() => null);
  if (!subscription) return;
  if (slug) await deletePushSubscription(api, slug, subscription.endpoint).catch(() => undefined);
  await subscription.unsubscribe().catch(() => undefined);
}
