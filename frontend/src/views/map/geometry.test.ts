import { describe, expect, it } from "vitest";

import { walkingOrder } from "../posters/board-order";
import {
  FRAME,
  FULL_VIEW,
  MARGIN,
  MAX_ZOOM,
  clampView,
  fitView,
  focusOn,
  isPlaced,
  openAt,
  panBy,
  pinch,
  routePoints,
  routeStops,
  splitPlaced,
  toSvg,
  toView,
  viewBox,
  zoomAt,
  zoomOf,
} from "./geometry";

describe("positions", () => {
  it("maps 0–1 inside the margin, clamping what lies outside", () => {
    expect(toSvg({ x: 0, y: 0 })).toEqual({ x: MARGIN, y: MARGIN });
    expect(toSvg({ x: 1, y: 1 })).toEqual({ x: FRAME.width - MARGIN, y: FRAME.height - MARGIN });
    expect(toSvg({ x: 0.5, y: 0.5 })).toEqual({ x: FRAME.width / 2, y: FRAME.height / 2 });
    expect(toSvg({ x: -3, y: 7 })).toEqual({ x: MARGIN, y: FRAME.height - MARGIN });
  });

  it("lists items without a full position apart, in their order, never dropping one", () => {
    const items = [
      { id: 1, x: 0.1, y: 0.2 },
      { id: 2 },
      { id: 3, x: 0.3 },
      { id: 4, x: 0, y: 0 },
      { id: 5, x: Number.NaN, y: 0.5 },
      { id: 6, x: null, y: null },
    ];
    const { placed, unplaced } = splitPlaced(items);
    expect(placed.map((i) => i.id)).toEqual([1, 4]);
    expect(unplaced.map((i) => i.id)).toEqual([2, 3, 5, 6]);
    expect(placed.length + unplaced.length).toBe(items.length);
    expect(isPlaced({ x: 0, y: 0 })).toBe(true);
  });
});

describe("the walking route", () => {
  const boards = [
    { id: 10, board: "B-10", x: 0.9, y: 0.1 },
    { id: 2, board: "B-2", x: 0.1, y: 0.1 },
    { id: 7, board: "B-7" },
    { id: 3, board: "B-3", x: 0.3, y: 0.5 },
    { id: 1, board: "B-1", x: 0, y: 0 },
  ];
  const starred = new Set([10, 2, 7, 3]);

  it("numbers the stops in the Posters screen's walking order, unplaced ones keep their number", () => {
    const stops = routeStops(walkingOrder(boards, (b) => starred.has(b.id)));
    expect(stops.map((s) => [s.number, s.item.board, s.at !== null])).toEqual([
      [1, "B-2", true],
      [2, "B-3", true],
      [3, "B-7", false],
      [4, "B-10", true],
    ]);
  });

  it("draws the polyline through the placed stops in order", () => {
    const stops = routeStops(walkingOrder(boards, (b) => starred.has(b.id)));
    const expected = [toSvg({ x: 0.1, y: 0.1 }), toSvg({ x: 0.3, y: 0.5 }), toSvg({ x: 0.9, y: 0.1 })];
    expect(routePoints(stops)).toBe(expected.map((p) => `${p.x},${p.y}`).join(" "));
  });

  it("draws no line for fewer than two placed stops", () => {
    expect(routePoints(routeStops([{ x: 0.5, y: 0.5 }]))).toBe("");
    expect(routePoints(routeStops([{}, {}]))).toBe("");
  });
});

describe("open now", () => {
  const hours = [
    { start: "2026-10-24T07:30:00Z", end: "2026-10-24T15:30:00Z" },
    { start: "2026-10-25T07:30:00Z", end: "2026-10-25T12:00:00Z" },
  ];
  it("is open inside a window, from its start up to (not at) its end", () => {
    expect(openAt(hours, new Date("2026-10-24T07:30:00Z"))).toBe(true);
    expect(openAt(hours, new Date("2026-10-25T11:59:59Z"))).toBe(true);
    expect(openAt(hours, new Date("2026-10-24T15:30:00Z"))).toBe(false);
    expect(openAt(hours, new Date("2026-10-25T06:00:00Z"))).toBe(false);
    expect(openAt(undefined, new Date("2026-10-24T08:00:00Z"))).toBe(false);
  });
});

