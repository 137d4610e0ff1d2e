/**
 * `<input type="datetime-local">` holds a wall-clock time without a zone; the logbook reads and
 * writes it in the zone the times are shown in (the conference's, or the device's on request),
 * through the formatter's UTC offset for that instant.
 */

/** Minutes east of UTC at an instant, in the zone the form shows (TimeFormatter.offsetMinutes). */
export type OffsetAt = (at: Date) => number;

/** "2026-10-24T09:30" for an ISO instant, in the zone of `offsetAt`. */
export function toLocalInput(iso: string, offsetAt: OffsetAt): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return new Date(date.getTime() + offsetAt(date) * 60_000).toISOString().slice(0, 16);
}

/**
 * The ISO instant of a wall-clock "YYYY-MM-DDTHH:mm" in the zone of `offsetAt`; null when the
 * input is empty or unreadable. The offset depends on the instant itself (DST), so it is
 * looked up at the first guess and once more at the corrected one.
 */
export function fromLocalInput(value: string, offsetAt: OffsetAt): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!match) return null;
  const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  let instant = wall - offsetAt(new Date(wall)) * 60_000;
  instant = wall - offsetAt(new Date(instant)) * 60_000;
  return new Date(instant).toISOString();
}
