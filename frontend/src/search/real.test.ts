/**
 * Search over a real programme: ISMIR 2022 (../shared/data/real/ismir-2022, beside the
 * repository as on CI) turned into a bundle — 113 papers on poster boards in 7 sessions,
 * their authors (many with diacritics), tutorials, keynotes, socials and lunches.
 * Without the files these tests are skipped, saying so; with CI=true they fail instead.
 */

import { describe, expect, it } from "vitest";

import type { Bundle } from "./documents";
import { emptyBundle } from "./fixtures";
import { type SearchIndex, applyDelta, buildIndex, bundleLookup, deserialize, search, serialize } from "./index";

const files = import.meta.glob<string>("../../../../shared/data/real/ismir-2022/{papers,events}.csv", {
  query: "?raw",
  import: "default",
  eager: true,
});
const papersCsv = files["../../../../shared/data/real/ismir-2022/papers.csv"];
const eventsCsv = files["../../../../shared/data/real/ismir-2022/events.csv"];
const inCI = import.meta.env["CI"] === "true";

/** RFC 4180 rows as objects keyed by the header (quoted fields may hold commas, newlines, ""). */
function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field || row.length) rows.push([...row, field]);
  const [header = [], ...body] = rows;
  return body.filter((cells) => cells.length > 1).map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ""])));
}

/** Naive Asia/Kolkata date + "H:MM" → UTC instant. */
function utc(date: string, time: string): string {
  const [h = "0", m = "0"] = time.split(":");
  const local = Date.parse(`${date}T${h.padStart(2, "0")}:${m.padStart(2, "0")}:00Z`);
  return new Date(local - 330 * 60_000).toISOString().replace(".000Z", "Z");
}

interface Ismir {
  bundle: Bundle;
  /** Per paper: its id, title, first author's name and its board label. */
  papers: { id: number; title: string; firstAuthor: string; board: string }[];
}

function ismirBundle(papersText: string, eventsText: string): Ismir {
  const people = new Map<string, number>();
  const person = (name: string) => {
    if (!people.has(name)) people.set(name, people.size + 1);
    return people.get(name)!;
  };
  const events = parseCsv(eventsText);
  const posterSessions = events.filter((e) => e["category"] === "Poster session").map((e) => Number(e["uid"]));
  const bundle = emptyBundle({
    conference: { ...emptyBundle().conference, id: 22, slug: "ismir-2022", name: "ISMIR 2022", timezone: "Asia/Kolkata" },
    rooms: [{ id: 1, name: "Poster area", kind: "poster_hall", position: 1 }],
  });
  for (const e of events) {
    const uid = Number(e["uid"]);
    const when = { start: utc(e["start_date"]!, e["start_time"]!), end: utc(e["start_date"]!, e["end_time"]!) };
    if (e["category"] === "Lunch") {
      bundle.meals.push({ id: uid, kind: "lunch", title: e["title"]!, ...when, notes: e["description"]! });
      continue;
    }
    const title = e["title"]!;
    const kind = posterSessions.includes(uid)
      ? "poster"
      : title.startsWith("Keynote")
        ? "keynote"
        : e["category"] === "Tutorials"
          ? "tutorial"
          : e["category"] === "Social"
            ? "social"
            : "other";
    bundle.sessions.push({ id: uid, title, kind, ...when, description: e["description"]! });
  }
  const papers: Ismir["papers"] = [];
  for (const p of parseCsv(papersText)) {
    const id = Number(p["uid"]);
    const names = p["authors"]!.split(";").map((a) => {
      const [last = "", first = ""] = a.replace("*", "").split(",").map((s) => s.trim());
      return `${first} ${last}`.trim();
    });
    const keywords = [p["primary_subject"], ...p["secondary_subject"]!.split(";")]
      .map((s) => (s ?? "").split("->").pop()!.trim())
      .filter(Boolean);
    const session = Number(p["session"]);
    const board = `${session}-${p["position"]!.padStart(2, "0")}`;
    bundle.papers.push({ id, title: p["title"]!, authors: names.map(person), keywords, abstract: p["abstract"]! });
    bundle.posters.push({ id, session: posterSessions[session - 1]!, paper: id, board });
    papers.push({ id, title: p["title"]!, firstAuthor: names[0]!, board });
  }
  bundle.people = [...people].map(([name, id]) => ({ id, name }));
  return { bundle, papers };
}

