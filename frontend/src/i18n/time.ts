/**
 * Times as attendees read them: in the conference's zone by default, in the device's zone on
 * request, always labelled. Only `Intl` (no date library): the API sends instants as ISO 8601
 * with an offset (UTC), and `Intl.DateTimeFormat` with `timeZone` knows every IANA zone and its
 * DST rules.
 *
 *     const fmt = timeFormatter({ conferenceZone: conference.timezone, mode: zoneMode() });
 *     fmt.zoneLabel()                          // "conference time (GMT+3)" / "학회 현지 시간 (GMT+3)"
 *     fmt.range(item.start, item.end)          // "09:00–10:30", "22:00–01:00 +1 day"
 *     fmt.labelledRange(item.start, item.end)  // "09:00–10:30 GMT+3"
 *     fmt.groupByDay(items, (i) => i.start)    // [{ day: "2026-10-22", items }, ...] in the chosen zone
 *     fmt.dayLabel("2026-10-22")               // "Thu, Oct 22" / "10월 22일 (목)"
 *
 * A screen that lists times shows `zoneLabel()` once (header) and bare `range()`/`time()` per
 * row, or uses the `labelled*` variants where a time stands alone. When the two ends of a range
 * have different UTC offsets (a DST change inside it), `range()` labels both ends, because
 * "01:30–01:15" alone would read as a negative duration.
 *
 * Build one formatter per screen render, not per row: it caches its `Intl` objects.
 */

import { currentLanguage, i18n, isLanguage } from "./index";
import { primarySubtag, readStored, writeStored, type KeyValueStorage, type Language } from "./detect";

export type ZoneMode = "conference" | "device";
export const ZONE_MODE_STORAGE_KEY = "boardwalk.timeZoneMode";

/** The zone this device is set to (in Node: `process.env.TZ`). */
export function deviceTimeZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export interface TimeFormatterOptions {
  /** The conference's IANA zone (`Conference.timezone`, e.g. "Asia/Jerusalem"). */
  conferenceZone: string;
  /** "conference" (default) or "device". */
  mode?: ZoneMode | undefined;
  /** Defaults to `deviceTimeZone()`; tests pass one. */
  deviceZone?: string | undefined;
  /** A BCP 47 tag for `Intl` ("ko", "en-GB"); defaults to the app's current language. */
  locale?: string | undefined;
  /**
   * Local hour at which a "day" starts for grouping (default 0, midnight). A schedule may set
   * e.g. 4 so a 00:30 party stays under the evening it belongs to.
   */
  dayStartHour?: number | undefined;
}

/** `YYYY-MM-DD`, the calendar day in the chosen zone. */
export type DayKey = string;

export interface DayGroup<T> {
  day: DayKey;
  items: T[];
}

const EN_DASH = "\u2013";
const HOUR_MS = 3_600_000;

function parse(iso: string | Date): Date | null {
  const date = iso instanceof Date ? iso : new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/** Calendar arithmetic on a `YYYY-MM-DD`, free of any zone (UTC noon cannot cross a day). */
export function addDays(day: DayKey, days: number): DayKey {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d + days, 12));
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/** Whole days from `a` to `b` (both `YYYY-MM-DD`). */
export function daysBetween(a: DayKey, b: DayKey): number {
  const utc = (day: DayKey) => {
    const [y, m, d] = day.split("-").map(Number) as [number, number, number];
    return Date.UTC(y, m - 1, d);
  };
  return Math.round((utc(b) - utc(a)) / (24 * HOUR_MS));
}

export class TimeFormatter {
  readonly mode: ZoneMode;
  /** The IANA zone times are shown in. */
  readonly zone: string;
  readonly conferenceZone: string;
  readonly deviceZone: string;
  readonly locale: string;
  /** The catalog language for labels ("en"/"ko"), from `locale`. */
  readonly language: Language;
  readonly dayStartHour: number;

  readonly #formats = new Map<string, Intl.DateTimeFormat>();
  #relative: Intl.RelativeTimeFormat | undefined;

