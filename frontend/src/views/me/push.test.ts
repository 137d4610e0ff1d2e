import { afterEach, describe, expect, it, vi } from "vitest";

import type { Answer, ApiClient } from "../../api/client";
import {
  isIos,
  keyBytes,
  PushTimeout,
  pushSubscribe,
  pushSupport,
  pushUnsubscribe,
  SUBSCRIBE_TIMEOUT_MS,
  subscriptionBody,
  type PushEnvironment,
} from "./push";

const ANDROID: PushEnvironment = {
  hasServiceWorker: true,
  hasPushManager: true,
  hasNotification: true,
  userAgent: "Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/131.0 Mobile Safari/537.36",
  platform: "Linux armv8l",
  maxTouchPoints: 5,
  standalone: false,
};
const IPHONE_TAB: PushEnvironment = {
  hasServiceWorker: true,
  hasPushManager: false,
  hasNotification: false,
  userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Version/17.5 Mobile/15E148 Safari/604.1",
  platform: "iPhone",
  maxTouchPoints: 5,
  standalone: false,
};

describe("what push can do here", () => {
  it("is supported with a worker, PushManager and Notification", () => expect(pushSupport(ANDROID)).toBe("supported"));

  it("asks iOS users in a Safari tab to install the app first", () => {
    expect(pushSupport(IPHONE_TAB)).toBe("ios-install");
    // An iPad says "Macintosh" but has a touch screen.
    expect(isIos({ userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)", platform: "MacIntel", maxTouchPoints: 5 })).toBe(true);
    expect(isIos({ userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)", platform: "MacIntel", maxTouchPoints: 0 })).toBe(false);
  });

  it("is unsupported in an installed iOS app without push (before 16.4) and in old browsers", () => {
    expect(pushSupport({ ...IPHONE_TAB, standalone: true })).toBe("unsupported");
    expect(pushSupport({ ...ANDROID, hasPushManager: false })).toBe("unsupported");
  });
});

describe("keys and bodies", () => {
  it("decodes the server's base64url VAPID key (65 bytes, uncompressed P-256 point)", () => {
    const key = "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM";
    const bytes = keyBytes(key);
    expect(bytes.length).toBe(65);
    expect(bytes[0]).toBe(0x04);
    expect(bytes[64]).toBe(0x43);
  });

  it("sends PushSubscription.toJSON() as the server wants it, refusing an incomplete one", () => {
    const json = { endpoint: "https://push.example/abc", expirationTime: null, keys: { p256dh: "P", auth: "A" } };
    expect(subscriptionBody(json)).toEqual({ endpoint: "https://push.example/abc", keys: { p256dh: "P", auth: "A" }, expirationTime: null });
    expect(() => subscriptionBody({ endpoint: "https://push.example/abc", keys: {} })).toThrow(/incomplete/);
  });
});

/** A browser with a worker whose pushManager is `manager`, and Notification answering `permission`. */
function fakeBrowser(permission: NotificationPermission, existing: FakeSubscription | null) {
  const subscribe = vi.fn(async () => new FakeSubscription("https://push.example/new"));
  const manager = { getSubscription: vi.fn(async () => existing), subscribe };
  vi.stubGlobal("Notification", { requestPermission: vi.fn(async () => permission), permission });
  const registration = { pushManager: manager };
  vi.stubGlobal("navigator", { serviceWorker: { ready: Promise.resolve(registration), getRegistration: async () => registration } });
  return manager;
}

class FakeSubscription {
  unsubscribed = false;
  options: { applicationServerKey: ArrayBuffer | null };
  constructor(
    readonly endpoint: string,
    key: Uint8Array | null = null,
  ) {
    this.options = { applicationServerKey: key ? (key.slice().buffer as ArrayBuffer) : null };
  }
  toJSON() {
    return { endpoint: this.endpoint, expirationTime: null, keys: { p256dh: "BP256", auth: "AUTH" } };
  }
  async unsubscribe() {
    this.unsubscribed = true;
    return true;
  }
}

const KEY = "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM";

function fakeApi(answers: Record<string, Answer>): ApiClient & { calls: [string, string, unknown][] } {
  const calls: [string, string, unknown][] = [];
  const request = vi.fn(async (method: string, path: string, options?: { json?: unknown }) => {
    calls.push([method, path, options?.json]);
    const answer = answers[`${method} ${path.split("?")[0]}`];
    if (!answer) throw new Error(`unexpected ${method} ${path}`);
    return answer;
  });
  return { request, calls } as unknown as ApiClient & { calls: [string, string, unknown][] };
}

const ok = (status: number, body: unknown): Answer => ({ status, body, headers: new Headers() }) as Answer;
const KEY_PATH = "/api/v1/conferences/demo/push/key";
const SUBS_PATH = "/api/v1/conferences/demo/push/subscriptions/";

describe("subscribe and unsubscribe", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("subscribes with the server's key and stores the subscription there", async () => {
    const manager = fakeBrowser("granted", null);
    const api = fakeApi({ [`GET ${KEY_PATH}`]: ok(200, { public_key: KEY, enabled: true }), [`POST ${SUBS_PATH}`]: ok(201, { id: 1 }) });
    expect(await pushSubscribe(api, "demo")).toBe("subscribed");
    const [[options]] = manager.subscribe.mock.calls as unknown as [[PushSubscriptionOptionsInit]];
    expect(options.userVisibleOnly).toBe(true);
    expect(Array.from(options.applicationServerKey as Uint8Array)).toEqual(Array.from(keyBytes(KEY)));
    expect(api.calls.at(-1)).toEqual(["POST", SUBS_PATH, { endpoint: "https://push.example/new", keys: { p256dh: "BP256", auth: "AUTH" }, expirationTime: null }]);
  });

  it("replaces a subscription made with another key", async () => {
    const old = new FakeSubscription("https://push.example/old", new Uint8Array(65).fill(7));
    const manager = fakeBrowser("granted", old);
    const api = fakeApi({ [`GET ${KEY_PATH}`]: ok(200, { public_key: KEY, enabled: true }), [`POST ${SUBS_PATH}`]: ok(200, { id: 1 }) });
    expect(await pushSubscribe(api, "demo")).toBe("subscribed");
    expect(old.unsubscribed).toBe(true);
    expect(manager.subscribe).toHaveBeenCalledOnce();
  });

  it("does not ask for permission when the server has no key, and stops when it is denied", async () => {
    const manager = fakeBrowser("denied", null);
    const off = fakeApi({ [`GET ${KEY_PATH}`]: ok(200, { public_key: "", enabled: false }) });
    expect(await pushSubscribe(off, "demo")).toBe("disabled");
    const on = fakeApi({ [`GET ${KEY_PATH}`]: ok(200, { public_key: KEY, enabled: true }) });
    expect(await pushSubscribe(on, "demo")).toBe("denied");
    expect(manager.subscribe).not.toHaveBeenCalled();
  });

  it("undoes the browser's subscription when the server refuses it", async () => {
    const fresh = new FakeSubscription("https://push.example/new");
    const manager = fakeBrowser("granted", null);
    manager.subscribe.mockResolvedValue(fresh);
    const api = fakeApi({
      [`GET ${KEY_PATH}`]: ok(200, { public_key: KEY, enabled: true }),
      [`POST ${SUBS_PATH}`]: ok(400, { detail: "a push endpoint must be an https:// URL", errors: { endpoint: ["a push endpoint must be an https:// URL"] } }),
    });
    await expect(pushSubscribe(api, "demo")).rejects.toMatchObject({ status: 400, fields: { endpoint: ["a push endpoint must be an https:// URL"] } });
    expect(fresh.unsubscribed).toBe(true);
  });

  it("gives up on a push service that never answers, storing nothing", async () => {
    vi.useFakeTimers();
    try {
      const manager = fakeBrowser("granted", null);
      manager.subscribe.mockReturnValue(new Promise(() => {}));
      const api = fakeApi({ [`GET ${KEY_PATH}`]: ok(200, { public_key: KEY, enabled: true }) });
      const attempt = pushSubscribe(api, "demo");
      const settled = expect(attempt).rejects.toBeInstanceOf(PushTimeout);
      await vi.advanceTimersByTimeAsync(SUBSCRIBE_TIMEOUT_MS + 1);
      await settled;
      expect(api.calls.map(([method]) => method)).toEqual(["GET"]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("unsubscribes on the server first, then in the browser; a server that cannot be reached changes nothing", async () => {
    const current = new FakeSubscription("https://push.example/mine");
    fakeBrowser("granted", current);
    const api = fakeApi({ [`DELETE ${SUBS_PATH}`]: ok(204, null) });
    await pushUnsubscribe(api, "demo");
    expect(api.calls).toEqual([["DELETE", `${SUBS_PATH}?endpoint=${encodeURIComponent("https://push.example/mine")}`, undefined]]);
    expect(current.unsubscribed).toBe(true);

    const kept = new FakeSubscription("https://push.example/kept");
    fakeBrowser("granted", kept);
    const down = fakeApi({});
    await expect(pushUnsubscribe(down, "demo")).rejects.toThrow();
    expect(kept.unsubscribed).toBe(false);
  });
});
