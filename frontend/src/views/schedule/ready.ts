/**
 * "The schedule is usable": marked once per page load for bench/pwa, and awaited by the search
 * so that loading or building its index (a large IndexedDB read) does not compete with the
 * first day list.
 */

export const READY_MARK = "boardwalk:schedule-ready";

let resolveReady: () => void = () => undefined;
const ready = new Promise<void>((resolve) => {
  resolveReady = resolve;
});
let marked = false;

export function markScheduleReady(): void {
  if (marked) return;
  marked = true;
  performance.mark(READY_MARK);
  resolveReady();
}

/** Resolves when the first day list rendered, or after `maxWaitMs` (a page that shows none). */
export function scheduleReady(maxWaitMs: number): Promise<void> {
  return Promise.race([ready, new Promise<void>((resolve) => setTimeout(resolve, maxWaitMs))]);
}
