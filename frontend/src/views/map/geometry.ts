/**
 * The hall map's arithmetic, pure (tested in geometry.test.ts): where a 0–1 floor position
 * lands in the SVG, which items have one, the walking route, booths open now, and the
 * viewBox under zoom and pan.
 *
 * Frames: a room's `x`/`y` are on the venue plan; a poster board's are inside its session's
 * room (the poster hall), a booth's inside its room (the expo floor). The map draws one frame
 * at a time: the venue with its rooms, or one room with its boards or booths.
 */

/** The drawing's size in SVG units (the viewBox of the whole frame); 10:7 fits a phone and a hall. */
export const FRAME = { width: 1000, height: 700 } as const;
/** Room between the frame's edge and a position of 0 or 1, so marks at the edge stay whole. */
export const MARGIN = 40;
/** The closest zoom: an eighth of the frame's width across the screen. */
export const MAX_ZOOM = 8;

export interface Point {
  x: number;
  y: number;
}

export interface View {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A position of 0–1 (clamped) in SVG units inside the margin. */
export function toSvg(position: Point): Point {
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  return {
    x: MARGIN + clamp(position.x) * (FRAME.width - 2 * MARGIN),
    y: MARGIN + clamp(position.y) * (FRAME.height - 2 * MARGIN),
  };
}

export interface MaybePlaced {
  x?: number | null;
  y?: number | null;
}

/** Whether an item has a usable position (both coordinates, finite numbers). */
export function isPlaced<T extends MaybePlaced>(item: T): item is T & Point {
  return typeof item.x === "number" && typeof item.y === "number" && Number.isFinite(item.x) && Number.isFinite(item.y);
}

/** Items with a position and the others (listed under the map, never dropped), order kept. */
export function splitPlaced<T extends MaybePlaced>(items: readonly T[]): { placed: (T & Point)[]; unplaced: T[] } {
  const placed: (T & Point)[] = [];
  const unplaced: T[] = [];
  for (const item of items) {
    if (isPlaced(item)) placed.push(item);
    else unplaced.push(item);
  }
  return { placed, unplaced };
}

export interface Stop<T> {
  /** 1-based, in walking order (unplaced stops keep their number: the list says where they fall). */
  number: number;
  item: T;
  at: Point | null;
}

/** The walk's stops numbered in order, with SVG positions where the item has one. */
export function routeStops<T extends MaybePlaced>(ordered: readonly T[]): Stop<T>[] {
  return ordered.map((item, index) => ({ number: index + 1, item, at: isPlaced(item) ? toSvg(item) : null }));
}

/** The polyline's `points` through the placed stops, in order ("" with fewer than two). */
export function routePoints(stops: readonly Stop<unknown>[]): string {
  const at = stops.flatMap((stop) => (stop.at ? [stop.at] : []));
  if (at.length < 2) return "";
  return at.map((p) => `${round(p.x)},${round(p.y)}`).join(" ");
}

export interface Window {
  start: string;
  end: string;
}

/** Whether `now` falls in one of the opening windows [start, end). */
export function openAt(hours: readonly Window[] | undefined, now: Date): boolean {
  const t = now.getTime();
  return (hours ?? []).some((w) => Date.parse(w.start) <= t && t < Date.parse(w.end));
}

// --- zoom and pan ------------------------------------------------------------------------------

export const FULL_VIEW: View = { x: 0, y: 0, w: FRAME.width, h: FRAME.height };

/** The zoom factor of a view (1: the whole frame). */
export function zoomOf(view: View): number {
  return FRAME.width / view.w;
}

/** Keep the view's size between the whole frame and MAX_ZOOM, and its area over the frame. */
export function clampView(view: View): View {
  const w = Math.min(FRAME.width, Math.max(FRAME.width / MAX_ZOOM, view.w));
  const h = (w * FRAME.height) / FRAME.width;
  const x = Math.min(FRAME.width - w, Math.max(0, view.x));
  const y = Math.min(FRAME.height - h, Math.max(0, view.y));
  return { x, y, w, h };
}

/** Zoom by `factor` (> 1 closer) keeping the SVG point `at` where it is on the screen. */
export function zoomAt(view: View, factor: number, at: Point = { x: view.x + view.w / 2, y: view.y + view.h / 2 }): View {
  const w = Math.min(FRAME.width, Math.max(FRAME.width / MAX_ZOOM, view.w / factor));
  const scale = w / view.w;
  return clampView({
    x: at.x - (at.x - view.x) * scale,
    y: at.y - (at.y - view.y) * scale,
    w,
    h: view.h * scale,
  });
}

/** Move the view by a drag of (dx, dy) screen pixels on an element `width` pixels wide. */
export function panBy(view: View, dx: number, dy: number, width: number): View {
  const unitsPerPixel = view.w / width;
  return clampView({ ...view, x: view.x - dx * unitsPerPixel, y: view.y - dy * unitsPerPixel });
}

/** A screen point (relative to the element's top left, element `width` pixels wide) in SVG units. */
export function toView(view: View, px: Point, width: number): Point {
  const unitsPerPixel = view.w / width;
  return { x: view.x + px.x * unitsPerPixel, y: view.y + px.y * unitsPerPixel };
}

/** A view `factor` times closer, centred on `at` (SVG units): "show this board". */
export function focusOn(at: Point, factor: number): View {
  const w = FRAME.width / factor;
  const h = FRAME.height / factor;
  return clampView({ x: at.x - w / 2, y: at.y - h / 2, w, h });
}

/**
 * The closest view (at most `maxZoom`) showing every point with `pad` units around them, at
 * the frame's aspect ratio: the walking route on first sight. No points: the whole frame.
 */
export function fitView(points: readonly Point[], pad = 60, maxZoom = 4): View {
  if (!points.length) return FULL_VIEW;
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const [x0, x1, y0, y1] = [Math.min(...xs) - pad, Math.max(...xs) + pad, Math.min(...ys) - pad, Math.max(...ys) + pad];
  const aspect = FRAME.width / FRAME.height;
  const w = Math.min(FRAME.width, Math.max(x1 - x0, (y1 - y0) * aspect, FRAME.width / maxZoom));
  const h = w / aspect;
  return clampView({ x: (x0 + x1) / 2 - w / 2, y: (y0 + y1) / 2 - h / 2, w, h });
}

/** Two pointers: the zoom factor and centre of a pinch going from (a0, b0) to (a1, b1). */
export function pinch(a0: Point, b0: Point, a1: Point, b1: Point): { factor: number; centre: Point } {
  const before = Math.hypot(b0.x - a0.x, b0.y - a0.y);
  const after = Math.hypot(b1.x - a1.x, b1.y - a1.y);
  return { factor: before > 0 ? after / before : 1, centre: { x: (a1.x + b1.x) / 2, y: (a1.y + b1.y) / 2 } };
}

export function viewBox(view: View): string {
  return [view.x, view.y, view.w, view.h].map(round).join(" ");
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
