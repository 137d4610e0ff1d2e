import { describe, expect, it } from "vitest";

import type { Preferences } from "../../api/me";
import { changesOf, formOf } from "./prefs";

const SERVER: Preferences = {
  reminder_minutes: 10,
  push: true,
  email: false,
  in_app: true,
  quiet_hours_start: null,
  quiet_hours_end: null,
  digest_time: "20:00",
  language: "en",
  timezone: "Asia/Seoul",
};

describe("preferences form", () => {
  it("changes nothing when nothing was touched", () => {
    expect(changesOf(formOf(SERVER), formOf(SERVER))).toEqual({});
  });

  it("sends only what changed, empty times as null", () => {
    const before = formOf(SERVER);
    const after = { ...before, reminder_minutes: "30", email: true, quiet_hours_start: "22:00", quiet_hours_end: "07:00", digest_time: "" };
    expect(changesOf(before, after)).toEqual({ reminder_minutes: 30, email: true, quiet_hours_start: "22:00", quiet_hours_end: "07:00", digest_time: null });
  });

  it("sends a lead time that is not a whole number as typed, for the server to refuse", () => {
    const before = formOf(SERVER);
    expect(changesOf(before, { ...before, reminder_minutes: "ten" })).toEqual({ reminder_minutes: "ten" });
  });
});
