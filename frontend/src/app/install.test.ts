import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

type InstallModule = typeof import("./install");

const IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
const IPAD_DESKTOP_MODE = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15";
const ANDROID = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36";

/** The browser as install.ts sees it: the window (events, display mode) and the navigator. */
function browser({ userAgent = ANDROID, touchPoints = 5, standalone = false } = {}) {
  const target = new EventTarget();
  vi.stubGlobal("window", Object.assign(target, { matchMedia: () => ({ matches: standalone }) }));
  vi.stubGlobal("navigator", { userAgent, maxTouchPoints: touchPoints });
  return target as EventTarget & Window;
}

/** Chromium's BeforeInstallPromptEvent, answering `outcome`. */
function offer(outcome: "accepted" | "dismissed") {
  const event = Object.assign(new Event("beforeinstallprompt", { cancelable: true }), {
    prompted: 0,
    prompt: async () => void event.prompted++,
    userChoice: Promise.resolve({ outcome }),
  });
  return event;
}

let install: InstallModule;
beforeEach(async () => {
  vi.resetModules();
  install = await import("./install");
});
afterEach(() => vi.unstubAllGlobals());

describe("install", () => {
  it("keeps Chromium's offer from its own infobar and shows it on request, once", async () => {
    const win = browser();
    install.captureInstallPrompt(win);
    const changes: string[] = [];
    install.subscribeInstall(() => changes.push(install.installState()));
    expect(install.installState()).toBe("none");

    const event = offer("accepted");
    win.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(true);
    expect(install.installState()).toBe("prompt");

    expect(await install.promptInstall()).toBe("accepted");
    expect(event.prompted).toBe(1);
    expect(install.installState()).toBe("installed");
    expect(await install.promptInstall()).toBe("unavailable"); // an offer is used once
    expect(changes).toEqual(["prompt", "installed"]);
  });

  it("a dismissed offer is gone until the browser offers again", async () => {
    const win = browser();
    install.captureInstallPrompt(win);
    win.dispatchEvent(offer("dismissed"));
    expect(await install.promptInstall()).toBe("dismissed");
    expect(install.installState()).toBe("none");
    win.dispatchEvent(offer("accepted"));
    expect(install.installState()).toBe("prompt");
  });

  it("appinstalled (from the browser's own menu) ends the offer", () => {
    const win = browser();
    install.captureInstallPrompt(win);
    win.dispatchEvent(offer("accepted"));
    win.dispatchEvent(new Event("appinstalled"));
    expect(install.installState()).toBe("installed");
  });

  it("Safari on iOS gets the Add to Home Screen steps, except when already installed", () => {
    browser({ userAgent: IPHONE });
    expect(install.installState()).toBe("ios");
    browser({ userAgent: IPAD_DESKTOP_MODE, touchPoints: 5 });
    expect(install.installState()).toBe("ios");
    browser({ userAgent: IPAD_DESKTOP_MODE, touchPoints: 0 }); // a Mac
    expect(install.installState()).toBe("none");
    browser({ userAgent: IPHONE, standalone: true });
    expect(install.installState()).toBe("installed");
  });

  it("isIos reads the user agent and touch points", () => {
    expect(install.isIos(IPHONE, 5)).toBe(true);
    expect(install.isIos(ANDROID, 5)).toBe(false);
    expect(install.isIos(IPAD_DESKTOP_MODE, 0)).toBe(false);
  });
});
