import { describe, expect, it } from "vitest";

import type { Page } from "../../api/client";
import type { ScanReceived } from "../../api/me";
import { EMPTY_SCANS, firstPage, morePage } from "./scans";

const scan = (n: number) => ({ scan_id: `s${n}` }) as ScanReceived;
const page = (from: number, to: number, count: number, next: number | null): Page<ScanReceived> => ({
  count,
  next: next === null ? null : `https://x.test/api/v1/conferences/c/scans/received/?page=${next}&page_size=10`,
  previous: null,
  results: Array.from({ length: to - from + 1 }, (_, i) => scan(from + i)),
});
const ids = (rows: ScanReceived[] | null) => rows?.map((row) => row.scan_id);

describe("who scanned me, page by page", () => {
  it("appends the next page, a scan listed twice (the list moved) once", () => {
    const first = firstPage(EMPTY_SCANS, page(1, 10, 25, 2));
    const more = morePage(first, first.generation, page(10, 20, 26, 3));

    expect(ids(more.rows)).toEqual([...ids(first.rows)!, "s11", "s12", "s13", "s14", "s15", "s16", "s17", "s18", "s19", "s20"]);
    expect([more.total, more.nextPage]).toEqual([26, 3]);
  });

  it("drops a 'show more' answer that comes back after the list was read again", () => {
    // Page 3 asked for; meanwhile the network came back and page 1 was read again.
    const shown = morePage(firstPage(EMPTY_SCANS, page(1, 10, 30, 2)), 1, page(11, 20, 30, 3));
    const asked = shown.generation;
    const reloaded = firstPage(shown, page(1, 10, 30, 2));

    const late = morePage(reloaded, asked, page(21, 30, 30, null));

    // Not 1-10 then 21-30 with nothing left to show: 11-20 would never appear.
    expect(late).toBe(reloaded);
    expect([ids(late.rows)?.length, late.nextPage]).toEqual([10, 2]);
  });

  it("drops a late page of another conference's list", () => {
    const mine = firstPage(EMPTY_SCANS, page(1, 10, 12, 2));
    const asked = mine.generation;
    const other = firstPage(mine, page(101, 103, 3, null));

    expect(morePage(other, asked, page(11, 12, 12, null))).toBe(other);
  });
});
