/**
 * Registers the service worker (`/sw.js`, built from `sw.ts`) and runs the update flow.
 *
 * A new build installs in the background and then waits; this module says so
 * (`updateState()` becomes `"waiting"`) and the app shows `components/UpdatePrompt`. Only
 * `applyUpdate()` — the user's click — sends `SKIP_WAITING` and reloads once the new worker
 * controls the page. The page never reloads by itself: a half-filled form is never lost. If
 * another tab applied the update, this one learns the new worker is in charge (`"ready"`)
 * and still waits for its own user to reload.
 *
 * For screens: `subscribeUpdate(listener)` / `updateState()` to show the state elsewhere,
 * `checkForUpdate()` to look for a new build now (e.g. after "sync now").
 * workbox-window is loaded lazily, so none of it is in the initial bundle.
 */

/** `idle`: up to date. `waiting`: a new version is installed and waits for the user.
 * `ready`: the new version already controls this page (applied in another tab); a reload
 * shows it. `reloading`: the user asked; the page reloads once the new worker controls it. */
export type UpdateState = "idle" | "waiting" | "ready" | "reloading";

/** The part of workbox-window's `Workbox` this module uses (an interface, for the tests). */
export interface WorkboxLike {
  addEventListener(type: "waiting" | "controlling", listener: (event: { isUpdate?: boolean }) => void): void;
  register(): Promise<ServiceWorkerRegistration | undefined>;
  update(): Promise<unknown>;
  messageSkipWaiting(): void;
}

export interface ShellUpdater {
  state(): UpdateState;
  subscribe(listener: (state: UpdateState) => void): () => void;
  apply(): void;
  check(): Promise<void>;
}

/** The update flow over a Workbox: `reload` is called at most once, and only after `apply()`. */
export function createShellUpdater(workbox: WorkboxLike, reload: () => void): ShellUpdater {
  let state: UpdateState = "idle";
  const listeners = new Set<(state: UpdateState) => void>();
  const set = (next: UpdateState) => {
    state = next;
    for (const listener of listeners) listener(next);
  };

  workbox.addEventListener("waiting", () => {
    if (state === "idle") set("waiting");
  });
  workbox.addEventListener("controlling", (event) => {
    if (state === "reloading") {
      reload();
    } else if (event.isUpdate) {
      // Another tab pressed "Update": the new worker controls this page too. Say so; the
      // user reloads when their form is done.
      set("ready");
    }
  });

  return {
    state: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    apply() {
      if (state === "ready") {
        set("reloading");
        reload();
      } else if (state === "waiting") {
        set("reloading");
        workbox.messageSkipWaiting();
      }
    },
    async check() {
      await workbox.update();
    },
  };
}

let updater: ShellUpdater | null = null;
const listeners = new Set<(state: UpdateState) => void>();
const HOUR = 60 * 60 * 1000;

/** Register `/sw.js` (production builds only) and look for a new build hourly and whenever
 * the device comes back online. Resolves once registered; never throws (logs instead). */
export async function registerServiceWorker({ url = "/sw.js", checkEveryMs = HOUR } = {}): Promise<void> {
  if (updater || !("serviceWorker" in navigator)) return;
  const { Workbox } = await import("workbox-window");
  const workbox = new Workbox(url, { scope: "/" });
  updater = createShellUpdater(workbox, () => window.location.reload());
  updater.subscribe((state) => {
    for (const listener of listeners) listener(state);
  });
  try {
    await workbox.register();
  } catch (error) {
    console.warn("Service worker registration failed; the app works online only.", error);
    return;
  }
  const check = () => void updater?.check().catch(() => undefined);
  window.setInterval(check, checkEveryMs);
  window.addEventListener("online", check);
}

export function updateState(): UpdateState {
  return updater?.state() ?? "idle";
}

/** Call `listener` on every change of `updateState()`; returns the unsubscribe function. */
export function subscribeUpdate(listener: (state: UpdateState) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The user's "Update" click: activate the waiting version, then reload once. */
export function applyUpdate(): void {
  updater?.apply();
}

export async function checkForUpdate(): Promise<void> {
  await updater?.check();
}
