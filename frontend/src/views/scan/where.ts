/**
 * "Where" for a meetup logged by a scan: what is on now in my plan. A starred poster or talk
 * whose time is now says more than its session, a starred session more than a booth I starred
 * that is open now, a meal last; nothing starred on now → no place. Pure (where.test.ts).
 */

import type { PlanKind } from "../../db";

export type Place = { kind: "session" | "oral" | "poster" | "booth" | "meal"; id: number };

/** Rows as stored: a cancelled one (a tombstone) may lack everything but its id. */
type Maybe<T> = T | undefined;
interface Timed {
  id: number;
  start?: Maybe<string>;
  end?: Maybe<string>;
  cancelled?: Maybe<boolean>;
}

export interface WhereProgram {
  sessions: readonly Timed[];
  meals: readonly Timed[];
  orals: readonly Timed[];
  posters: readonly { id: number; session?: Maybe<number>; cancelled?: Maybe<boolean> }[];
  booths: readonly { id: number; hours?: Maybe<readonly { start: string; end: string }[]>; cancelled?: Maybe<boolean> }[];
}

const on = (start: Maybe<string>, end: Maybe<string>, at: number) =>
  !!start && !!end && Date.parse(start) <= at && at < Date.parse(end);

/** The place on now among my starred items (`starred`: "kind/id" keys), or null. */
export function whereNow(program: WhereProgram, starred: ReadonlySet<string>, at: Date): Place | null {
  const t = at.getTime();
  const has = (kind: PlanKind, id: number) => starred.has(`${kind}/${id}`);
  const sessionsOn = new Map(program.sessions.filter((s) => !s.cancelled && on(s.start, s.end, t)).map((s) => [s.id, s]));
  const byStart = (rows: Timed[]) => rows.sort((a, b) => (a.start ?? "").localeCompare(b.start ?? "") || a.id - b.id);

  const oral = byStart(program.orals.filter((o) => !o.cancelled && has("oral", o.id) && on(o.start, o.end, t)))[0];
  if (oral) return { kind: "oral", id: oral.id };
  const poster = program.posters
    .filter((p) => !p.cancelled && has("poster", p.id) && p.session !== undefined && sessionsOn.has(p.session))
    .sort((a, b) => a.id - b.id)[0];
  if (poster) return { kind: "poster", id: poster.id };
  // The latest started: the one I most likely walked into.
  const session = byStart([...sessionsOn.values()].filter((s) => has("session", s.id))).reverse()[0];
  if (session) return { kind: "session", id: session.id };
  const booth = program.booths
    .filter((b) => !b.cancelled && has("booth", b.id) && (b.hours ?? []).some((h) => on(h.start, h.end, t)))
    .sort((a, b) => a.id - b.id)[0];
  if (booth) return { kind: "booth", id: booth.id };
  const meal = program.meals.find((m) => !m.cancelled && has("meal", m.id) && on(m.start, m.end, t));
  return meal ? { kind: "meal", id: meal.id } : null;
}