  constructor(options: TimeFormatterOptions) {
    this.mode = options.mode ?? "conference";
    this.conferenceZone = options.conferenceZone;
    this.deviceZone = options.deviceZone ?? deviceTimeZone();
    this.zone = this.mode === "device" ? this.deviceZone : this.conferenceZone;
    this.locale = options.locale ?? currentLanguage();
    const primary = primarySubtag(this.locale);
    this.language = isLanguage(primary) ? primary : "en";
    this.dayStartHour = options.dayStartHour ?? 0;
  }

  #format(name: string, options: Intl.DateTimeFormatOptions, zone = this.zone): Intl.DateTimeFormat {
    const key = `${name}|${zone}`;
    let format = this.#formats.get(key);
    if (!format) {
      format = new Intl.DateTimeFormat(this.locale, { ...options, timeZone: zone });
      this.#formats.set(key, format);
    }
    return format;
  }

  get #t() {
    return i18n.getFixedT(this.language);
  }

  /** Wall-clock parts of an instant in the chosen zone. */
  #parts(date: Date): { year: number; month: number; day: number; hour: number; minute: number } {
    const parts = this.#format("parts", {
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      calendar: "gregory",
      numberingSystem: "latn",
    }).formatToParts(date);
    const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
    return { year: get("year"), month: get("month"), day: get("day"), hour: get("hour"), minute: get("minute") };
  }

  /** The zone's short name at that instant: "GMT+3" (then "GMT+2" after the DST change), "EDT", "EST". */
  abbreviation(at: string | Date = new Date()): string {
    const date = parse(at) ?? new Date();
    const part = this.#format("abbr", { hour: "numeric", timeZoneName: "short" })
      .formatToParts(date)
      .find((p) => p.type === "timeZoneName");
    return part?.value ?? this.zone;
  }

  /** "conference time" / "your time", in the formatter's language. */
  modeLabel(): string {
    return this.#t(this.mode === "device" ? "time.yourTime" : "time.conferenceTime");
  }

  /** "conference time (GMT+3)" — show it wherever times are listed. */
  zoneLabel(at: string | Date = new Date()): string {
    return this.#t("time.zoneLabel", { label: this.modeLabel(), zone: this.abbreviation(at) });
  }

  /** "09:00" (24-hour in both languages, as conference programs print it). */
  time(iso: string | Date): string {
    const date = parse(iso);
    if (!date) return String(iso);
    return this.#format("time", { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(date);
  }

  /** "09:00 GMT+3". */
  labelledTime(iso: string | Date): string {
    const date = parse(iso);
    if (!date) return String(iso);
    return `${this.time(date)} ${this.abbreviation(date)}`;
  }

  /** Minutes east of UTC in the chosen zone at that instant (+180 in Jerusalem in summer). */
  offsetMinutes(iso: string | Date): number {
    const date = parse(iso);
    if (!date) return Number.NaN;
    const p = this.#parts(date);
    const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
    return Math.round((wall - Math.floor(date.getTime() / 60_000) * 60_000) / 60_000);
  }

  #offsetDiffers(a: Date, b: Date): boolean {
    return this.offsetMinutes(a) !== this.offsetMinutes(b);
  }

  /**
   * "09:00–10:30"; "22:00–01:00 +1 day" when it ends on a later day; "01:30 GMT+3–01:15 GMT+2"
   * across a DST change.
   */
  range(start: string | Date, end: string | Date): string {
    return this.#range(start, end, false);
  }

  /** "09:00–10:30 GMT+3", "22:00–01:00 GMT+3 +1 day" (the zone of each end when they differ). */
  labelledRange(start: string | Date, end: string | Date): string {
    return this.#range(start, end, true);
  }

  #range(start: string | Date, end: string | Date, labelled: boolean): string {
    const from = parse(start);
    const to = parse(end);
    if (!from || !to) return `${String(start)}${EN_DASH}${String(end)}`;
    const shift = this.#offsetDiffers(from, to);
    let text = shift
      ? `${this.labelledTime(from)}${EN_DASH}${this.labelledTime(to)}`
      : `${this.time(from)}${EN_DASH}${this.time(to)}`;
    if (labelled && !shift) text += ` ${this.abbreviation(from)}`;
    const days = daysBetween(this.calendarDay(from), this.calendarDay(to));
    if (days > 0) text += ` ${this.#t("time.nextDay", { count: days })}`;
    return text;
  }

  /** The calendar day (midnight to midnight) of an instant in the chosen zone. */
  calendarDay(iso: string | Date): DayKey {
    const date = parse(iso);
    if (!date) return "";
    const p = this.#parts(date);
    return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
  }

  /** The schedule day of an instant: its calendar day, or the one before if earlier than `dayStartHour`. */
  dayKey(iso: string | Date): DayKey {
    const date = parse(iso);
    if (!date) return "";
    const day = this.calendarDay(date);
    return this.#parts(date).hour < this.dayStartHour ? addDays(day, -1) : day;
  }

  /**
   * Items grouped by the day they start on (in the chosen zone), days ascending, items by start
   * then in their given order. Items whose start does not parse are left out.
   */
  groupByDay<T>(items: readonly T[], startOf: (item: T) => string | Date): DayGroup<T>[] {
    const keyed = items
      .map((item, index) => ({ item, index, date: parse(startOf(item)) }))
      .filter((entry): entry is { item: T; index: number; date: Date } => entry.date !== null)
      .sort((a, b) => a.date.getTime() - b.date.getTime() || a.index - b.index);
    const groups: DayGroup<T>[] = [];
    for (const { item, date } of keyed) {
      const day = this.dayKey(date);
      const last = groups.at(-1);
      if (last?.day === day) last.items.push(item);
      else groups.push({ day, items: [item] });
    }
    // An instant's day key never decreases as time goes on (a DST fall-back repeats an hour,
    // not a date), so sorting by instant leaves the groups in day order.
    return groups;
  }

  /** "Thu, Oct 22" / "10월 22일 (목)"; `long`: "Thursday, October 22" / "10월 22일 목요일". */
  dayLabel(day: DayKey, style: "short" | "long" = "short"): string {
    const [y, m, d] = day.split("-").map(Number) as [number, number, number];
    const noon = new Date(Date.UTC(y, m - 1, d, 12));
    if (Number.isNaN(noon.getTime())) return day;
    const options: Intl.DateTimeFormatOptions =
      style === "long" ? { weekday: "long", month: "long", day: "numeric" } : { weekday: "short", month: "short", day: "numeric" };
    return this.#format(`day-${style}`, options, "UTC").format(noon);
  }

  /** "Thu, Oct 22, 14:05 GMT+3" — e.g. "program updated at". */
  labelledDateTime(iso: string | Date): string {
    const date = parse(iso);
    if (!date) return String(iso);
    const format = this.#format("datetime", {
      weekday: "short",
      month: "short",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZoneName: "short",
    });
    return format.format(date);
  }

  /** "in 12 minutes" / "12분 후", "2 hours ago" / "2시간 전" (minutes under an hour, else hours, else days). */
  relative(iso: string | Date, now: Date = new Date()): string {
    const date = parse(iso);
    if (!date) return String(iso);
    this.#relative ??= new Intl.RelativeTimeFormat(this.locale, { numeric: "auto" });
    const minutes = Math.round((date.getTime() - now.getTime()) / 60_000);
    if (Math.abs(minutes) < 60) return this.#relative.format(minutes, "minute");
    const hours = Math.round(minutes / 60);
    if (Math.abs(hours) < 24) return this.#relative.format(hours, "hour");
    return this.#relative.format(Math.round(hours / 24), "day");
  }
}

export function timeFormatter(options: TimeFormatterOptions): TimeFormatter {
  return new TimeFormatter(options);
}

// --- The user's choice of zone, kept like the language choice -------------------------------

type Listener = (mode: ZoneMode) => void;
const listeners = new Set<Listener>();

function defaultStorage(): KeyValueStorage | undefined {
  try {
    return typeof window === "undefined" ? undefined : window.localStorage;
  } catch {
    return undefined;
  }
}

/** "conference" unless the user asked for their device's zone. */
export function zoneMode(storage: KeyValueStorage | undefined = defaultStorage()): ZoneMode {
  return readStored(storage, ZONE_MODE_STORAGE_KEY) === "device" ? "device" : "conference";
}

export function setZoneMode(mode: ZoneMode, storage: KeyValueStorage | undefined = defaultStorage()): void {
  writeStored(storage, ZONE_MODE_STORAGE_KEY, mode === "device" ? "device" : null);
  for (const listener of listeners) listener(mode);
}

export function onZoneModeChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