describe.runIf(Boolean(papersCsv && eventsCsv) || inCI)("ISMIR 2022 (real programme)", () => {
  const { bundle, papers } = ismirBundle(papersCsv ?? "", eventsCsv ?? "");
  const index: SearchIndex = buildIndex(bundle);
  const ids = (query: string, kind: "paper" | "poster" | "session" | "meal") =>
    search(index, query, { kinds: [kind] }).map((hit) => hit.id);

  it("reads the whole programme", () => {
    expect([bundle.papers.length, bundle.posters.length, bundle.sessions.length, bundle.meals.length]).toEqual([
      113, 113, 32, 4,
    ]);
    expect(index.engine.documentCount).toBe(113 + 113 + 32 + 4);
  });

  it("ranks each paper first for its own title", () => {
    const misses = papers.filter((p) => ids(p.title, "paper")[0] !== p.id).map((p) => p.title);
    expect(misses).toEqual([]);
  });

  it("finds each paper's poster by its first author", () => {
    const misses = papers.filter((p) => !ids(p.firstAuthor, "poster").includes(p.id)).map((p) => p.firstAuthor);
    expect(misses).toEqual([]);
  });

  it("finds each poster by its board as printed and typed without the dash or zero", () => {
    for (const p of papers) {
      expect(ids(p.board, "poster"), p.board).toEqual([p.id]);
      expect(ids(p.board.replace("-", "").replace("-0", ""), "poster"), p.board).toEqual([p.id]);
    }
  });

  it.each([
    ["sancaras", "In Search of Sañcāras"],
    ["dastgahi", "KDC: an open corpus for computational research of dastgāhi music"],
  ])("finds the title with diacritics by %s", (query, start) => {
    const hits = search(index, query, { kinds: ["paper"] });
    expect(hits.map((hit) => hit.title.slice(0, start.length))).toEqual([start]);
  });

  it.each([
    ["bjorklund", "Otso Björklund"],
    ["senturk", "Sertan Şentürk"],
    ["abesser", "Jakob Abeßer"],
    ["muller meinard", "Meinard Müller"],
    ["rios-vila", "Antonio Ríos-Vila"],
  ])("finds the papers of an author with diacritics by %s", (query, name) => {
    const expected = bundle.papers
      .filter((p) => p.authors?.some((a) => bundle.people[a - 1]?.name === name))
      .map((p) => p.id)
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(ids(query, "paper").sort()).toEqual(expected);
  });

  it("finds sessions and meals", () => {
    expect(ids("lunch", "meal").sort()).toEqual([13, 21, 29, 36]);
    expect(ids("keynote deepfake", "session")).toEqual([27]);
    expect(ids("partitura", "session")).toEqual([1]);
  });

  it("round-trips through serialize with identical results", () => {
    const again = deserialize(serialize(index));
    for (const p of papers.slice(0, 40)) {
      expect(search(again, p.title)).toEqual(search(index, p.title));
      expect(search(again, p.firstAuthor)).toEqual(search(index, p.firstAuthor));
    }
  });

  it("follows a delta that renames an author", async () => {
    const fresh = buildIndex(bundle);
    const id = bundle.people.find((p) => p.name === "Meinard Müller")!.id;
    const result = await applyDelta(
      fresh,
      {
        ...emptyBundle({ conference: bundle.conference, rooms: bundle.rooms, tracks: bundle.tracks }),
        full: false,
        since: 1,
        version: 2,
        people: [{ id, name: "Meinard Mueller-Schmidt" }],
      },
      bundleLookup(bundle),
    );
    const papersOf = bundle.papers.filter((p) => p.authors?.includes(id)).map((p) => p.id);
    expect(result.replaced.length).toBe(papersOf.length * 2); // the paper and its poster
    expect(search(fresh, "mueller-schmidt", { kinds: ["paper"] }).map((h) => h.id).sort()).toEqual(papersOf.sort());
  });
});