describe("zoom and pan", () => {
  it("zooms about a point that stays put on the screen", () => {
    const at = { x: 250, y: 175 };
    const view = zoomAt(FULL_VIEW, 2, at);
    expect(zoomOf(view)).toBe(2);
    // The point's place across the view is the same fraction before and after.
    expect((at.x - view.x) / view.w).toBeCloseTo((at.x - FULL_VIEW.x) / FULL_VIEW.w);
    expect((at.y - view.y) / view.h).toBeCloseTo((at.y - FULL_VIEW.y) / FULL_VIEW.h);
    expect(view.w / view.h).toBeCloseTo(FRAME.width / FRAME.height);
  });

  it("stops at the whole frame and at MAX_ZOOM", () => {
    expect(zoomAt(FULL_VIEW, 0.5)).toEqual(FULL_VIEW);
    let view = FULL_VIEW;
    for (let i = 0; i < 20; i++) view = zoomAt(view, 2);
    expect(zoomOf(view)).toBe(MAX_ZOOM);
  });

  it("pans by screen pixels scaled to the view, never off the frame", () => {
    const zoomed = zoomAt(FULL_VIEW, 4, { x: 500, y: 350 });
    // 360 px across 250 units: a 36 px drag to the left moves the view 25 units right.
    const moved = panBy(zoomed, -36, 0, 360);
    expect(moved.x - zoomed.x).toBeCloseTo(25);
    expect(moved.y).toBeCloseTo(zoomed.y);
    expect(panBy(zoomed, 100_000, 100_000, 360)).toMatchObject({ x: 0, y: 0 });
    const far = panBy(zoomed, -100_000, -100_000, 360);
    expect(far.x + far.w).toBeCloseTo(FRAME.width);
    expect(far.y + far.h).toBeCloseTo(FRAME.height);
    expect(panBy(FULL_VIEW, 50, 50, 360)).toEqual(FULL_VIEW);
  });

  it("turns a screen point into SVG units", () => {
    const view = { x: 100, y: 50, w: 500, h: 350 };
    expect(toView(view, { x: 180, y: 90 }, 360)).toEqual({ x: 350, y: 175 });
  });

  it("focuses a point at a zoom, kept inside the frame", () => {
    const view = focusOn({ x: 500, y: 350 }, 4);
    expect(view).toEqual({ x: 375, y: 262.5, w: 250, h: 175 });
    const corner = focusOn({ x: 0, y: 0 }, 4);
    expect([corner.x, corner.y]).toEqual([0, 0]);
  });

  it("fits the route: every stop inside, padded, at the frame's aspect, no closer than allowed", () => {
    const points = [{ x: 300, y: 200 }, { x: 500, y: 260 }, { x: 420, y: 180 }];
    const view = fitView(points, 60, 4);
    for (const p of points) {
      expect(p.x).toBeGreaterThanOrEqual(view.x + 60 - 1e-9);
      expect(p.x).toBeLessThanOrEqual(view.x + view.w - 60 + 1e-9);
      expect(p.y).toBeGreaterThanOrEqual(view.y);
      expect(p.y).toBeLessThanOrEqual(view.y + view.h);
    }
    expect(view.w / view.h).toBeCloseTo(FRAME.width / FRAME.height);
    expect(view.w).toBeCloseTo(320); // 200 wide + 2 × 60
    expect(zoomOf(fitView([{ x: 500, y: 350 }], 60, 4))).toBe(4);
    expect(fitView([])).toEqual(FULL_VIEW);
    expect(fitView([{ x: 0, y: 0 }, { x: 1000, y: 700 }])).toEqual(FULL_VIEW);
  });

  it("reads a pinch as the ratio of finger distances about their midpoint", () => {
    const { factor, centre } = pinch({ x: 100, y: 100 }, { x: 200, y: 100 }, { x: 50, y: 100 }, { x: 250, y: 100 });
    expect(factor).toBe(2);
    expect(centre).toEqual({ x: 150, y: 100 });
    expect(pinch({ x: 1, y: 1 }, { x: 1, y: 1 }, { x: 1, y: 1 }, { x: 5, y: 5 }).factor).toBe(1);
  });

  it("keeps a bad view's size and place within bounds, and writes the viewBox", () => {
    expect(clampView({ x: -50, y: 900, w: 5000, h: 1 })).toEqual(FULL_VIEW);
    expect(viewBox({ x: 1 / 3, y: 0, w: 1000, h: 700 })).toBe("0.33 0 1000 700");
  });
});
