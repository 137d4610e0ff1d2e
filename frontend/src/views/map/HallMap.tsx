/**
 * The hall map (`/conferences/:slug/map`, optional `?session=`, `?room=`, `?poster=`,
 * `?booth=`): the venue's rooms, or one poster session's boards (my starred ones highlighted,
 * my walking order drawn as a numbered route), or a room's booths (open now marked), drawn at
 * their floor positions from IndexedDB only. Items without a position are listed under it.
 */

import { useEffect, useMemo, useState } from "preact/hooks";
import { useLocation, useRoute } from "preact-iso";

import { planKey, usePlan, type PlanMap } from "../../app/plan";
import { getDb } from "../../app/runtime";
import { bundleRow } from "../../db";
import { useTimeFormatter, useTranslation } from "../../i18n/hooks";
import type { TimeFormatter } from "../../i18n/time";
import { useProgram } from "../item/program";
import { walkingOrder } from "../posters/board-order";
import { FRAME, FULL_VIEW, MARGIN, fitView, focusOn, openAt, routePoints, routeStops, splitPlaced, toSvg, type View } from "./geometry";
import { boothRooms, chooseLayer, focusQuery, loadBoards, loadVenue, parseFocus, type Board, type Booth, type Layer, type Room, type Venue } from "./map-data";
import { MapCanvas } from "./MapCanvas";
import "./map.css";

const FOCUS_ZOOM = 3;
const BOARD = { w: 36, h: 22 };
const BOOTH = { w: 64, h: 40 };

export function HallMap() {
  const { t } = useTranslation();
  const { params, query } = useRoute();
  const slug = params.slug ?? "";
  const program = useProgram(slug);
  const version = program.status === "ready" ? program.meta.version : -1;
  const focus = useMemo(() => parseFocus(query), [query.session, query.room, query.poster, query.booth]);
  const [state, setState] = useState<{ venue: Venue; layer: Layer } | null>(null);

  useEffect(() => {
    if (program.status !== "ready") return;
    let gone = false;
    void (async () => {
      const db = await getDb();
      const [venue, poster, session] = await Promise.all([
        loadVenue(db, slug),
        focus.poster === undefined ? undefined : bundleRow(db, "posters", slug, focus.poster),
        focus.session === undefined ? undefined : bundleRow(db, "sessions", slug, focus.session),
      ]);
      const layer = chooseLayer(focus, venue, new Date(), poster?.session ?? null, session?.room ?? null);
      if (!gone) setState({ venue, layer });
    })();
    return () => {
      gone = true;
    };
  }, [slug, version, program.status, focus]);

  if (program.status === "missing")
    return (
      <p class="notice notice--error" role="alert">
        {t("network.neverUpdated")} <a href="/?pick">{t("conferences.change")}</a>
      </p>
    );
  if (program.status === "loading" || state === null) return <p class="notice">{t("app.loading")}</p>;
  return <MapScreen slug={slug} zone={program.meta.conference.timezone} version={version} venue={state.venue} layer={state.layer} />;
}

interface ScreenProps {
  slug: string;
  zone: string;
  version: number;
  venue: Venue;
  layer: Layer;
}

