/**
 * Posters of a session: natural board order, my walking order, and the filter box.
 * Pure functions over rows already read from IndexedDB (tested in board-order.test.ts).
 */

const DIGITS = /(\d+)/;

type KeyPart = string | number;

/**
 * The server's `natural_key` (planner/selectors/plans.py): digit runs compare as numbers, text
 * case-folded, so "A-2" < "A-10" < "B-1", "9" < "10", "042" < "100". Splitting on a capturing
 * group alternates text and digits, text first, so equal positions hold equal types. Equal
 * numbers fall back to the digits as written ("42" before "042"), as the server's tuple does.
 */
export function naturalKey(label: string): KeyPart[] {
  return label
    .trim()
    .split(DIGITS)
    .flatMap((part, index): KeyPart[] => (index % 2 ? [Number(part), part] : [part.toLowerCase()]));
}

function comparePart(a: KeyPart, b: KeyPart): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  const [x, y] = [String(a), String(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

export function compareBoards(a: string, b: string): number {
  const [ka, kb] = [naturalKey(a), naturalKey(b)];
  for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
    const d = comparePart(ka[i] as KeyPart, kb[i] as KeyPart);
    if (d !== 0) return d;
  }
  return ka.length - kb.length;
}

export interface BoardRow {
  id: number;
  board: string;
}

/** Board order, ties (one board listed twice) by id: the server's walking order key. */
export function byBoard<T extends BoardRow>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => compareBoards(a.board, b.board) || a.id - b.id);
}

/**
 * My walking order through a session: my starred posters, in the order the server's
 * `plan/conflicts/` gives them (`walking_order`: by natural board order, then id). Computed
 * here rather than cached from the server so it works offline and for any number of stars
 * (the server lists it only for an overloaded session). The boards' x/y are not used, as the
 * server does not use them: boards are numbered along the aisles, so their order is the walk.
 */
export function walkingOrder<T extends BoardRow>(rows: readonly T[], starred: (row: T) => boolean): T[] {
  return byBoard(rows.filter(starred));
}

/** Text folded for matching: case, accents (NFKD, combining marks dropped). */
export function fold(text: string): string {
  return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
}

export interface Searchable {
  /** Board, title, authors and keywords, already folded (see `fold`). */
  haystack: string;
}

/** Rows whose text holds every word of the query (as typed, folded); all rows for a blank query. */
export function filterRows<T extends Searchable>(rows: readonly T[], query: string): T[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (!words.length) return [...rows];
  return rows.filter((row) => words.every((word) => row.haystack.includes(word)));
}
