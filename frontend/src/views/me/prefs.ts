/** The preferences form: its fields as typed, and the PATCH that says only what changed. */

import type { Preferences, PreferencesPatch } from "../../api/me";

export const LEAD_TIMES = [0, 5, 10, 15, 30, 60];

export interface Form {
  reminder_minutes: string;
  push: boolean;
  email: boolean;
  quiet_hours_start: string;
  quiet_hours_end: string;
  digest_time: string;
}

export const formOf = (p: Preferences): Form => ({
  reminder_minutes: String(p.reminder_minutes ?? 10),
  push: Boolean(p.push),
  email: Boolean(p.email),
  quiet_hours_start: p.quiet_hours_start ?? "",
  quiet_hours_end: p.quiet_hours_end ?? "",
  digest_time: p.digest_time ?? "",
});

/** Only what changed, as the API wants it ("" → null for the times). */
export function changesOf(before: Form, after: Form): PreferencesPatch {
  const changes: PreferencesPatch = {};
  if (after.reminder_minutes !== before.reminder_minutes) {
    const minutes = Number(after.reminder_minutes);
    // Not a whole number: sent as typed, so the server's message says what is wrong.
    (changes as Record<string, unknown>).reminder_minutes = Number.isInteger(minutes) && after.reminder_minutes.trim() !== "" ? minutes : after.reminder_minutes;
  }
  if (after.push !== before.push) changes.push = after.push;
  if (after.email !== before.email) changes.email = after.email;
  for (const key of ["quiet_hours_start", "quiet_hours_end", "digest_time"] as const) {
    if (after[key] !== before[key]) changes[key] = after[key] || null;
  }
  return changes;
}
