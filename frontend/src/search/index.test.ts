import { beforeEach, describe, expect, it } from "vitest";

import { delta, emptyBundle, programme, rowStore } from "./fixtures";
import {
  type Bundle,
  type Kind,
  type SearchIndex,
  SearchIndexError,
  applyDelta,
  buildIndex,
  deserialize,
  groupByKind,
  search,
  serialize,
} from "./index";

/** "kind:id" of each hit, best first. */
function found(index: SearchIndex, query: string, kinds?: Kind[]): string[] {
  return search(index, query, kinds ? { kinds } : {}).map((hit) => `${hit.kind}:${hit.id}`);
}

function foundSet(index: SearchIndex, query: string): string[] {
  return found(index, query).sort();
}

let index: SearchIndex;
let rows: ReturnType<typeof rowStore>;
beforeEach(() => {
  const bundle = programme();
  index = buildIndex(bundle);
  rows = rowStore(bundle);
});

/** What the app does with a delta: db/ stores its rows, then the index follows through the lookup. */
function update(target: SearchIndex, body: Bundle) {
  if (body.full || (body.since !== null && body.since <= target.version && body.version > target.version)) rows.merge(body);
  return applyDelta(target, body, rows.lookup);
}

describe("each searchable field, per kind", () => {
  it.each([
    ["title", "contrastive", "paper:13"],
    ["author", "Siobhán O'Brien", "paper:13"],
    ["keyword", "diffusion", "paper:11"],
    ["abstract", "unlabelled photographs", "paper:13"],
    ["arXiv id", "2403.01234", "paper:10"],
    ["OpenReview id", "aBc123XyZ", "paper:11"],
  ])("paper by %s", (_field, query, key) => {
    expect(found(index, query, ["paper"])).toEqual([key]);
  });

  it.each([
    ["title", "contrastive vision", ["poster:41"]],
    ["author", "O'Brien", ["poster:41"]],
    ["board", "042", ["poster:40"]],
    ["keyword", "diffusion", ["poster:40"]],
    ["arXiv id", "2403.01234", ["poster:43"]],
  ])("poster by %s", (_field, query, keys) => {
    expect(found(index, query, ["poster"])).toEqual(keys);
  });

  it.each([
    ["its paper's title", "한국어 음성", ["oral:30"]],
    ["its own title (no paper)", "ethics", ["oral:31"]],
    ["speaker", "김민준", ["oral:30"]],
    ["paper author", "noa", ["oral:30"]],
    ["arXiv id", "arXiv:2403.01234", ["oral:30"]],
  ])("oral by %s", (_field, query, keys) => {
    expect(found(index, query, ["oral"])).toEqual(keys);
  });

  it.each([
    ["title", "orals speech", ["session:20"]],
    ["chair", "Müller", ["session:20"]],
    ["speaker", "김민준", ["session:22"]],
    ["description", "language technology", ["session:22"]],
    ["track", "speech", ["session:20"]],
    ["room", "poster hall", ["session:21"]],
    ["kind", "keynote", ["session:22"]],
  ])("session by %s", (_field, query, keys) => {
    expect(found(index, query, ["session"])).toEqual(keys);
  });

  it.each([
    ["exhibitor", "acme", ["booth:50"]],
    ["number", "E-0012", ["booth:50"]],
    ["tag", "hiring", ["booth:50"]],
    ["tier", "gold", ["booth:50"]],
    ["description", "humanoid", ["booth:50"]],
    ["room", "expo", ["booth:50", "booth:51"]],
  ])("booth by %s", (_field, query, keys) => {
    expect(found(index, query, ["booth"]).sort()).toEqual(keys);
  });

  it.each([
    ["title", "lunch", ["meal:60"]],
    ["menu item", "shakshuka", ["meal:60"]],
    ["menu item description", "tahini", ["meal:60"]],
    ["dietary tag", "kosher", ["meal:60"]],
    ["notes", "badge", ["meal:60"]],
    ["title, cancelled", "reception", ["meal:61"]],
  ])("meal by %s", (_field, query, keys) => {
    expect(found(index, query, ["meal"])).toEqual(keys);
  });
});

