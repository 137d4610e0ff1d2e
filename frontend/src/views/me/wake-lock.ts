import { useEffect, useState } from "preact/hooks";

/** held: the screen stays on; unsupported: no Screen Wake Lock API here; refused: it said no. */
export type WakeLockState = "off" | "held" | "unsupported" | "refused";

type Sentinel = { released: boolean; release(): Promise<void>; addEventListener(type: "release", listener: () => void): void };
type WakeLockApi = { request(type: "screen"): Promise<Sentinel> };

/**
 * Keep the screen on while `active` (the badge is shown full screen). The browser drops the
 * lock when the page is hidden; it is asked again when the page is visible again, and
 * released when `active` ends or the component goes.
 */
export function useWakeLock(active: boolean): WakeLockState {
  const [state, setState] = useState<WakeLockState>("off");
  useEffect(() => {
    if (!active) {
      setState("off");
      return;
    }
    const api = (navigator as Navigator & { wakeLock?: WakeLockApi }).wakeLock;
    if (!api) {
      setState("unsupported");
      return;
    }
    let sentinel: Sentinel | null = null;
    let gone = false;
    const acquire = async () => {
      if (document.visibilityState !== "visible" || (sentinel && !sentinel.released)) return;
      try {
        const next = await api.request("screen");
        if (gone) {
          void next.release();
          return;
        }
        sentinel = next;
        next.addEventListener("release", () => {
          if (!gone) setState("off");
        });
        setState("held");
      } catch {
        if (!gone) setState("refused");
      }
    };
    const onVisibility = () => void acquire();
    document.addEventListener("visibilitychange", onVisibility);
    void acquire();
    return () => {
      gone = true;
      document.removeEventListener("visibilitychange", onVisibility);
      if (sentinel && !sentinel.released) void sentinel.release();
    };
  }, [active]);
  return state;
}
