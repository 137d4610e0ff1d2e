import { describe, expect, it } from "vitest";

import { badgeToken, boardKey, classifyScan, postersOnBoard } from "./classify";

const SLUG = "eccv-demo";

describe("what a scanned code is", () => {
  it("a badge, on any host, with or without a trailing slash", () => {
    const badge = "https://boardwalk.example/b/AbCdEfGhIjKlMnOpQrStUvWxYz012345";
    expect(classifyScan(badge, SLUG)).toEqual({ kind: "badge", text: badge });
    expect(classifyScan(` http://old.host:8000/b/AbCdEfGh_-Ij/ \n`, SLUG)).toEqual({ kind: "badge", text: "http://old.host:8000/b/AbCdEfGh_-Ij/" });
  });

  it("a poster board of this conference, of another, and a poster path that is not one", () => {
    expect(classifyScan("https://boardwalk.example/conferences/eccv-demo/posters/17", SLUG)).toEqual({ kind: "poster", slug: SLUG, id: 17 });
    expect(classifyScan("https://x.example/conferences/eccv-demo/posters/17/", SLUG)).toEqual({ kind: "poster", slug: SLUG, id: 17 });
    expect(classifyScan("https://boardwalk.example/conferences/cvpr-2027/posters/3", SLUG)).toEqual({ kind: "otherConference", slug: "cvpr-2027" });
    expect(classifyScan("https://boardwalk.example/conferences/eccv-demo/posters/0", SLUG).kind).toBe("unknown");
    expect(classifyScan("https://boardwalk.example/conferences/eccv-demo/posters/17/edit", SLUG).kind).toBe("unknown");
  });

  it("anything else is unknown: another site, a short or odd token, text, other schemes", () => {
    for (const text of [
      "https://example.com/",
      "https://boardwalk.example/b/short",
      "https://boardwalk.example/b/has.dots.in.it.xx",
      "https://boardwalk.example/b/AbCdEfGhIj/extra",
      "WIFI:S:venue;T:WPA;P:secret;;",
      "AbCdEfGhIjKlMnOpQrStUvWxYz012345",
      "javascript:alert(1)//b/AbCdEfGhIjKl",
      "",
    ]) {
      expect(classifyScan(text, SLUG), text).toEqual({ kind: "unknown", text: text.trim() });
    }
  });

  it("the token a badge is remembered by", () => {
    expect(badgeToken("https://a.example/b/AbCdEfGhIjKl/")).toBe("AbCdEfGhIjKl");
    expect(badgeToken("http://b.example:8000/b/AbCdEfGhIjKl")).toBe("AbCdEfGhIjKl");
  });
});

describe("the board typed by hand", () => {
  const posters = [
    { id: 1, board: "A12", title: "Depth from Nothing" },
    { id: 2, board: "A-12", title: "A Reused Board" },
    { id: 3, board: "A1", title: "Not Twelve" },
    { id: 4, board: "12", title: "Hall B twelve" },
    { id: 5, board: "A12", title: "Cancelled one", cancelled: true },
    { id: 6, board: "", title: "No board" },
    { id: 7, board: "B 003", title: "Leading zeros" },
  ];

  it("folds case, spaces, dashes and leading zeros", () => {
    expect(boardKey(" a-012 ")).toBe(boardKey("A12"));
    expect(boardKey("A 12")).toBe("a12");
    expect(boardKey("12")).not.toBe(boardKey("A12"));
    expect(boardKey("0")).toBe("0");
  });

  it("finds every poster on a board (a board reused across sessions gives several), none cancelled", () => {
    expect(postersOnBoard(posters, "a12").map((p) => p.id)).toEqual([1, 2]); // natural board order
    expect(postersOnBoard(posters, "12").map((p) => p.id)).toEqual([4]);
    expect(postersOnBoard(posters, "b3").map((p) => p.id)).toEqual([7]);
    expect(postersOnBoard(posters, "A1").map((p) => p.id)).toEqual([3]);
    expect(postersOnBoard(posters, "Z9")).toEqual([]);
    expect(postersOnBoard(posters, "   ")).toEqual([]);
  });
});