describe("hits", () => {
  it("carry kind, id, the title to show, a score and the matched terms", () => {
    const [hit] = search(index, "shakshuka");
    expect(hit).toEqual({
      kind: "meal",
      id: 60,
      title: "Lunch",
      score: expect.any(Number),
      cancelled: false,
      terms: ["shakshuka"],
    });
    expect(hit?.score).toBeGreaterThan(0);
  });

  it("show a poster or oral under its paper's title", () => {
    expect(search(index, "042").map((hit) => hit.title)).toEqual([
      "Crème brûlée of diffusion models: café-scale sampling",
    ]);
  });

  it("need every word of the query, in any field", () => {
    expect(found(index, "müller 042")).toEqual(["poster:40"]);
    expect(found(index, "müller transformers")).toEqual([]);
  });

  it("are none for an empty or punctuation-only query", () => {
    expect(search(index, "")).toEqual([]);
    expect(search(index, " ?! ")).toEqual([]);
  });

  it("filter by kind and group by kind", () => {
    expect(foundSet(index, "트랜스포머")).toEqual(["oral:30", "paper:10", "poster:43"]);
    expect(found(index, "트랜스포머", ["poster", "oral"]).sort()).toEqual(["oral:30", "poster:43"]);
    const groups = groupByKind(search(index, "트랜스포머"));
    expect(Object.keys(groups)).toEqual(["session", "oral", "paper", "poster", "booth", "meal"]);
    expect(groups.paper.map((hit) => hit.id)).toEqual([10]);
    expect(groups.poster.map((hit) => hit.id)).toEqual([43]);
    expect(groups.session).toEqual([]);
  });

  it("stop at the limit, best first", () => {
    const all = search(index, "speech");
    expect(all.length).toBeGreaterThan(2);
    expect(search(index, "speech", { limit: 2 })).toEqual(all.slice(0, 2));
  });

  it("order equal scores by id up to the limit, even when the limit cuts a run of them", () => {
    // Six identical booths added in a shuffled order: one run of equal scores.
    const ids = [95, 91, 94, 90, 93, 92];
    const booths = ids.map((id) => ({ id, exhibitor: "Twin Labs", number: "", room: 3 }));
    const twins = buildIndex(emptyBundle({ rooms: programme().rooms, booths }));
    expect(search(twins, "twin").map((hit) => hit.id)).toEqual([90, 91, 92, 93, 94, 95]);
    expect(search(twins, "twin", { limit: 3 }).map((hit) => hit.id)).toEqual([90, 91, 92]);
  });

  it("rank title over authors over keywords over abstract", () => {
    const people = [
      { id: 1, name: "Ada Quantum" },
      { id: 2, name: "Bo Lind" },
    ];
    const paper = (id: number, title: string, rest: object) => ({ id, title, authors: [2], ...rest });
    const ranked = buildIndex(
      emptyBundle({
        people,
        papers: [
          paper(1, "Sparse attention kernels", { abstract: "On quantum hardware." }),
          paper(2, "Sparse attention kernels", { keywords: ["quantum"] }),
          paper(3, "Sparse attention kernels", { authors: [1] }),
          paper(4, "Quantum attention kernels", {}),
        ],
      }),
    );
    expect(found(ranked, "quantum")).toEqual(["paper:4", "paper:3", "paper:2", "paper:1"]);
  });
});

describe("Hangul", () => {
  it("finds a word that carries a particle by the bare word", () => {
    expect(found(index, "트랜스포머", ["paper"])).toEqual(["paper:10"]);
  });

  it("finds a word typed with another particle", () => {
    expect(found(index, "트랜스포머가", ["paper"])).toEqual(["paper:10"]);
  });

  it("finds part of a word anywhere in it", () => {
    expect(found(index, "포머", ["paper"])).toEqual(["paper:10"]);
    expect(found(index, "처리")).toEqual(["session:22"]);
  });

  it("finds a word by its first syllables while typing", () => {
    expect(found(index, "트랜", ["paper"])).toEqual(["paper:10"]);
  });

  it("finds Korean author names", () => {
    expect(foundSet(index, "김민준")).toEqual(["oral:30", "paper:10", "poster:43", "session:22"]);
  });
});

