import { afterEach, describe, expect, it } from "vitest";

import type { KeyValueStorage } from "./detect";
import { i18n } from "./index";
import {
  ZONE_MODE_STORAGE_KEY,
  addDays,
  daysBetween,
  deviceTimeZone,
  onZoneModeChange,
  setZoneMode,
  timeFormatter,
  zoneMode,
} from "./time";

declare const process: { env: Record<string, string | undefined> };

// The demo conference: 22–26 Oct 2026 in Asia/Jerusalem, where summer time ends on
// Sunday 25 Oct at 02:00 (UTC+3) → 01:00 (UTC+2), i.e. at 2026-10-24T23:00:00Z.
const JERUSALEM = "Asia/Jerusalem";
const NEW_YORK = "America/New_York"; // 2026-11-01 02:00 EDT → 01:00 EST, at 06:00Z
const en = (options: { mode?: "conference" | "device"; deviceZone?: string; conferenceZone?: string; dayStartHour?: number } = {}) =>
  timeFormatter({ conferenceZone: JERUSALEM, deviceZone: "Europe/Berlin", locale: "en", ...options });
const ko = (options: { mode?: "conference" | "device"; deviceZone?: string; conferenceZone?: string } = {}) =>
  timeFormatter({ conferenceZone: JERUSALEM, deviceZone: "Europe/Berlin", locale: "ko", ...options });

