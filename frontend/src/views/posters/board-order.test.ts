import { describe, expect, it } from "vitest";

import { byBoard, compareBoards, filterRows, fold, naturalKey, walkingOrder } from "./board-order";

const boards = (labels: string[]) => labels.map((board, id) => ({ id, board }));

describe("natural board order", () => {
  it("compares digit runs as numbers", () => {
    const sorted = byBoard(boards(["A-10", "B-1", "A-2", "10", "9", "100", "042", "a-3"])).map((r) => r.board);
    expect(sorted).toEqual(["9", "10", "042", "100", "A-2", "a-3", "A-10", "B-1"]);
  });

  it("puts 042 before 100 and 9 before 10", () => {
    expect(compareBoards("042", "100")).toBeLessThan(0);
    expect(compareBoards("9", "10")).toBeLessThan(0);
    expect(compareBoards("A-2", "A-10")).toBeLessThan(0);
    expect(compareBoards("B-010", "B-009")).toBeGreaterThan(0);
  });

  it("breaks a tie of equal numbers by the digits as written, then by id", () => {
    expect(compareBoards("42", "042")).toBeGreaterThan(0); // "042" < "42" as text, like the server
    const twice = byBoard([
      { id: 9, board: "B-1" },
      { id: 3, board: "B-1" },
    ]);
    expect(twice.map((r) => r.id)).toEqual([3, 9]);
  });

  it("splits like the server's natural_key", () => {
    expect(naturalKey(" A-12b ")).toEqual(["a-", 12, "12", "b"]);
    expect(naturalKey("042")).toEqual(["", 42, "042", ""]);
  });

  it("orders 1,000 boards as the numbers say", () => {
    const labels = Array.from({ length: 1000 }, (_, i) => `B-${String(1000 - i).padStart(3, "0")}`);
    const sorted = byBoard(boards(labels)).map((r) => r.board);
    expect(sorted.slice(0, 3)).toEqual(["B-001", "B-002", "B-003"]);
    expect(sorted.at(-1)).toBe("B-1000");
  });
});

describe("walking order", () => {
  it("keeps only my starred boards, in board order", () => {
    const rows = boards(["B-010", "B-002", "B-100", "B-009"]);
    const starred = new Set(["B-100", "B-002", "B-009"]);
    expect(walkingOrder(rows, (r) => starred.has(r.board)).map((r) => r.board)).toEqual(["B-002", "B-009", "B-100"]);
  });

  it("is empty with nothing starred", () => {
    expect(walkingOrder(boards(["1", "2"]), () => false)).toEqual([]);
  });
});

describe("filter", () => {
  const rows = [
    { id: 1, haystack: fold("001 Diffusion Models for Video · Kim Min-jun · generative") },
    { id: 2, haystack: fold("002 Crème Transformers · Élodie Durand · transformers, vision") },
    { id: 3, haystack: fold("003 트랜스포머를 이용한 검출 · 박지민 · detection") },
  ];
  it("needs every word, in any field, case and accents folded", () => {
    expect(filterRows(rows, "elodie TRANSFORMERS").map((r) => r.id)).toEqual([2]);
    expect(filterRows(rows, "creme").map((r) => r.id)).toEqual([2]);
    expect(filterRows(rows, "kim video").map((r) => r.id)).toEqual([1]);
    expect(filterRows(rows, "kim vision")).toEqual([]);
  });
  it("matches Hangul inside words and board numbers", () => {
    expect(filterRows(rows, "트랜스포머").map((r) => r.id)).toEqual([3]);
    expect(filterRows(rows, "002").map((r) => r.id)).toEqual([2]);
  });
  it("keeps everything for a blank query", () => {
    expect(filterRows(rows, "   ").length).toBe(3);
  });
});
