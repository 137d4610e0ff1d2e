import { describe, expect, it } from "vitest";

import { fitWithin, PHOTO_MAX_EDGE } from "./photos";

describe("fitWithin", () => {
  it("scales a landscape phone photo so its longer edge is the maximum", () => {
    expect(fitWithin({ width: 4032, height: 3024 })).toEqual({ width: PHOTO_MAX_EDGE, height: 1536 });
  });

  it("scales a portrait photo by its height", () => {
    expect(fitWithin({ width: 3000, height: 4000 }, 1000)).toEqual({ width: 750, height: 1000 });
  });

  it("keeps a photo already small enough, never upscaling", () => {
    expect(fitWithin({ width: 800, height: 600 })).toEqual({ width: 800, height: 600 });
    expect(fitWithin({ width: 2048, height: 10 })).toEqual({ width: 2048, height: 10 });
  });

  it("rounds to whole pixels and keeps at least one", () => {
    expect(fitWithin({ width: 10_000, height: 3 }, 1000)).toEqual({ width: 1000, height: 1 });
    expect(fitWithin({ width: 3001, height: 2001 }, 1000)).toEqual({ width: 1000, height: 667 });
  });
});