describe("times in the conference zone (default) or the device zone", () => {
  it("shows the conference's wall clock by default, 24-hour", () => {
    const fmt = en();
    expect(fmt.mode).toBe("conference");
    expect(fmt.zone).toBe(JERUSALEM);
    expect(fmt.time("2026-10-22T06:00:00Z")).toBe("09:00");
    expect(fmt.time("2026-10-22T09:00:00+03:00")).toBe("09:00");
    expect(fmt.time("2026-10-22T12:30:00Z")).toBe("15:30");
    expect(ko().time("2026-10-22T12:30:00Z")).toBe("15:30");
  });

  it("shows the device's wall clock on request, labelled as such", () => {
    const fmt = en({ mode: "device", deviceZone: "Asia/Seoul" });
    expect(fmt.zone).toBe("Asia/Seoul");
    expect(fmt.time("2026-10-22T06:00:00Z")).toBe("15:00");
    expect(fmt.zoneLabel("2026-10-22T06:00:00Z")).toBe("your time (GMT+9)");
    expect(en().zoneLabel("2026-10-22T06:00:00Z")).toBe("conference time (GMT+3)");
    expect(ko({ mode: "device", deviceZone: "Asia/Seoul" }).zoneLabel("2026-10-22T06:00:00Z")).toBe("내 기기 시간 (GMT+9)");
    expect(ko().zoneLabel("2026-10-22T06:00:00Z")).toBe("학회 현지 시간 (GMT+3)");
  });

  it("takes the device zone from the system when none is passed (TZ)", () => {
    const saved = process.env.TZ;
    try {
      process.env.TZ = "America/New_York";
      expect(deviceTimeZone()).toBe(NEW_YORK);
      const fmt = timeFormatter({ conferenceZone: JERUSALEM, mode: "device", locale: "en" });
      expect(fmt.zone).toBe(NEW_YORK);
      expect(fmt.labelledTime("2026-10-22T06:00:00Z")).toBe("02:00 EDT");
      // The conference zone does not move with the device.
      expect(timeFormatter({ conferenceZone: JERUSALEM, locale: "en" }).labelledTime("2026-10-22T06:00:00Z")).toBe("09:00 GMT+3");
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it("uses the app's current language when no locale is passed", () => {
    void i18n.changeLanguage("ko");
    try {
      const fmt = timeFormatter({ conferenceZone: JERUSALEM, deviceZone: JERUSALEM });
      expect(fmt.language).toBe("ko");
      expect(fmt.zoneLabel("2026-10-22T06:00:00Z")).toBe("학회 현지 시간 (GMT+3)");
    } finally {
      void i18n.changeLanguage("en");
    }
  });
});

describe("the DST change in Jerusalem during the demo conference", () => {
  const fmt = en();

  it("labels the zone as it is at each instant", () => {
    expect(fmt.labelledTime("2026-10-24T22:59:00Z")).toBe("01:59 GMT+3");
    expect(fmt.labelledTime("2026-10-24T23:00:00Z")).toBe("01:00 GMT+2");
    expect(fmt.offsetMinutes("2026-10-24T22:59:00Z")).toBe(180);
    expect(fmt.offsetMinutes("2026-10-24T23:00:00Z")).toBe(120);
    // The same wall clock twice: only the label tells them apart.
    expect(fmt.labelledTime("2026-10-24T22:30:00Z")).toBe("01:30 GMT+3");
    expect(fmt.labelledTime("2026-10-24T23:30:00Z")).toBe("01:30 GMT+2");
  });

  it("labels both ends of a range that spans the change", () => {
    expect(fmt.range("2026-10-24T22:30:00Z", "2026-10-24T23:15:00Z")).toBe("01:30 GMT+3–01:15 GMT+2");
    expect(fmt.labelledRange("2026-10-24T22:30:00Z", "2026-10-24T23:15:00Z")).toBe("01:30 GMT+3–01:15 GMT+2");
  });

  it("keeps ranges on either side plain", () => {
    expect(fmt.range("2026-10-22T06:00:00Z", "2026-10-22T07:30:00Z")).toBe("09:00–10:30");
    expect(fmt.labelledRange("2026-10-22T06:00:00Z", "2026-10-22T07:30:00Z")).toBe("09:00–10:30 GMT+3");
    expect(fmt.labelledRange("2026-10-26T07:00:00Z", "2026-10-26T08:30:00Z")).toBe("09:00–10:30 GMT+2");
  });

  it("groups the night of the change under one day, in time order", () => {
    const items = [
      { id: "after", start: "2026-10-25T07:00:00Z" }, // 09:00 IST
      { id: "second-0130", start: "2026-10-24T23:30:00Z" }, // 01:30 IST
      { id: "first-0130", start: "2026-10-24T22:30:00Z" }, // 01:30 IDT
      { id: "before-midnight", start: "2026-10-24T20:30:00Z" }, // 23:30 IDT on the 24th
    ];
    const groups = fmt.groupByDay(items, (item) => item.start);
    expect(groups.map((g) => [g.day, g.items.map((i) => i.id)])).toEqual([
      ["2026-10-24", ["before-midnight"]],
      ["2026-10-25", ["first-0130", "second-0130", "after"]],
    ]);
  });
});

describe("the DST change in New York (2026-11-01)", () => {
  const fmt = en({ conferenceZone: NEW_YORK });

  it("names EDT and EST in English, GMT offsets in Korean", () => {
    expect(fmt.range("2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z")).toBe("01:30 EDT–01:30 EST");
    expect(fmt.labelledRange("2026-11-01T13:00:00Z", "2026-11-01T14:00:00Z")).toBe("08:00–09:00 EST");
    const koFmt = ko({ conferenceZone: NEW_YORK });
    expect(koFmt.range("2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z")).toBe("01:30 GMT-4–01:30 GMT-5");
  });

  it("counts a 25-hour day as one day", () => {
    const groups = fmt.groupByDay(
      ["2026-11-01T04:30:00Z", "2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z", "2026-11-02T04:30:00Z", "2026-11-02T05:30:00Z"],
      (iso) => iso,
    );
    // 00:30 EDT, 01:30 EDT, 01:30 EST, 23:30 EST on the 1st; 00:30 EST on the 2nd.
    expect(groups.map((g) => [g.day, g.items.length])).toEqual([
      ["2026-11-01", 4],
      ["2026-11-02", 1],
    ]);
  });
});

describe("days that run past midnight", () => {
  it("marks a range that ends on a later day", () => {
    expect(en().range("2026-10-22T19:00:00Z", "2026-10-22T22:00:00Z")).toBe("22:00–01:00 +1 day");
    expect(ko().range("2026-10-22T19:00:00Z", "2026-10-22T22:00:00Z")).toBe("22:00–01:00 +1일");
    expect(en().range("2026-10-22T19:00:00Z", "2026-10-24T22:00:00Z")).toBe("22:00–01:00 +3 days");
    expect(en().labelledRange("2026-10-22T19:00:00Z", "2026-10-22T22:00:00Z")).toBe("22:00–01:00 GMT+3 +1 day");
    // Ending exactly at midnight is still the next day on the clock.
    expect(en().range("2026-10-22T19:00:00Z", "2026-10-22T21:00:00Z")).toBe("22:00–00:00 +1 day");
  });

  it("groups by the day an item starts, or by a later day start for late nights", () => {
    const items = [
      { id: "reception", start: "2026-10-22T16:00:00Z" }, // 19:00 on the 22nd
      { id: "party", start: "2026-10-22T21:30:00Z" }, // 00:30 on the 23rd
      { id: "breakfast", start: "2026-10-23T05:00:00Z" }, // 08:00 on the 23rd
    ];
    expect(en().groupByDay(items, (i) => i.start).map((g) => [g.day, g.items.map((i) => i.id)])).toEqual([
      ["2026-10-22", ["reception"]],
      ["2026-10-23", ["party", "breakfast"]],
    ]);
    expect(
      en({ dayStartHour: 4 })
        .groupByDay(items, (i) => i.start)
        .map((g) => [g.day, g.items.map((i) => i.id)]),
    ).toEqual([
      ["2026-10-22", ["reception", "party"]],
      ["2026-10-23", ["breakfast"]],
    ]);
  });

  it("groups by the device's days when asked: the same items fall on other days", () => {
    // 06:00 and 23:30 in Jerusalem on the 22nd.
    const items = ["2026-10-22T03:00:00Z", "2026-10-22T20:30:00Z"];
    expect(en().groupByDay(items, (iso) => iso).map((g) => [g.day, g.items])).toEqual([["2026-10-22", items]]);
    const newYork = en({ mode: "device", deviceZone: NEW_YORK }).groupByDay(items, (iso) => iso);
    expect(newYork.map((g) => [g.day, g.items])).toEqual([
      ["2026-10-21", ["2026-10-22T03:00:00Z"]], // 23:00 EDT on the 21st
      ["2026-10-22", ["2026-10-22T20:30:00Z"]], // 16:30 EDT
    ]);
    const seoul = en({ mode: "device", deviceZone: "Asia/Seoul" }).groupByDay(items, (iso) => iso);
    expect(seoul.map((g) => g.day)).toEqual(["2026-10-22", "2026-10-23"]); // 12:00, 05:30 next day
  });

  it("keeps items with the same start in their given order and drops unparseable starts", () => {
    const items = [
      { id: "b", start: "2026-10-22T06:00:00Z" },
      { id: "bad", start: "not a date" },
      { id: "a", start: "2026-10-22T06:00:00Z" },
    ];
    expect(en().groupByDay(items, (i) => i.start)).toEqual([{ day: "2026-10-22", items: [items[0], items[2]] }]);
  });
});

describe("dates", () => {
  it("formats a day in each language", () => {
    expect(en().dayLabel("2026-10-22")).toBe("Thu, Oct 22");
    expect(en().dayLabel("2026-10-22", "long")).toBe("Thursday, October 22");
    expect(ko().dayLabel("2026-10-22")).toBe("10월 22일 (목)");
    expect(ko().dayLabel("2026-10-22", "long")).toBe("10월 22일 목요일");
    // A day label does not depend on any zone.
    expect(en({ mode: "device", deviceZone: "Pacific/Kiritimati" }).dayLabel("2026-10-22")).toBe("Thu, Oct 22");
  });

  it("formats a labelled date and time", () => {
    expect(en().labelledDateTime("2026-10-22T11:05:00Z")).toBe("Thu, Oct 22, 14:05 GMT+3");
    expect(ko().labelledDateTime("2026-10-22T11:05:00Z")).toBe("10월 22일 (목) 14:05 GMT+3");
  });

  it("says how far away an instant is", () => {
    const now = new Date("2026-10-22T06:00:00Z");
    expect(en().relative("2026-10-22T06:12:00Z", now)).toBe("in 12 minutes");
    expect(ko().relative("2026-10-22T06:12:00Z", now)).toBe("12분 후");
    expect(en().relative("2026-10-22T04:00:00Z", now)).toBe("2 hours ago");
    expect(ko().relative("2026-10-23T06:00:00Z", now)).toBe("내일");
  });

  it("does day arithmetic without a zone", () => {
    expect(addDays("2026-10-31", 1)).toBe("2026-11-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(daysBetween("2026-10-22", "2026-10-26")).toBe(4);
    expect(daysBetween("2026-10-25", "2026-10-26")).toBe(1);
  });

  it("returns what it cannot parse as it came", () => {
    expect(en().time("soon")).toBe("soon");
    expect(en().range("soon", "later")).toBe("soon–later");
    expect(en().dayKey("soon")).toBe("");
  });
});

describe("the zone preference", () => {
  const storage = new Map<string, string>();
  const memory: KeyValueStorage = {
    getItem: (key) => storage.get(key) ?? null,
    setItem: (key, value) => void storage.set(key, value),
    removeItem: (key) => void storage.delete(key),
  };
  afterEach(() => storage.clear());

  it("defaults to the conference zone and remembers the device choice", () => {
    expect(zoneMode(memory)).toBe("conference");
    const seen: string[] = [];
    const stop = onZoneModeChange((mode) => seen.push(mode));
    setZoneMode("device", memory);
    expect(storage.get(ZONE_MODE_STORAGE_KEY)).toBe("device");
    expect(zoneMode(memory)).toBe("device");
    setZoneMode("conference", memory);
    expect(storage.has(ZONE_MODE_STORAGE_KEY)).toBe(false);
    stop();
    setZoneMode("device", memory);
    expect(seen).toEqual(["device", "conference"]);
  });

  it("reads a garbled value as the conference zone", () => {
    storage.set(ZONE_MODE_STORAGE_KEY, "Mars/Olympus");
    expect(zoneMode(memory)).toBe("conference");
  });
});
