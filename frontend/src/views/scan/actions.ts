/**
 * What the Scan screen does with a code: a badge logs a meetup through the outbox (one per
 * badge: scanning it again opens the same meetup), "where" taken from what is on now in my
 * plan; a poster board opens a new conversation about that poster.
 */

import { getDb, getOutbox } from "../../app/runtime";
import { bundleRows, failedDismiss, failedList, meetupGet, metaGet, metaSet, planList, type BoardwalkDb } from "../../db";
import { scannedKey } from "../../sync/outbox";
import { badgeToken } from "./classify";
import { whereNow, type WhereProgram } from "./where";

const base = (slug: string) => `/conferences/${encodeURIComponent(slug)}`;
export const meetupPath = (slug: string, id: string) => `${base(slug)}/logbook/meetups/${id}`;
export const conversationPath = (slug: string, poster: number) => `${base(slug)}/logbook/conversations/new?poster=${poster}`;

/** meta key: badge token → the meetup its scan made here (personal: `mine:`, cleared on sign-out). */
const badgesKey = (slug: string) => `mine:scans:${slug}`;

async function whereProgram(db: BoardwalkDb, slug: string): Promise<WhereProgram> {
  const [sessions, meals, orals, posters, booths] = await Promise.all([
    bundleRows(db, "sessions", slug),
    bundleRows(db, "meals", slug),
    bundleRows(db, "orals", slug),
    bundleRows(db, "posters", slug),
    bundleRows(db, "booths", slug),
  ]);
  return { sessions, meals, orals, posters, booths };
}

/** A meetup of this conference that is still there: `id`, or the earlier one the server named. */
async function liveMeetup(db: BoardwalkDb, slug: string, id: string): Promise<string | null> {
  const target = (await meetupGet(db, id)) ? id : await metaGet<string>(db, scannedKey(id));
  if (!target) return null;
  const record = await meetupGet(db, target);
  return record && record.conf === slug && !record.deleted ? target : null;
}

export type BadgeOutcome =
  /** Open this meetup (`pending`: not on the server yet; who it is shows once synced). */
  | { kind: "meetup"; id: string; again: boolean; pending: boolean }
  /** The server refused it: its message (a replaced badge, your own, another conference's). */
  | { kind: "refused"; detail: string };

/**
 * Log meeting the owner of the badge `text`. Online, waits for the server's answer (a few
 * seconds at most) so that the meetup opens with who it is; offline, it stays queued.
 */
export async function logBadge(slug: string, text: string, at: Date = new Date()): Promise<BadgeOutcome> {
  const db = await getDb();
  const token = badgeToken(text);
  const known = (await metaGet<Record<string, string>>(db, badgesKey(slug))) ?? {};
  const before = known[token] ? await liveMeetup(db, slug, known[token]) : null;
  if (before) return { kind: "meetup", id: before, again: true, pending: (await meetupGet(db, before))?.scan !== undefined };

  const starred = new Set((await planList(db, slug)).map((item) => `${item.kind}/${item.target}`));
  const place = whereNow(await whereProgram(db, slug), starred, at);
  const id = crypto.randomUUID();
  const outbox = await getOutbox();
  await metaSet(db, badgesKey(slug), { ...known, [token]: id });
  await outbox.scanBadge(slug, { id, badge: text.trim(), met_at: at.toISOString(), ...(place ? { [place.kind]: place.id } : {}) });
  if (navigator.onLine) await outbox.replay().catch(() => undefined);

  const record = await meetupGet(db, id);
  if (record) return { kind: "meetup", id, again: false, pending: record.scan !== undefined };
  const earlier = await liveMeetup(db, slug, id);
  if (earlier) return { kind: "meetup", id: earlier, again: true, pending: false };
  const refused = (await failedList(db)).find((write) => write.kind === "scan" && write.entity === id);
  if (refused) {
    // Said here, where it was scanned; nothing is left to retry (the badge is what it is).
    await failedDismiss(db, refused.seq);
    await outbox.refresh();
    await metaSet(db, badgesKey(slug), known);
    return { kind: "refused", detail: refused.errors.badge?.[0] ?? refused.detail };
  }
  return { kind: "refused", detail: "" };
}