describe("Hebrew", () => {
  it("finds pointed text by unpointed words and the reverse", () => {
    // Pointed "עֲמֻקָּה" has no vav; typo tolerance covers the unpointed spelling.
    expect(found(index, "למידה עמוקה", ["paper"])).toEqual(["paper:12"]);
    expect(found(index, "למידה", ["paper"])).toEqual(["paper:12"]);
    expect(found(index, "לְמִידָה", ["paper"])).toEqual(["paper:12"]);
    expect(found(index, "זִהוּי דִּבּוּר", ["paper"])).toEqual(["paper:12"]);
  });

  it("treats final and plain letters alike", () => {
    expect(found(index, "גדולימ", ["paper"])).toEqual(["paper:12"]);
  });

  it("finds a word behind its prefixes", () => {
    expect(found(index, "מודל", ["paper"])).toEqual(["paper:12"]);
  });

  it("finds Hebrew author names", () => {
    expect(foundSet(index, "נועה")).toEqual(["paper:12", "poster:42", "poster:44"]);
  });
});

describe("Latin folding", () => {
  it.each([
    ["creme brulee", "paper:11"],
    ["CRÈME BRÛLÉE", "paper:11"],
    ["cafe", "paper:11"],
    ["naive sampler", "paper:11"],
    ["muller", "paper:11"],
    ["juergen", "paper:11"], // ue for ü: one edit, within typo tolerance
    ["siobhan obrien", "paper:13"],
    ["brien", "paper:13"],
  ])("%s", (query, key) => {
    expect(found(index, query, ["paper"])).toEqual(key ? [key] : []);
  });

  it("finds names with letters NFKD does not decompose", () => {
    expect(found(index, "zoe lovas")).toEqual(["session:21"]);
    expect(found(index, "société générale")).toEqual(["booth:51"]);
    expect(found(index, "societe")).toEqual(["booth:51"]);
  });

  it("forgives a typo in a longer word", () => {
    expect(found(index, "contrastiv", ["paper"])).toEqual(["paper:13"]);
    expect(found(index, "constrastive", ["paper"])).toEqual(["paper:13"]);
  });
});

describe("boards and numbers", () => {
  it.each([
    ["42", ["poster:40"]],
    ["042", ["poster:40"]],
    ["0042", ["poster:40"]],
    ["a12", ["poster:41"]],
    ["A-12", ["poster:41"]],
    ["A12", ["poster:41"]],
    ["b14", ["poster:42"]],
    ["14", ["poster:42"]],
    ["7", ["poster:43"]],
  ])("poster board %s", (query, keys) => {
    expect(found(index, query, ["poster"])).toEqual(keys);
  });

  it("matches numbers whole, not as prefixes", () => {
    expect(found(index, "4", ["poster"])).toEqual([]);
    expect(foundSet(index, "12")).toEqual(["booth:50", "poster:41"]);
  });

  it("finds booths by number", () => {
    expect(found(index, "e12")).toEqual(["booth:50"]);
    expect(found(index, "b7")).toEqual(["booth:51"]);
  });
});

describe("arXiv ids", () => {
  it.each(["2403.01234", "arXiv:2403.01234", "arXiv:2403.01234v2", "arxiv 2403.01234v1", "ARXIV.2403.01234"])(
    "%s",
    (query) => {
      expect(foundSet(index, query)).toEqual(["oral:30", "paper:10", "poster:43"]);
    },
  );

  it("does not match another id", () => {
    expect(found(index, "2403.01235")).toEqual([]);
  });
});