function MapScreen({ slug, zone, version, venue, layer }: ScreenProps) {
  const { t } = useTranslation();
  const { route } = useLocation();
  const fmt = useTimeFormatter(zone);
  const plan = usePlan(slug);
  const [boards, setBoards] = useState<Board[] | null>(null);
  const [now, setNow] = useState(() => new Date());
  const base = `/conferences/${encodeURIComponent(slug)}`;
  const rooms = useMemo(() => new Map(venue.rooms.map((room) => [room.id, room])), [venue]);

  // "Open now" follows the clock.
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 60_000);
    return () => clearInterval(timer);
  }, []);

  const session = layer.kind === "posters" ? layer.session : null;
  useEffect(() => {
    if (session === null) return setBoards(null);
    let gone = false;
    setBoards(null);
    void getDb()
      .then((db) => loadBoards(db, slug, session))
      .then((rows) => !gone && setBoards(rows));
    return () => {
      gone = true;
    };
  }, [slug, session, version]);

  const go = (next: Layer) => route(`${base}/map${focusQuery(next)}`, true);
  const layerValue =
    layer.kind === "venue" ? "venue" : layer.kind === "posters" ? `session:${layer.session}` : `room:${layer.room ?? ""}`;

  return (
    <section class="hall-map" aria-labelledby="hall-map-title">
      <h1 id="hall-map-title">{t("map.title")}</h1>
      <label class="hall-map__layer">
        <span>{t("map.show")}</span>
        <select
          value={layerValue}
          onChange={(e) => {
            const [kind, value] = e.currentTarget.value.split(":");
            const id = Number(value);
            if (kind === "session") go({ kind: "posters", session: id, poster: null });
            else if (kind === "room") go({ kind: "booths", room: id, booth: null });
            else go({ kind: "venue", room: null });
          }}
        >
          <option value="venue">{t("map.venue")}</option>
          {boothRooms(venue.booths).flatMap((room) =>
            room === null ? [] : [<option key={`room:${room}`} value={`room:${room}`}>{t("map.boothsIn", { room: rooms.get(room)?.name ?? "" })}</option>],
          )}
          {venue.posterSessions.map((s) => (
            <option key={s.id} value={`session:${s.id}`}>
              {`${s.title} · ${fmt.labelledRange(s.start, s.end)}`}
            </option>
          ))}
        </select>
      </label>
      {layer.kind === "venue" && <VenueLayer base={base} venue={venue} ringed={layer.room} go={go} />}
      {layer.kind === "booths" && (
        <BoothLayer base={base} booths={venue.booths.filter((b) => (b.room ?? null) === layer.room)} room={layer.room === null ? undefined : rooms.get(layer.room)} ringed={layer.booth} plan={plan} now={now} slug={slug} />
      )}
      {layer.kind === "posters" &&
        (boards === null ? (
          <p class="notice">{t("app.loading")}</p>
        ) : (
          <PosterLayer
            base={base}
            slug={slug}
            boards={boards}
            session={venue.posterSessions.find((s) => s.id === layer.session)}
            room={rooms}
            ringed={layer.poster}
            plan={plan}
            fmt={fmt}
          />
        ))}
    </section>
  );
}

/** The view a focused item starts from: zoomed in on it when it has a position. */
function initialView(at: { x?: number | undefined; y?: number | undefined } | undefined): View {
  return at && typeof at.x === "number" && typeof at.y === "number" ? focusOn(toSvg({ x: at.x, y: at.y }), FOCUS_ZOOM) : FULL_VIEW;
}

/** Follow an SVG link inside the app (preact-iso's router sees only HTML anchors). */
function useFollow(): (e: MouseEvent, href: string) => void {
  const { route } = useLocation();
  return (e, href) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    route(href);
  };
}

function Frame({ name }: { name: string }) {
  return (
    <>
      <rect class="map__floor" x={MARGIN / 2} y={MARGIN / 2} width={FRAME.width - MARGIN} height={FRAME.height - MARGIN} rx="12" />
      {name && (
        <text class="map__frame-name" x={MARGIN} y={MARGIN / 2 - 4}>
          {name}
        </text>
      )}
    </>
  );
}

function VenueLayer({ base, venue, ringed, go }: { base: string; venue: Venue; ringed: number | null; go: (layer: Layer) => void }) {
  const { t } = useTranslation();
  const { placed, unplaced } = splitPlaced(venue.rooms);
  const ringedRoom = venue.rooms.find((r) => r.id === ringed);
  const follow = (e: MouseEvent, room: Room) => {
    if (e.defaultPrevented) return;
    e.preventDefault();
    go({ kind: "venue", room: room.id });
  };
  return (
    <>
      <MapCanvas label={t("map.label", { place: t("map.venue") })} initial={initialView(ringedRoom)}>
        <Frame name="" />
        {placed.map((room) => {
          const at = toSvg(room);
          const href = `${base}/map?room=${room.id}`;
          return (
            <a key={room.id} href={href} class={`map-room map-room--${room.kind}${room.id === ringed ? " map-room--ringed" : ""}`} aria-label={room.name} data-id={room.id} onClick={(e) => follow(e, room)}>
              <circle cx={at.x} cy={at.y} r={room.id === ringed ? 24 : 16} />
              <text x={at.x} y={at.y + 44} text-anchor="middle">
                {room.name}
              </text>
            </a>
          );
        })}
      </MapCanvas>
      {ringedRoom && (
        <p class="hall-map__focus" aria-live="polite">
          {t("map.roomHere", { room: ringedRoom.name })}
        </p>
      )}
      <Unplaced items={unplaced.map((room) => ({ key: room.id, label: room.name, href: `${base}/map?room=${room.id}` }))} />
    </>
  );
}

