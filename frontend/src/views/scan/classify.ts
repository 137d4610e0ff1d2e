/**
 * What a scanned or pasted code is, for the Scan screen: a badge (`<site>/b/<token>`, any host:
 * a badge printed before a move to another domain still works), a poster board
 * (`<site>/conferences/<slug>/posters/<id>`), or something else. And the manual fallback's
 * board lookup: a typed board number → the posters on that board.
 */

import { compareBoards } from "../posters/board-order";

export type Scanned =
  /** A badge: send `text` as it was read (the server finds the token in it). */
  | { kind: "badge"; text: string }
  | { kind: "poster"; slug: string; id: number }
  /** A poster board of another conference than the one open. */
  | { kind: "otherConference"; slug: string }
  /** Not a Boardwalk code (a website, a Wi-Fi code, plain text). */
  | { kind: "unknown"; text: string };

const BADGE_TOKEN = /^[A-Za-z0-9_-]{8,200}$/;

function parseUrl(text: string): URL | null {
  try {
    const url = new URL(text);
    return url.protocol === "https:" || url.protocol === "http:" ? url : null;
  } catch {
    return null;
  }
}

/** `text` (what the camera read, or what was pasted) read in the conference `slug`. */
export function classifyScan(raw: string, slug: string): Scanned {
  const text = raw.trim();
  const url = parseUrl(text);
  if (url) {
    const badge = /^\/b\/([^/]+)\/?$/.exec(url.pathname);
    if (badge && BADGE_TOKEN.test(decodeURIComponent(badge[1]!))) return { kind: "badge", text };
    const poster = /^\/conferences\/([^/]+)\/posters\/(\d+)\/?$/.exec(url.pathname);
    if (poster) {
      const codeSlug = decodeURIComponent(poster[1]!);
      const id = Number(poster[2]);
      if (codeSlug !== slug) return { kind: "otherConference", slug: codeSlug };
      if (Number.isSafeInteger(id) && id > 0) return { kind: "poster", slug: codeSlug, id };
    }
    return { kind: "unknown", text };
  }
  return { kind: "unknown", text };
}

/** The token part of a badge code (the last path segment): what "scanned already" is keyed by. */
export function badgeToken(text: string): string {
  try {
    return new URL(text.trim()).pathname.replace(/\/+$/, "").split("/").pop() ?? text.trim();
  } catch {
    return text.trim();
  }
}

/** A poster row as stored (a cancelled one, a tombstone, may lack the rest). */
export interface BoardPoster {
  id: number;
  board?: string | undefined;
  title?: string | undefined;
  cancelled?: boolean | undefined;
}

/** A board label for comparing: case, spaces, dashes and leading zeros folded ("A 12",
 * "a-012" and "A12" are one board; "12" is not "A12"). */
export function boardKey(label: string): string {
  return label
    .trim()
    .toLowerCase()
    .replace(/[\s_.-]+/g, "")
    .replace(/\d+/g, (digits) => digits.replace(/^0+(?=\d)/, ""));
}

/** The posters on the typed board (several when boards are reused across sessions), by
 * board then title; cancelled posters left out. An empty query finds nothing. */
export function postersOnBoard<T extends BoardPoster>(posters: readonly T[], typed: string): T[] {
  const query = typed.trim();
  if (!query) return [];
  const key = boardKey(query);
  return posters
    .filter((poster) => !poster.cancelled && poster.board && boardKey(poster.board) === key)
    .sort((a, b) => compareBoards(a.board ?? "", b.board ?? "") || (a.title ?? "").localeCompare(b.title ?? "") || a.id - b.id);
}