describe("cancelled items", () => {
  it("are found and marked", () => {
    const [oral] = search(index, "ethics");
    expect(oral).toMatchObject({ kind: "oral", id: 31, cancelled: true });
    const [meal] = search(index, "welcome reception");
    expect(meal).toMatchObject({ kind: "meal", id: 61, cancelled: true });
  });

  it("rank below the same text live, at half its score", () => {
    const hits = search(index, "למידה", { kinds: ["poster"] });
    expect(hits.map((hit) => [hit.id, hit.cancelled])).toEqual([
      [44, false],
      [42, true],
    ]);
    expect(hits[1]?.score).toBeCloseTo((hits[0]?.score ?? 0) / 2, 10);
  });
});

describe("applyDelta", () => {
  const base = programme();

  it("replaces a changed paper and the posters and orals that show it", async () => {
    const paper = { ...base.papers[3]!, title: "Masked autoencoders for posters" };
    const result = await update(index, delta(base, 1, 2, { papers: [paper] }));
    expect(result).toEqual({ added: [], replaced: ["paper:13", "poster:41"], discarded: [] });
    expect(found(index, "contrastive")).toEqual([]);
    expect(foundSet(index, "masked autoencoders")).toEqual(["paper:13", "poster:41"]);
    expect(index.version).toBe(2);
  });

  it("re-indexes everything that shows a renamed person", async () => {
    const result = await update(index, delta(base, 1, 2, { people: [{ id: 3, name: "Kim Min-jun" }] }));
    expect(result.replaced.sort()).toEqual(["oral:30", "paper:10", "poster:43", "session:22"]);
    expect(found(index, "김민준")).toEqual([]);
    expect(foundSet(index, "kim")).toEqual(["oral:30", "paper:10", "poster:43", "session:22"]);
  });

  it("re-indexes what is in a renamed room or track", async () => {
    const rooms = base.rooms.map((room) => (room.id === 3 ? { ...room, name: "Exhibition" } : room));
    const tracks = [{ ...base.tracks[0]!, name: "Audio" }];
    const result = await update(index, delta(base, 1, 2, { rooms, tracks }));
    expect(result.replaced.sort()).toEqual(["booth:50", "booth:51", "session:20"]);
    expect(foundSet(index, "exhibition")).toEqual(["booth:50", "booth:51"]);
    expect(found(index, "audio")).toEqual(["session:20"]);
  });

  it("changes nothing when only times move", async () => {
    const session = { ...base.sessions[0]!, start: "2026-10-24T06:15:00Z" };
    const oral = { ...base.orals[0]!, start: "2026-10-24T06:15:00Z" };
    const result = await update(index, delta(base, 1, 2, { sessions: [session], orals: [oral] }));
    expect(result).toEqual({ added: [], replaced: [], discarded: [] });
    expect(index.version).toBe(2);
  });

  it("marks a row cancelled by a tombstone, still findable", async () => {
    const poster = { ...base.posters[0]!, cancelled: true };
    expect((await update(index, delta(base, 1, 2, { posters: [poster] }))).replaced).toEqual(["poster:40"]);
    expect(search(index, "042")).toMatchObject([{ kind: "poster", id: 40, cancelled: true }]);
  });

  it("adds new rows", async () => {
    const result = await update(
      index,
      delta(base, 1, 2, {
        people: [{ id: 7, name: "Ori Bar" }],
        papers: [{ id: 14, title: "Event cameras in the dark", authors: [7] }],
        posters: [{ id: 45, session: 21, paper: 14, board: "099" }],
      }),
    );
    expect(result).toEqual({ added: ["paper:14", "poster:45"], replaced: [], discarded: [] });
    expect(foundSet(index, "ori bar 99")).toEqual(["poster:45"]);
  });

  it("discards what a full bundle no longer has and replaces what changed", async () => {
    const full = programme();
    full.version = 5;
    full.posters = full.posters.filter((poster) => poster.id !== 41);
    full.booths = full.booths.map((booth) => (booth.id === 51 ? { ...booth, exhibitor: "Globex" } : booth));
    const result = await update(index, full);
    expect(result).toEqual({ added: [], replaced: ["booth:51"], discarded: ["poster:41"] });
    expect(found(index, "a12")).toEqual([]);
    expect(found(index, "globex")).toEqual(["booth:51"]);
    expect(index.version).toBe(5);
  });

  it("leaves the index as a fresh build of the merged program would be", async () => {
    const papers = [{ ...base.papers[1]!, title: "Latent consistency models" }];
    const people = [{ id: 1, name: "Noa Peretz" }];
    const posters = [{ ...base.posters[1]!, board: "C-3" }];
    await update(index, delta(base, 1, 2, { papers, people }));
    await update(index, delta(base, 2, 3, { posters }));

    const merged = programme();
    merged.papers[1] = papers[0]!;
    merged.people[0] = people[0]!;
    merged.posters[1] = posters[0]!;
    const fresh = buildIndex(merged);
    for (const query of ["latent", "crème", "noa", "levi", "peretz", "c3", "a12", "트랜스포머", "042", "speech"]) {
      expect(foundSet(index, query), query).toEqual(foundSet(fresh, query));
    }
    expect(index.engine.documentCount).toBe(fresh.engine.documentCount);
  });

  it("refuses a delta that starts after the index's version", async () => {
    await expect(update(index, delta(base, 2, 3))).rejects.toThrow(SearchIndexError);
    expect(index.version).toBe(1);
  });

  it("ignores a delta the index is already past", async () => {
    await update(index, delta(base, 1, 3));
    const stale = { ...base.booths[0]!, exhibitor: "Initech" };
    expect(await update(index, delta(base, 1, 2, { booths: [stale] }))).toEqual({
      added: [],
      replaced: [],
      discarded: [],
    });
    expect(found(index, "initech")).toEqual([]);
    expect(index.version).toBe(3);
  });

  it("refuses another conference's bundle or an unknown bundle format", async () => {
    const other = delta(base, 1, 2);
    other.conference = { ...other.conference, id: 99 };
    await expect(update(index, other)).rejects.toThrow(SearchIndexError);
    await expect(update(index, { ...delta(base, 1, 2), format: 2 })).rejects.toThrow(SearchIndexError);
  });

  it("is built from a full bundle only", async () => {
    expect(() => buildIndex(delta(base, 1, 2))).toThrow(SearchIndexError);
  });
});