function BoothLayer(props: { base: string; slug: string; booths: Booth[]; room: Room | undefined; ringed: number | null; plan: PlanMap | null; now: Date }) {
  const { t } = useTranslation();
  const { base, booths, room, ringed, plan, now } = props;
  const follow = useFollow();
  const { placed, unplaced } = splitPlaced(booths.filter((b) => !b.cancelled));
  const open = (booth: Booth) => openAt(booth.hours, now);
  const starred = (booth: Booth) => plan?.has(planKey("booth", booth.id)) ?? false;
  const label = (booth: Booth) =>
    [t("map.boothLabel", { number: booth.number || "—", name: booth.exhibitor }), open(booth) ? t("map.openNow") : "", starred(booth) ? t("map.starred") : ""]
      .filter(Boolean)
      .join(", ");
  return (
    <>
      <MapCanvas label={t("map.label", { place: room?.name ?? t("map.venue") })} initial={initialView(booths.find((b) => b.id === ringed))}>
        <Frame name={room?.name ?? ""} />
        {placed.map((booth) => {
          const at = toSvg(booth);
          const href = `${base}/booths/${booth.id}`;
          const cls = ["map-booth", open(booth) && "map-booth--open", starred(booth) && "map-booth--starred", booth.id === ringed && "map-booth--ringed"].filter(Boolean).join(" ");
          return (
            <a key={booth.id} href={href} class={cls} aria-label={label(booth)} data-id={booth.id} onClick={(e) => follow(e, href)}>
              <rect x={at.x - BOOTH.w / 2} y={at.y - BOOTH.h / 2} width={BOOTH.w} height={BOOTH.h} rx="4" />
              <text x={at.x} y={at.y + 5} text-anchor="middle">
                {booth.number || "·"}
              </text>
              {open(booth) && <circle class="map-booth__open" cx={at.x + BOOTH.w / 2 - 6} cy={at.y - BOOTH.h / 2 + 6} r="7" />}
            </a>
          );
        })}
      </MapCanvas>
      <ul class="map-legend">
        <li>
          <span class="map-legend__swatch map-legend__swatch--open" aria-hidden="true" />
          {t("map.openNowCount", { count: booths.filter((b) => !b.cancelled && open(b)).length })}
        </li>
        <li>
          <span class="map-legend__swatch map-legend__swatch--starred" aria-hidden="true" />
          {t("map.starred")}
        </li>
      </ul>
      <Unplaced items={unplaced.map((b) => ({ key: b.id, label: t("map.boothLabel", { number: b.number || "—", name: b.exhibitor }), href: `${base}/booths/${b.id}` }))} />
    </>
  );
}

interface PosterLayerProps {
  base: string;
  slug: string;
  boards: Board[];
  session: Venue["posterSessions"][number] | undefined;
  room: Map<number, Room>;
  ringed: number | null;
  plan: PlanMap | null;
  fmt: TimeFormatter;
}

