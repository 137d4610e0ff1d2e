/** What is on now and what starts soon, read from IndexedDB (the stored bundle). */

import { startingBetween, type BoardwalkDb, type BundleRows, type Stored } from "../../db";

export type Slot =
  | (Stored<BundleRows["sessions"]> & { type: "session" })
  | (Stored<BundleRows["meals"]> & { type: "meal" });

export interface NowAndNext {
  now: Slot[];
  next: Slot[];
}

/** The longest item we look back for (a full-day workshop). */
const LOOKBACK_MS = 24 * 3600_000;
export const NEXT_WINDOW_MS = 3600_000;

/** The bundle's own form ("2026-10-24T06:00:00Z", no milliseconds): the index compares strings. */
function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

async function slots(db: BoardwalkDb, conf: string, fromMs: number, toMs: number): Promise<Slot[]> {
  const [sessions, meals] = await Promise.all([
    startingBetween(db, "sessions", conf, iso(fromMs), iso(toMs)),
    startingBetween(db, "meals", conf, iso(fromMs), iso(toMs)),
  ]);
  return [
    ...(sessions as Stored<BundleRows["sessions"]>[]).map((row) => ({ ...row, type: "session" as const })),
    ...(meals as Stored<BundleRows["meals"]>[]).map((row) => ({ ...row, type: "meal" as const })),
  ].filter((row) => !row.cancelled);
}

const byStart = (a: Slot, b: Slot) => a.start.localeCompare(b.start) || a.title.localeCompare(b.title);

/** On now: started and not yet ended. Next: starting within the hour after `at`. */
export async function nowAndNext(db: BoardwalkDb, conf: string, at: Date): Promise<NowAndNext> {
  const t = Math.floor(at.getTime() / 1000) * 1000;
  const started = await slots(db, conf, t - LOOKBACK_MS, t + 1000);
  const now = started.filter((row) => new Date(row.end).getTime() > at.getTime()).sort(byStart);
  const next = (await slots(db, conf, t + 1000, t + NEXT_WINDOW_MS)).sort(byStart);
  return { now, next };
}