describe("serialize / deserialize", () => {
  const queries = [
    "트랜스포머",
    "포머",
    "למידה",
    "muller",
    "042",
    "a12",
    "arXiv:2403.01234v2",
    "speech",
    "shakshuka",
    "ethics",
    "contrastiv",
  ];

  it("round-trips to identical results", async () => {
    const again = deserialize(serialize(index));
    expect(again.version).toBe(index.version);
    expect(again.conference).toBe(index.conference);
    for (const query of queries) expect(search(again, query), query).toEqual(search(index, query));
  });

  it("round-trips after deltas, and the copy takes further deltas", async () => {
    const base = programme();
    await update(index, delta(base, 1, 2, { people: [{ id: 2, name: "Jürgen Schmidt" }] }));
    const again = deserialize(serialize(index));
    for (const query of [...queries, "schmidt"]) expect(search(again, query), query).toEqual(search(index, query));

    const change = delta(base, 2, 3, { booths: [{ ...base.booths[0]!, exhibitor: "Umbrella" }] });
    await update(index, change);
    await update(again, change);
    expect(found(again, "umbrella")).toEqual(["booth:50"]);
    expect(search(again, "umbrella")).toEqual(search(index, "umbrella"));
  });

  it("refuses text that is not a serialized index, or of another format", async () => {
    expect(() => deserialize("{not json")).toThrow(SearchIndexError);
    expect(() => deserialize("null")).toThrow(SearchIndexError);
    const text = JSON.parse(serialize(index)) as { format: number };
    text.format = 0;
    expect(() => deserialize(JSON.stringify(text))).toThrow(SearchIndexError);
  });
});