function PosterLayer({ base, boards, session, room, ringed, plan, fmt }: PosterLayerProps) {
  const { t } = useTranslation();
  const follow = useFollow();
  const starred = (board: Board) => plan?.has(planKey("poster", board.id)) ?? false;
  const walk = useMemo(() => walkingOrder(boards, starred), [boards, plan]);
  const stops = useMemo(() => routeStops(walk), [walk]);
  const stopOf = useMemo(() => new Map(stops.map((stop) => [stop.item.id, stop.number])), [stops]);
  const { placed, unplaced } = splitPlaced(boards);
  const hall = session?.room === undefined ? undefined : room.get(session.room);
  const points = routePoints(stops);
  // A ringed board (from its poster page) first; else my route, whole; else the hall.
  const focused = boards.find((b) => b.id === ringed);
  const initial = useMemo(
    () => (focused ? initialView(focused) : fitView(stops.flatMap((stop) => (stop.at ? [stop.at] : [])))),
    [focused?.id, points],
  );
  const title = (board: Board) => board.title || t("kind.poster");
  const label = (board: Board) =>
    [
      t("map.boardLabel", { board: board.board, title: title(board) }),
      stopOf.has(board.id) ? t("map.stop", { number: stopOf.get(board.id) }) : "",
      board.cancelled ? t("item.cancelled") : "",
    ]
      .filter(Boolean)
      .join(", ");

  return (
    <>
      {session && (
        <p class="hall-map__session">
          <a href={`${base}/sessions/${session.id}/posters`}>{session.title}</a>
          <br />
          {fmt.labelledRange(session.start, session.end)}
          {hall ? ` · ${hall.name}` : ""}
        </p>
      )}
      <MapCanvas label={t("map.label", { place: hall?.name ?? session?.title ?? "" })} initial={initial}>
        <Frame name={hall?.name ?? ""} />
        {/* Under the boards: the line shows in the aisles, the labels stay readable. */}
        {points && <polyline class="map-route" points={points} />}
        {placed.map((board) => {
          const at = toSvg(board);
          const href = `${base}/posters/${board.id}`;
          const cls = [
            "map-board",
            starred(board) && "map-board--starred",
            board.cancelled && "map-board--cancelled",
            board.id === ringed && "map-board--ringed",
          ]
            .filter(Boolean)
            .join(" ");
          return (
            <a key={board.id} href={href} class={cls} aria-label={label(board)} data-id={board.id} data-board={board.board} onClick={(e) => follow(e, href)}>
              <rect x={at.x - BOARD.w / 2} y={at.y - BOARD.h / 2} width={BOARD.w} height={BOARD.h} rx="3" />
              <text x={at.x} y={at.y + 4} text-anchor="middle">
                {board.board}
              </text>
            </a>
          );
        })}
        {stops.map((stop) =>
          stop.at ? (
            <g key={stop.item.id} class="map-stop" data-stop={stop.number} data-id={stop.item.id} aria-hidden="true">
              <circle cx={stop.at.x + BOARD.w / 2 + 4} cy={stop.at.y - BOARD.h / 2 - 8} r="13" />
              <text x={stop.at.x + BOARD.w / 2 + 4} y={stop.at.y - BOARD.h / 2 - 3} text-anchor="middle">
                {stop.number}
              </text>
            </g>
          ) : null,
        )}
      </MapCanvas>
      <ul class="map-legend">
        <li>
          <span class="map-legend__swatch map-legend__swatch--starred" aria-hidden="true" />
          {t("map.starred")}
        </li>
        <li>
          <span class="map-legend__swatch map-legend__swatch--route" aria-hidden="true" />
          {t("posters.walkingOrder")}
        </li>
      </ul>
      <h2 class="hall-map__subtitle">{t("posters.walkingOrder")}</h2>
      {stops.length === 0 ? (
        <p class="muted">{t("posters.noStarred")}</p>
      ) : (
        <ol class="map-stops">
          {stops.map((stop) => (
            <li key={stop.item.id} class="map-stops__stop" data-id={stop.item.id}>
              <span class="map-stops__number" aria-hidden="true">
                {stop.number}
              </span>
              <span class="map-stops__board">{t("item.board", { board: stop.item.board })}</span>
              <a href={`${base}/posters/${stop.item.id}`}>{title(stop.item)}</a>
              {!stop.at && <span class="muted"> · {t("map.notOnMapShort")}</span>}
            </li>
          ))}
        </ol>
      )}
      <Unplaced items={unplaced.map((b) => ({ key: b.id, label: t("map.boardLabel", { board: b.board, title: title(b) }), href: `${base}/posters/${b.id}` }))} />
    </>
  );
}

function Unplaced({ items }: { items: { key: number; label: string; href: string }[] }) {
  const { t } = useTranslation();
  if (!items.length) return null;
  return (
    <section class="map-unplaced" aria-labelledby="map-unplaced-title">
      <h2 id="map-unplaced-title" class="hall-map__subtitle">
        {t("map.notOnMap", { count: items.length })}
      </h2>
      <ul>
        {items.map((item) => (
          <li key={item.key}>
            <a href={item.href}>{item.label}</a>
          </li>
        ))}
      </ul>
    </section>
  );
}
