// Read an .ics file with Mozilla's ical.js (the parser behind Thunderbird and many web
// calendars) and print, as JSON, what a calendar app built on it would show.
//
//   node tests/ical/icaljs_dump.mjs feed.ics
//
// Output: {"events": [...], "todos": [...], "timezones": [...]}; every instant is UTC with
// a trailing Z, converted through the file's own VTIMEZONE (never the system tz database).
// Exit codes: 0 ok, 1 the file does not parse or a TZID does not resolve (message on
// stderr), 2 ical.js is not installed.

import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const scriptDir = path.dirname(fileURLToPath(import.meta.url));
// Relative to this script so the repository can live anywhere (CI checks it out elsewhere).
const icalPackage = path.resolve(scriptDir, "../../frontend/node_modules/ical.js");
const icalEntry = path.join(icalPackage, "dist", "ical.js");

if (!existsSync(icalEntry)) {
  process.stderr.write(`ical.js is not installed: ${icalEntry} is missing (npm ci in frontend/)\n`);
  process.exit(2);
}
const { default: ICAL } = await import(pathToFileURL(icalEntry).href);
const { version: icalVersion } = JSON.parse(
  readFileSync(path.join(icalPackage, "package.json"), "utf8"),
);

class FeedError extends Error {}

function utcIso(time) {
  // toUnixTime() asks the Time's zone for its UTC offset at that wall-clock time, i.e. it
  // walks the VTIMEZONE's STANDARD/DAYLIGHT observances.
  return new Date(time.toUnixTime() * 1000).toISOString().replace(".000Z", "Z");
}

// A date-time property as {utc, floating, date}; throws if a TZID does not resolve to a
// VTIMEZONE of this file (ical.js would silently treat the time as floating).
function instant(component, name, time, registered) {
  const property = component.getFirstProperty(name);
  const tzid = property ? property.getParameter("tzid") : null;
  if (time.isDate) {
    return { utc: null, floating: false, date: time.toString() };
  }
  if (tzid) {
    const zone = time.zone;
    // The zone ical.js attached must be built from this file's VTIMEZONE of that TZID (it
    // hydrates one per file via Component.getTimeZoneByID, else asks TimezoneService).
    if (
      !registered.has(tzid) ||
      !(zone instanceof ICAL.Timezone) ||
      zone.tzid !== tzid ||
      zone.component !== registered.get(tzid).component
    ) {
      throw new FeedError(
        `${component.name.toUpperCase()} ${component.getFirstPropertyValue("uid")}: ` +
          `${name.toUpperCase()};TZID=${tzid} has no matching VTIMEZONE in the file`,
      );
    }
    return { utc: utcIso(time), floating: false, date: null };
  }
  if (time.zone === ICAL.Timezone.utcTimezone) {
    return { utc: utcIso(time), floating: false, date: null };
  }
  // No TZID and no Z: floating. toUnixTime() would quietly read it as UTC, so say so instead.
  return { utc: null, floating: true, date: null, local: time.toString() };
}

function main() {
  const file = process.argv[2];
  if (!file) {
    throw new FeedError("usage: node icaljs_dump.mjs FILE.ics");
  }
  const text = readFileSync(file, "utf8");
  const root = new ICAL.Component(ICAL.parse(text));
  if (root.name !== "vcalendar") {
    throw new FeedError(`top-level component is ${root.name}, not vcalendar`);
  }

  // Register the file's zones the way a calendar app does when it imports a feed, and keep
  // them to check that every TZID resolved to exactly these objects.
  ICAL.TimezoneService.reset();
  const registered = new Map();
  for (const vtimezone of root.getAllSubcomponents("vtimezone")) {
    const zone = new ICAL.Timezone(vtimezone);
    ICAL.TimezoneService.register(zone);
    registered.set(zone.tzid, zone);
  }
  const events = root.getAllSubcomponents("vevent").map((component) => {
    const event = new ICAL.Event(component);
    const start = instant(component, "dtstart", event.startDate, registered);
    // endDate is DTEND, or DTSTART + DURATION as ical.js adds it (wall-clock fields).
    const endName = component.hasProperty("dtend") ? "dtend" : "dtstart";
    const end = instant(component, endName, event.endDate, registered);
    const recurrenceId = component.getFirstPropertyValue("recurrence-id");
    return {
      uid: event.uid,
      summary: event.summary,
      start_utc: start.utc,
      end_utc: end.utc,
      start_date: start.date,
      end_date: end.date,
      floating: start.floating || end.floating,
      start_local: start.local ?? null,
      sequence: event.sequence,
      status: component.getFirstPropertyValue("status"),
      recurrence_id: recurrenceId
        ? instant(component, "recurrence-id", recurrenceId, registered).utc ??
          recurrenceId.toString()
        : null,
      alarms: component.getAllSubcomponents("valarm").length,
    };
  });

  const todos = root.getAllSubcomponents("vtodo").map((component) => {
    const due = component.getFirstPropertyValue("due");
    const dueInstant = due ? instant(component, "due", due, registered) : null;
    const start = component.getFirstPropertyValue("dtstart");
    const startInstant = start ? instant(component, "dtstart", start, registered) : null;
    return {
      uid: component.getFirstPropertyValue("uid"),
      summary: component.getFirstPropertyValue("summary"),
      status: component.getFirstPropertyValue("status"),
      start_utc: startInstant ? startInstant.utc : null,
      start_date: startInstant ? startInstant.date : null,
      due_utc: dueInstant ? dueInstant.utc : null,
      due_date: dueInstant ? dueInstant.date : null,
      floating: Boolean(dueInstant?.floating || startInstant?.floating),
      sequence: component.getFirstPropertyValue("sequence") ?? 0,
    };
  });

  process.stdout.write(
    JSON.stringify({ reader: `ical.js ${icalVersion}`, timezones: [...registered.keys()], events, todos }),
  );
}

try {
  main();
} catch (error) {
  process.stderr.write(`${error && error.message ? error.message : String(error)}\n`);
  process.exit(1);
}
