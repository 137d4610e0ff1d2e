/**
 * Installing the app: Chromium's `beforeinstallprompt` is caught as early as the page runs
 * (`captureInstallPrompt()` in main.tsx — the event fires once per load, often before any
 * screen is drawn) and kept until `components/InstallButton` offers it. Safari on iOS has no
 * such event: there the button explains "Share → Add to Home Screen" instead.
 *
 * `installState()` → `"prompt"` (the browser offers installing; `promptInstall()` shows its
 * dialog), `"ios"` (iOS Safari, not installed: show the instructions), `"installed"` (running
 * as the installed app, or just installed) or `"none"` (nothing to offer).
 */

/** The part of Chromium's BeforeInstallPromptEvent used here (not in TypeScript's DOM lib). */
export interface InstallPromptEvent extends Event {
  prompt(): Promise<unknown>;
  userChoice: Promise<{ outcome: "accepted" | "dismissed"; platform?: string }>;
}

export type InstallState = "prompt" | "ios" | "installed" | "none";

let deferred: InstallPromptEvent | null = null;
let installed = false;
let captured = false;
const listeners = new Set<() => void>();
const changed = () => listeners.forEach((listener) => listener());

/** Start listening for `beforeinstallprompt` / `appinstalled` (once; main.tsx calls it). */
export function captureInstallPrompt(target: Window = window): void {
  if (captured) return;
  captured = true;
  target.addEventListener("beforeinstallprompt", (event) => {
    // Keep the browser's own mini-infobar away: the app offers installing where it fits.
    event.preventDefault();
    deferred = event as InstallPromptEvent;
    changed();
  });
  target.addEventListener("appinstalled", () => {
    deferred = null;
    installed = true;
    changed();
  });
}

/** Running as the installed app (home-screen icon, standalone window). */
export function isStandalone(): boolean {
  const ios = (navigator as Navigator & { standalone?: boolean }).standalone === true;
  return ios || window.matchMedia("(display-mode: standalone)").matches;
}

/** iPhone, iPod or iPad (an iPad says "Macintosh" but has a touch screen). */
export function isIos(userAgent = navigator.userAgent, touchPoints = navigator.maxTouchPoints): boolean {
  return /iPad|iPhone|iPod/.test(userAgent) || (/Macintosh/.test(userAgent) && touchPoints > 1);
}

export function installState(): InstallState {
  if (installed || isStandalone()) return "installed";
  if (deferred) return "prompt";
  if (isIos()) return "ios";
  return "none";
}

export function subscribeInstall(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Show the browser's install dialog (a click handler only: the browser requires a gesture).
 * The event can be used once; after the answer the offer is gone until the next load. */
export async function promptInstall(): Promise<"accepted" | "dismissed" | "unavailable"> {
  const event = deferred;
  if (!event) return "unavailable";
  deferred = null;
  await event.prompt();
  const { outcome } = await event.userChoice;
  if (outcome === "accepted") installed = true;
  changed();
  return outcome;
}
