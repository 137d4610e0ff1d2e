/**
 * What the logbook needs from the stored program: the conference's zone and name, and labels
 * for posters and the other places a meetup can name. Read from IndexedDB only, so the
 * logbook works offline; without a stored program it falls back to the device's zone.
 */

import { bundleMetaGet, bundleRows, type BoardwalkDb } from "../../db";
import { deviceTimeZone } from "../../i18n/time";
import type { Choice, MeetupPlace } from "./entries";

export interface ProgramLabels {
  timezone: string;
  name: string | null;
  /** By place kind, natural board/title order; posters labelled "board · title". */
  places: Record<MeetupPlace, Choice[]>;
}

const byLabel = (a: Choice, b: Choice) => a.label.localeCompare(b.label, undefined, { numeric: true });

export async function loadProgram(db: BoardwalkDb, conf: string): Promise<ProgramLabels> {
  const [meta, papers, sessions, orals, posters, booths, meals] = await Promise.all([
    bundleMetaGet(db, conf),
    bundleRows(db, "papers", conf),
    bundleRows(db, "sessions", conf),
    bundleRows(db, "orals", conf),
    bundleRows(db, "posters", conf),
    bundleRows(db, "booths", conf),
    bundleRows(db, "meals", conf),
  ]);
  const paperTitle = new Map(papers.map((p) => [p.id, p.title]));
  const titleOf = (row: { paper?: number; title?: string }) => (row.paper !== undefined ? paperTitle.get(row.paper) : undefined) ?? row.title ?? "";
  return {
    timezone: meta?.conference.timezone ?? deviceTimeZone(),
    name: meta?.conference.name ?? null,
    places: {
      poster: posters.map((p) => ({ id: p.id, label: `${p.board} · ${titleOf(p)}` })).sort(byLabel),
      session: sessions.map((s) => ({ id: s.id, label: s.title })).sort(byLabel),
      oral: orals.map((o) => ({ id: o.id, label: titleOf(o) })).sort(byLabel),
      booth: booths.map((b) => ({ id: b.id, label: b.number ? `${b.number} · ${b.exhibitor}` : b.exhibitor })).sort(byLabel),
      meal: meals.map((m) => ({ id: m.id, label: m.title })).sort(byLabel),
    },
  };
}

/** The label of one place, or "#id" when the program does not have it (not downloaded yet). */
export function placeLabel(program: ProgramLabels | null, kind: MeetupPlace, id: number): string {
  return program?.places[kind].find((c) => c.id === id)?.label ?? `#${id}`;
}
