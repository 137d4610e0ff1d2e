import "fake-indexeddb/auto";

import { afterEach, describe, expect, it } from "vitest";

import { bundleApply, openDb, type BoardwalkDb } from "../../db";
import { programme } from "../../search/fixtures";
import { loadBooth, loadMeal, loadOral, loadPaper, loadPoster, loadSession, orderOrals, paperLinks } from "./item-data";
import { itemHref, rememberSchedule, scheduleHref } from "./program";

const CONF = "interspeech-2026";
const dbs: BoardwalkDb[] = [];
let count = 0;
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

async function stored(bundle = programme()): Promise<BoardwalkDb> {
  const db = await openDb({ name: `items-${++count}` });
  dbs.push(db);
  await bundleApply(db, CONF, bundle, { etag: null, etagSince: null, at: "2026-10-20T00:00:00Z" });
  return db;
}

describe("item pages' data", () => {
  it("a session: chairs, its talks in running order with speakers, and its poster count", async () => {
    const bundle = programme();
    // Stored out of order: the page must follow `order`, not ids or storage.
    bundle.orals.push({ id: 29, session: 20, title: "Closing remarks", start: "2026-10-24T07:50:00Z", end: "2026-10-24T08:00:00Z", order: 3 });
    const db = await stored(bundle);
    const oral = await loadSession(db, CONF, 20);
    expect(oral?.chairs).toEqual(["Jürgen Müller"]);
    expect(oral?.orals.map((o) => [o.oral.id, o.title, o.speakers, o.oral.cancelled ?? false])).toEqual([
      [30, "트랜스포머를 이용한 한국어 음성 인식", ["김민준"], false],
      [31, "Invited talk on ethics", ["Siobhán O'Brien"], true],
      [29, "Closing remarks", [], false],
    ]);
    expect(oral?.posterCount).toBe(0);
    const posters = await loadSession(db, CONF, 21);
    expect(posters?.posterCount).toBe(5);
    expect(posters?.orals).toEqual([]);
    expect(await loadSession(db, CONF, 999)).toBeNull();
  });

  it("a poster: board, paper with authors in the paper's order, its session", async () => {
    const db = await stored();
    const poster = await loadPoster(db, CONF, 43);
    expect(poster?.poster.board).toBe("007");
    expect(poster?.paper?.authors).toEqual(["김민준", "Noa Levi"]);
    expect(poster?.session?.title).toBe("Poster session A");
    expect((await loadPoster(db, CONF, 42))?.poster.cancelled).toBe(true);
    expect(await loadPoster(db, CONF, 7)).toBeNull();
  });

  it("a talk with its session and paper; a paper; a booth; a meal; unknown ids are null", async () => {
    const db = await stored();
    const oral = await loadOral(db, CONF, 30);
    expect([oral?.session?.id, oral?.paper?.paper.id, oral?.speakers]).toEqual([20, 10, ["김민준"]]);
    expect((await loadPaper(db, CONF, 13))?.authors).toEqual(["Noa Levi", "Siobhán O'Brien"]);
    expect((await loadBooth(db, CONF, 50))?.hours).toEqual([{ start: "2026-10-24T07:00:00Z", end: "2026-10-24T15:00:00Z" }]);
    expect((await loadMeal(db, CONF, 60))?.menu?.map((m) => m.dietary)).toEqual([["vegetarian"], ["vegan", "kosher"]]);
    for (const load of [loadOral, loadPaper, loadBooth, loadMeal]) expect(await load(db, CONF, 12345)).toBeNull();
  });

  it("orders talks by order, then start, then id", () => {
    const talks = [
      { id: 3, order: 2, start: "2026-10-24T07:00:00Z" },
      { id: 2, order: 1, start: "2026-10-24T06:30:00Z" },
      { id: 1, order: 1, start: "2026-10-24T06:30:00Z" },
      { id: 4, order: 1, start: "2026-10-24T06:00:00Z" },
    ];
    expect(orderOrals(talks).map((t) => t.id)).toEqual([4, 1, 2, 3]);
  });

  it("links a paper to arXiv and OpenReview, ids escaped", () => {
    expect(paperLinks({ arxiv: "2403.01234", openreview: "aBc123XyZ" })).toEqual([
      { kind: "arxiv", href: "https://arxiv.org/abs/2403.01234" },
      { kind: "openreview", href: "https://openreview.net/forum?id=aBc123XyZ" },
    ]);
    expect(paperLinks({ openreview: "a&b" })).toEqual([{ kind: "openreview", href: "https://openreview.net/forum?id=a%26b" }]);
    expect(paperLinks({})).toEqual([]);
  });

  it("adds the paper's own links after arXiv and OpenReview, http(s) only", () => {
    expect(
      paperLinks({
        openreview: "aBc123XyZ",
        code: "https://github.com/a/b",
        video: "https://youtu.be/x",
        site: "https://eccv2024.ecva.net/virtual/2024/poster/1",
        project: "javascript:alert(1)",
        pdf: "https://example.org/p.pdf",
      }).map((l) => l.kind),
    ).toEqual(["openreview", "pdf", "code", "video", "site"]);
  });

  it("gives each kind its page", () => {
    expect(itemHref("eccv-demo", "poster", 12)).toBe("/conferences/eccv-demo/posters/12");
    expect(itemHref("eccv-demo", "session", 3)).toBe("/conferences/eccv-demo/sessions/3");
    expect(itemHref("a b", "meal", 1)).toBe("/conferences/a%20b/meals/1");
  });

  it("leads back to the schedule as it was left, per conference", () => {
    expect(scheduleHref("cvpr")).toBe("/conferences/cvpr/schedule");
    rememberSchedule("cvpr", "/conferences/cvpr/schedule?day=2026-06-12&room=4");
    expect(scheduleHref("cvpr")).toBe("/conferences/cvpr/schedule?day=2026-06-12&room=4");
    expect(scheduleHref("eccv")).toBe("/conferences/eccv/schedule");
  });
});
