import { describe, expect, it } from "vitest";

import { createShellUpdater, type WorkboxLike } from "./sw-register";

/** Stands in for workbox-window's Workbox (the browser's service worker API boundary). */
class FakeWorkbox implements WorkboxLike {
  skipWaitingSent = 0;
  updates = 0;
  private listeners: Record<string, ((event: { isUpdate?: boolean }) => void)[]> = {};
  addEventListener(type: string, listener: (event: { isUpdate?: boolean }) => void) {
    (this.listeners[type] ??= []).push(listener);
  }
  emit(type: "waiting" | "controlling", event: { isUpdate?: boolean } = {}) {
    for (const listener of this.listeners[type] ?? []) listener(event);
  }
  register() {
    return Promise.resolve(undefined);
  }
  update() {
    this.updates++;
    return Promise.resolve();
  }
  messageSkipWaiting() {
    this.skipWaitingSent++;
  }
}

function setup() {
  const workbox = new FakeWorkbox();
  let reloads = 0;
  const updater = createShellUpdater(workbox, () => reloads++);
  const seen: string[] = [];
  updater.subscribe((state) => seen.push(state));
  return { workbox, updater, seen, reloads: () => reloads };
}

describe("createShellUpdater", () => {
  it("says a new version waits, and does nothing else until asked", () => {
    const { workbox, updater, seen, reloads } = setup();

    workbox.emit("waiting");

    expect(updater.state()).toBe("waiting");
    expect(seen).toEqual(["waiting"]);
    expect(workbox.skipWaitingSent).toBe(0);
    expect(reloads()).toBe(0);
  });

  it("sends SKIP_WAITING on apply and reloads once the new worker controls the page", () => {
    const { workbox, updater, reloads } = setup();
    workbox.emit("waiting");

    updater.apply();
    expect(workbox.skipWaitingSent).toBe(1);
    expect(reloads()).toBe(0);
    workbox.emit("controlling", { isUpdate: true });

    expect(reloads()).toBe(1);
  });

  it("never reloads when another tab applied the update", () => {
    const { workbox, updater, seen, reloads } = setup();
    workbox.emit("waiting");

    workbox.emit("controlling", { isUpdate: true });

    expect(reloads()).toBe(0);
    expect(updater.state()).toBe("ready");
    expect(seen).toEqual(["waiting", "ready"]);
    updater.apply();
    expect(reloads()).toBe(1);
    expect(workbox.skipWaitingSent).toBe(0);
  });

  it("ignores the first install taking control, and apply with nothing waiting", () => {
    const { workbox, updater, seen, reloads } = setup();

    workbox.emit("controlling", { isUpdate: false });
    updater.apply();

    expect(updater.state()).toBe("idle");
    expect(seen).toEqual([]);
    expect(workbox.skipWaitingSent).toBe(0);
    expect(reloads()).toBe(0);
  });

  it("checks for a new build through the registration", async () => {
    const { workbox, updater } = setup();

    await updater.check();

    expect(workbox.updates).toBe(1);
  });
});
