import { encode } from "uqr";
import { describe, expect, it } from "vitest";

import { qrPath } from "./qr-path";

/** The dark cells a path draws, read back from its "M x y h w v1 h-w z" runs. */
function cells(path: string): Set<string> {
  const dark = new Set<string>();
  for (const [, x, y, w] of path.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
    for (let i = 0; i < Number(w); i++) dark.add(`${Number(x) + i},${y}`);
  }
  return dark;
}

describe("qrPath", () => {
  it("merges a row's runs", () => {
    expect(qrPath([[true, true, false, true], [false, false, false, false]])).toBe("M0 0h2v1h-2zM3 0h1v1h-1z");
  });

  it("draws exactly the dark modules of a real code", () => {
    const qr = encode("webcal://boardwalk.example/feeds/abc123.ics", { ecc: "M", border: 2 });
    const expected = new Set<string>();
    qr.data.forEach((row, y) => row.forEach((dark, x) => dark && expected.add(`${x},${y}`)));
    expect(cells(qrPath(qr.data))).toEqual(expected);
    // The finder pattern's corner (inside the 2-module border) is dark, the border light.
    expect(qr.data[2]?.[2]).toBe(true);
    expect(qr.data[0]?.[0]).toBe(false);
  });
});
