/**
 * The "who scanned me" list as pages arrive: the first page (read again on reconnecting or
 * for another conference) starts a new list; "show more" appends the next page to the list
 * it was asked for, and an answer that comes back after the list was read again is dropped
 * (appended, it would skip the pages in between and leave them unreachable).
 */

import type { Page } from "../../api/client";
import type { ScanReceived } from "../../api/me";
import { pageOf } from "../../app/notifications";

export interface ScansList {
  rows: ScanReceived[] | null; // null until the first page came
  total: number;
  nextPage: number | null;
  /** Bumped by each first page: a "show more" answer for an older list is dropped. */
  generation: number;
}

export const EMPTY_SCANS: ScansList = { rows: null, total: 0, nextPage: null, generation: 0 };

export function firstPage(list: ScansList, page: Page<ScanReceived>): ScansList {
  return { rows: page.results, total: page.count, nextPage: pageOf(page.next), generation: list.generation + 1 };
}

/** The next page after the rows listed (a scan listed twice, as the list moved, once). */
export function morePage(list: ScansList, generation: number, page: Page<ScanReceived>): ScansList {
  if (generation !== list.generation) return list;
  const have = new Set((list.rows ?? []).map((row) => row.scan_id));
  return {
    ...list,
    rows: [...(list.rows ?? []), ...page.results.filter((row) => !have.has(row.scan_id))],
    total: page.count,
    nextPage: pageOf(page.next),
  };
}
