/**
 * Conflicts in my plan, computed on the device from IndexedDB so they show offline. The rules
 * are the server's (`planner/selectors/plans.py`: `same_event`, `_overlaps`), line for line;
 * `conflict-cases.json` holds cases both test suites run (tests/selectors/test_plan_conflict_cases.py
 * on the server, conflicts.test.ts here), so the two cannot drift apart unnoticed.
 */

/** What a plan item points at, flattened across kinds (the server's PlanTarget). */
export interface ConflictTarget {
  kind: "session" | "oral" | "poster" | "booth" | "meal";
  id: number;
  /** ISO instants; null when the item has no slot (a booth). */
  start: string | null;
  end: string | null;
  roomId: number | null;
  /** An oral's or poster's session. */
  sessionId: number | null;
}

export interface Overlap<T extends ConflictTarget = ConflictTarget> {
  first: T;
  second: T;
  start: string;
  end: string;
  minutes: number;
}

/** Only these take part in overlaps: a poster is visited within its session, a booth has hours. */
export const TIMED_KINDS = ["session", "oral", "meal"] as const;

const ms = (iso: string): number => Date.parse(iso);

/**
 * Whether two overlapping targets are one thing the attendee attends, not a clash: an oral in
 * its own session, or two listings in the same room where one's span lies within the other's
 * (the welcome reception listed as a social session and as a meal). Different or unknown rooms,
 * or one room with spans that only partly overlap, stay a conflict.
 */
export function sameEvent(a: ConflictTarget, b: ConflictTarget): boolean {
  if ((a.kind === "oral" && b.kind === "session") || (a.kind === "session" && b.kind === "oral")) {
    const [oral, session] = a.kind === "oral" ? [a, b] : [b, a];
    if (oral.sessionId === session.id) return true;
  }
  if (a.roomId === null || a.roomId !== b.roomId) return false;
  if (a.start === null || a.end === null || b.start === null || b.end === null) return false;
  const [as, ae, bs, be] = [ms(a.start), ms(a.end), ms(b.start), ms(b.end)];
  return (as <= bs && be <= ae) || (bs <= as && ae <= be);
}

function order(t: ConflictTarget): [number, number, number, number] {
  return [ms(t.start ?? ""), ms(t.end ?? ""), TIMED_KINDS.indexOf(t.kind as (typeof TIMED_KINDS)[number]), t.id];
}

function compareTuples(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const byOrder = (a: ConflictTarget, b: ConflictTarget): number => compareTuples(order(a), order(b));

/**
 * Pairs of timed, not cancelled targets whose slots intersect, less the pairs that are one
 * event; sorted by overlap start (the server's sweep over start times). Callers pass only
 * what may clash: timed kinds, not cancelled, still in the program.
 */
export function overlaps<T extends ConflictTarget>(targets: readonly T[]): Overlap<T>[] {
  const timed = targets
    .filter((t) => (TIMED_KINDS as readonly string[]).includes(t.kind) && t.start !== null && t.end !== null)
    .sort(byOrder);
  const found: Overlap<T>[] = [];
  let active: T[] = [];
  for (const target of timed) {
    const start = ms(target.start as string);
    active = active.filter((other) => ms(other.end as string) > start);
    for (const other of active) {
      if (sameEvent(other, target)) continue;
      const from = Math.max(ms(other.start as string), start);
      const to = Math.min(ms(other.end as string), ms(target.end as string));
      found.push({
        first: other,
        second: target,
        start: new Date(from).toISOString(),
        end: new Date(to).toISOString(),
        // Any overlap counts, so part of a minute rounds up.
        minutes: Math.ceil((to - from) / 60_000),
      });
    }
    active.push(target);
  }
  return found.sort(
    (a, b) => ms(a.start) - ms(b.start) || byOrder(a.first, b.first) || byOrder(a.second, b.second),
  );
}

/** Each target's overlaps, keyed "kind/id", for marking the items of a list. */
export function conflictsByItem<T extends ConflictTarget>(found: readonly Overlap<T>[]): Map<string, { other: T; minutes: number }[]> {
  const map = new Map<string, { other: T; minutes: number }[]>();
  const add = (self: T, other: T, minutes: number) => {
    const key = `${self.kind}/${self.id}`;
    map.set(key, [...(map.get(key) ?? []), { other, minutes }]);
  };
  for (const o of found) {
    add(o.first, o.second, o.minutes);
    add(o.second, o.first, o.minutes);
  }
  return map;
}
