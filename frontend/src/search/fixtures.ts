/**
 * Bundles for the search tests (not imported by the app). The Korean and Hebrew titles are
 * written for these tests: the real schedules in shared/data/real hold none (checked).
 */

import type { Bundle } from "./documents";
import type { LookupCollection, LookupRow, RowLookup } from "./lookup";

export function emptyBundle(overrides: Partial<Bundle> = {}): Bundle {
  return {
    format: 1,
    version: 1,
    since: null,
    full: true,
    conference: {
      id: 3,
      slug: "interspeech-2026",
      name: "Interspeech 2026",
      timezone: "Asia/Jerusalem",
      start_date: "2026-10-22",
      end_date: "2026-10-26",
      venue: "",
      city: "Tel Aviv",
      country: "IL",
      website: "",
      schedule_version: 1,
    },
    rooms: [],
    tracks: [],
    people: [],
    papers: [],
    sessions: [],
    orals: [],
    posters: [],
    booths: [],
    meals: [],
    ...overrides,
  };
}

/** A delta of `bundle`'s conference from `since` to `version` with the given rows. */
export function delta(base: Bundle, since: number, version: number, rows: Partial<Bundle> = {}): Bundle {
  return emptyBundle({
    conference: { ...base.conference, schedule_version: version },
    rooms: base.rooms,
    tracks: base.tracks,
    ...rows,
    version,
    since,
    full: false,
  });
}

const T = (day: number, hour: number) => `2026-10-${day}T${String(hour).padStart(2, "0")}:00:00Z`;

export function programme(): Bundle {
  return emptyBundle({
    rooms: [
      { id: 1, name: "Hall A", kind: "hall", position: 1 },
      { id: 2, name: "Poster Hall", kind: "poster_hall", position: 2 },
      { id: 3, name: "Expo", kind: "expo", position: 3 },
    ],
    tracks: [{ id: 1, name: "Speech", slug: "speech", colour: "#4a6fa5" }],
    people: [
      { id: 1, name: "Noa Levi", affiliation: "Tel Aviv University" },
      { id: 2, name: "Jürgen Müller" },
      { id: 3, name: "김민준" },
      { id: 4, name: "נועה לוי" },
      { id: 5, name: "Siobhán O'Brien" },
      { id: 6, name: "Zoë Løvås" },
    ],
    papers: [
      {
        id: 10,
        title: "트랜스포머를 이용한 한국어 음성 인식",
        authors: [3, 1],
        keywords: ["음성 인식", "speech"],
        abstract: "We recognise Korean speech with a streaming encoder.",
        arxiv: "2403.01234",
      },
      {
        id: 11,
        title: "Crème brûlée of diffusion models: café-scale sampling",
        authors: [2],
        keywords: ["diffusion"],
        abstract: "A naïve sampler is all you need.",
        openreview: "aBc123XyZ",
      },
      {
        id: 12,
        title: "לְמִידָה עֲמֻקָּה לְזִהוּי דִּבּוּר",
        authors: [4],
        keywords: ["עיבוד שפה"],
        abstract: "מודלים גדולים והמודל הקטן",
      },
      {
        id: 13,
        title: "Contrastive vision transformers",
        authors: [1, 5],
        keywords: ["vision"],
        abstract: "Pretraining on unlabelled photographs.",
      },
    ],
    sessions: [
      {
        id: 20,
        title: "Orals 1: Speech",
        kind: "oral",
        start: T(24, 6),
        end: T(24, 8),
        room: 1,
        track: 1,
        chairs: [2],
      },
      { id: 21, title: "Poster session A", kind: "poster", start: T(24, 9), end: T(24, 11), room: 2, chairs: [6] },
      {
        id: 22,
        title: "Keynote: 자연어처리의 미래",
        kind: "keynote",
        start: T(25, 6),
        end: T(25, 7),
        room: 1,
        speakers: [3],
        description: "Where language technology goes next.",
      },
    ],
    orals: [
      { id: 30, session: 20, paper: 10, start: T(24, 6), end: T(24, 7), order: 1, speakers: [3] },
      {
        id: 31,
        session: 20,
        title: "Invited talk on ethics",
        start: T(24, 7),
        end: T(24, 8),
        order: 2,
        speakers: [5],
        cancelled: true,
      },
    ],
    posters: [
      { id: 40, session: 21, paper: 11, board: "042" },
      { id: 41, session: 21, paper: 13, board: "A-12" },
      { id: 42, session: 21, paper: 12, board: "B14", cancelled: true },
      { id: 43, session: 21, paper: 10, board: "007" },
      { id: 44, session: 21, paper: 12, board: "B15" },
    ],
    booths: [
      {
        id: 50,
        exhibitor: "Acme Robotics",
        number: "E-0012",
        room: 3,
        tier: "Gold",
        tags: ["hiring", "demo"],
        description: "Humanoid robots that sort posters.",
        hours: [{ start: T(24, 7), end: T(24, 15) }],
      },
      { id: 51, exhibitor: "Société Générale AI", number: "B7", room: 3 },
    ],
    meals: [
      {
        id: 60,
        kind: "lunch",
        title: "Lunch",
        start: T(24, 10),
        end: T(24, 11),
        room: 1,
        dietary: ["vegetarian", "vegan", "kosher"],
        notes: "Bring your badge.",
        menu: [
          { name: "Shakshuka", dietary: ["vegetarian"] },
          { name: "Falafel", description: "with tahini", dietary: ["vegan", "kosher"] },
        ],
      },
      { id: 61, kind: "reception", title: "Welcome reception", start: T(23, 16), end: T(23, 18), cancelled: true },
    ],
  });
}

/** The rows db/ would hold: a bundle that deltas are merged into (by id), and a lookup over it. */
export function rowStore(bundle: Bundle): { lookup: RowLookup; merge(delta: Bundle): void } {
  const collections = ["people", "papers", "sessions", "orals", "posters", "booths", "meals"] as const;
  const rows = new Map<string, Map<number, { id: number }>>(
    collections.map((name) => [name, new Map(bundle[name].map((row) => [row.id, row]))]),
  );
  return {
    lookup: {
      rows<K extends LookupCollection>(collection: K, ids: readonly number[]): LookupRow<K>[] {
        const have = rows.get(collection)!;
        return ids.flatMap((id) => (have.has(id) ? [have.get(id) as LookupRow<K>] : []));
      },
    },
    merge(delta: Bundle) {
      for (const name of collections) {
        if (delta.full) rows.get(name)!.clear();
        for (const row of delta[name]) rows.get(name)!.set(row.id, row);
      }
    },
  };
}
