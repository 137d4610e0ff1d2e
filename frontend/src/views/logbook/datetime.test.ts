import { describe, expect, it } from "vitest";

import { timeFormatter } from "../../i18n/time";
import { fromLocalInput, toLocalInput } from "./datetime";

const jerusalem = timeFormatter({ conferenceZone: "Asia/Jerusalem", mode: "conference", locale: "en" });
const offsetAt = (at: Date) => jerusalem.offsetMinutes(at);

describe("datetime-local in the conference zone", () => {
  it("shows an instant as the conference's wall clock (summer time, GMT+3)", () => {
    expect(toLocalInput("2026-10-22T06:30:00Z", offsetAt)).toBe("2026-10-22T09:30");
  });

  it("reads a wall-clock time back as the same instant", () => {
    expect(fromLocalInput("2026-10-22T09:30", offsetAt)).toBe("2026-10-22T06:30:00.000Z");
  });

  it("uses the offset in force at that time, after the DST change (GMT+2)", () => {
    expect(fromLocalInput("2026-10-26T09:30", offsetAt)).toBe("2026-10-26T07:30:00.000Z");
    expect(toLocalInput("2026-10-26T07:30:00Z", offsetAt)).toBe("2026-10-26T09:30");
  });

  it("gives back the same wall clock for every hour across the change (the repeated hour too)", () => {
    for (let hour = 0; hour < 48; hour++) {
      const wall = new Date(Date.UTC(2026, 9, 24, 12) + hour * 3_600_000).toISOString().slice(0, 16);
      expect(toLocalInput(fromLocalInput(wall, offsetAt)!, offsetAt)).toBe(wall);
    }
  });

  it("gives null for an empty or partial value", () => {
    expect(fromLocalInput("", offsetAt)).toBeNull();
    expect(fromLocalInput("2026-10-22", offsetAt)).toBeNull();
    expect(toLocalInput("not a date", offsetAt)).toBe("");
  });
});
