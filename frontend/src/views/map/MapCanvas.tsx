import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";

import { useTranslation } from "../../i18n/hooks";
import { FULL_VIEW, panBy, pinch, toView, viewBox, zoomAt, zoomOf, type Point, type View } from "./geometry";

/** A drag shorter than this (CSS pixels) is a tap: the board under it opens. */
const TAP_SLOP = 8;
const STEP = 1.5;

interface Props {
  /** Accessible name of the drawing ("Map of Poster Hall A"). */
  label: string;
  /** The view to start from (a focused board: zoomed in on it); reset shows the whole frame. */
  initial: View;
  children: ComponentChildren;
}

/**
 * An SVG drawing of the 1000 × 700 frame with pinch-zoom and drag (pointer events on the
 * viewBox; `touch-action: none` keeps the page from scrolling under the fingers), wheel zoom,
 * +/−/reset buttons, and the keyboard when the drawing has focus (+, −, 0, arrows). A tap
 * still follows the link under it; a drag does not.
 */
export function MapCanvas({ label, initial, children }: Props) {
  const { t } = useTranslation();
  const svg = useRef<SVGSVGElement>(null);
  const [view, setView] = useState<View>(initial);
  const pointers = useRef(new Map<number, Point>());
  const gesture = useRef<{ start: Point | null; moved: boolean }>({ start: null, moved: false });

  useEffect(() => setView(initial), [initial.x, initial.y, initial.w, initial.h]);

  const box = () => svg.current?.getBoundingClientRect();
  const local = (e: { clientX: number; clientY: number }, rect: DOMRect): Point => ({ x: e.clientX - rect.left, y: e.clientY - rect.top });

  function down(e: PointerEvent) {
    const rect = box();
    if (!rect) return;
    const at = local(e, rect);
    pointers.current.set(e.pointerId, at);
    if (pointers.current.size === 1) gesture.current = { start: at, moved: false };
  }

  function move(e: PointerEvent) {
    const rect = box();
    const previous = pointers.current.get(e.pointerId);
    if (!rect || !previous) return;
    const at = local(e, rect);
    const g = gesture.current;
    if (pointers.current.size === 1) {
      if (!g.moved && g.start && Math.hypot(at.x - g.start.x, at.y - g.start.y) < TAP_SLOP) return;
      if (!g.moved) {
        g.moved = true;
        svg.current?.setPointerCapture?.(e.pointerId);
      }
      setView((v) => panBy(v, at.x - previous.x, at.y - previous.y, rect.width));
    } else if (pointers.current.size === 2) {
      g.moved = true;
      const other = [...pointers.current].find(([id]) => id !== e.pointerId)?.[1];
      if (other) {
        const { factor, centre } = pinch(previous, other, at, other);
        setView((v) => zoomAt(v, factor, toView(v, centre, rect.width)));
      }
    }
    pointers.current.set(e.pointerId, at);
  }

  function up(e: PointerEvent) {
    pointers.current.delete(e.pointerId);
  }

  function wheel(e: WheelEvent) {
    const rect = box();
    if (!rect) return;
    e.preventDefault();
    const at = local(e, rect);
    setView((v) => zoomAt(v, e.deltaY < 0 ? 1.25 : 1 / 1.25, toView(v, at, rect.width)));
  }

  function key(e: KeyboardEvent) {
    const pan = (dx: number, dy: number) => setView((v) => panBy(v, dx, dy, 10));
    const actions: Record<string, () => void> = {
      "+": () => setView((v) => zoomAt(v, STEP)),
      "=": () => setView((v) => zoomAt(v, STEP)),
      "-": () => setView((v) => zoomAt(v, 1 / STEP)),
      "0": () => setView(FULL_VIEW),
      ArrowLeft: () => pan(1, 0),
      ArrowRight: () => pan(-1, 0),
      ArrowUp: () => pan(0, 1),
      ArrowDown: () => pan(0, -1),
    };
    const action = actions[e.key];
    if (action && e.target === svg.current) {
      e.preventDefault();
      action();
    }
  }

  // After a drag or a pinch the click that ends it must not open the board under the finger.
  function click(e: MouseEvent) {
    if (gesture.current.moved) {
      e.preventDefault();
      e.stopPropagation();
      gesture.current.moved = false;
    }
  }

  const zoom = zoomOf(view);
  return (
    <div class="map-canvas" data-zoom={zoom.toFixed(2)}>
      <svg
        ref={svg}
        class="map-canvas__svg"
        viewBox={viewBox(view)}
        role="group"
        aria-label={label}
        aria-describedby="map-canvas-help"
        tabindex={0}
        onPointerDown={down}
        onPointerMove={move}
        onPointerUp={up}
        onPointerCancel={up}
        onWheel={wheel}
        onKeyDown={key}
        onClickCapture={click}
      >
        {children}
      </svg>
      <p id="map-canvas-help" class="visually-hidden">
        {t("map.help")}
      </p>
      <div class="map-canvas__zoom" role="group" aria-label={t("map.zoom")}>
        <button type="button" class="map-canvas__button" aria-label={t("map.zoomIn")} onClick={() => setView((v) => zoomAt(v, STEP))} disabled={zoom >= 7.99}>
          <span aria-hidden="true">+</span>
        </button>
        <button type="button" class="map-canvas__button" aria-label={t("map.zoomOut")} onClick={() => setView((v) => zoomAt(v, 1 / STEP))} disabled={zoom <= 1.001}>
          <span aria-hidden="true">−</span>
        </button>
        <button type="button" class="map-canvas__button map-canvas__reset" onClick={() => setView(FULL_VIEW)}>
          {t("map.reset")}
        </button>
      </div>
    </div>
  );
}
