import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import { useLocation, useRoute } from "preact-iso";

import { usePlan, type PlanMap } from "../../app/plan";
import { getDb } from "../../app/runtime";
import { StarButton } from "../../components/StarButton";
import { errorMessage } from "../../i18n/errors";
import { useTimeFormatter, useTranslation } from "../../i18n/hooks";
import type { TimeFormatter } from "../../i18n/time";
import { ZoneSwitch } from "../../i18n/ZoneSwitch";
import { itemHref, rememberSchedule, useProgram, type Program } from "../item/program";
import {
  activeFilterCount,
  boothsOpen,
  conferenceDays,
  dayBounds,
  filtersFromQuery,
  filtersToQuery,
  KIND_FILTERS,
  pickDay,
  readBooths,
  readDay,
  filterEntries,
  type BoothRow,
  type DayEntry,
  type Filters,
} from "./schedule-data";
import { markScheduleReady } from "./ready";
import { SearchPanel } from "./SearchPanel";
import "../item/item.css";
import "./schedule.css";

/** The program by day, filtered by room, track and kind, with search; everything from IndexedDB. */
export function Schedule() {
  const { t } = useTranslation();
  const { params } = useRoute();
  const slug = params.slug ?? "";
  const program = useProgram(slug);

  // While loading, a placeholder a screen tall: the footer below stays out of view instead of
  // jumping away when the day's list arrives (layout shift).
  if (program.status === "loading") return <p class="notice schedule__pending">{t("app.loading")}</p>;
  if (program.status === "missing")
    return (
      <section class="schedule">
        <h1>{t("schedule.title")}</h1>
        <div class="notice notice--error" role="alert">
          <p>{t("network.neverUpdated")}</p>
          {program.error !== null && <p>{errorMessage(program.error)}</p>}
          <a href="/?pick">{t("conferences.change")}</a>
        </div>
      </section>
    );
  return <Ready slug={slug} program={program} />;
}

function Ready({ slug, program }: { slug: string; program: Program }) {
  const { t } = useTranslation();
  const { query, route, url, path } = useLocation();
  const filters = filtersFromQuery(query);
  // Only the schedule's own URLs: while an item page's chunk loads, this view still renders with its URL.
  useEffect(() => {
    if (path.endsWith("/schedule")) rememberSchedule(slug, url);
  }, [slug, url, path]);
  const conference = program.meta.conference;
  const fmt = useTimeFormatter(conference.timezone);
  const plan = usePlan(slug);
  const days = useMemo(() => conferenceDays(conference.start_date, conference.end_date), [conference.start_date, conference.end_date]);
  const day = pickDay(days, filters.day, fmt.calendarDay(new Date()));

  /**
   * Change some filters; the rest stay. Replaces the history entry: back leaves the schedule.
   * Not once the URL is another page's (a late debounced search must not pull the user back).
   */
  const update = (patch: Partial<Filters>) => {
    if (!path.endsWith("/schedule")) return;
    route(`/conferences/${encodeURIComponent(slug)}/schedule${filtersToQuery({ ...filters, ...patch })}`, true);
  };

  return (
    <section class="schedule" aria-labelledby="schedule-title">
      <h1 id="schedule-title">{t("schedule.title")}</h1>
      <p class="page-conference">
        {conference.name} ·{" "}
        <a class="schedule__map" href={`/conferences/${encodeURIComponent(slug)}/map`}>
          {t("map.title")}
        </a>
      </p>
      <SearchPanel slug={slug} program={program} fmt={fmt} query={filters.q} onQuery={(q) => update({ q })} />
      {!filters.q && day && (
        <>
          <DayTabs days={days} day={day} fmt={fmt} filters={filters} slug={slug} />
          <FilterBar program={program} filters={filters} update={update} />
          <div class="schedule__zone">
            <span class="zone">{fmt.zoneLabel()}</span>
            <ZoneSwitch conferenceZone={conference.timezone} />
          </div>
          {filters.kind === "booth" ? (
            <BoothList slug={slug} program={program} day={day} fmt={fmt} filters={filters} plan={plan} />
          ) : (
            <DayList slug={slug} program={program} day={day} fmt={fmt} filters={filters} plan={plan} update={update} />
          )}
        </>
      )}
      <p class="schedule__updated">{t("network.lastUpdated", { time: fmt.labelledDateTime(program.meta.checkedAt) })}</p>
    </section>
  );
}

function DayTabs(props: { days: string[]; day: string; fmt: TimeFormatter; filters: Filters; slug: string }) {
  const { t } = useTranslation();
  const nav = useRef<HTMLElement>(null);
  // At 360 px only three days fit: bring the chosen one into view (the row scrolls sideways).
  useLayoutEffect(() => {
    const current = nav.current?.querySelector<HTMLElement>("[aria-current=page]");
    if (current && nav.current) nav.current.scrollLeft = current.offsetLeft - nav.current.offsetLeft - 16;
  }, [props.day]);
  return (
    <nav class="days" aria-label={t("schedule.day")} ref={nav}>
      {props.days.map((d) => (
        <a
          key={d}
          class="days__day"
          aria-current={d === props.day ? "page" : undefined}
          href={`/conferences/${encodeURIComponent(props.slug)}/schedule${filtersToQuery({ ...props.filters, day: d })}`}
        >
          {props.fmt.dayLabel(d)}
        </a>
      ))}
    </nav>
  );
}

function FilterBar({ program, filters, update }: { program: Program; filters: Filters; update: (patch: Partial<Filters>) => void }) {
  const { t } = useTranslation();
  const rooms = [...program.rooms.values()].sort((a, b) => a.position - b.position || a.name.localeCompare(b.name));
  const tracks = [...program.tracks.values()].sort((a, b) => a.name.localeCompare(b.name));
  const active = activeFilterCount(filters);
  return (
    <fieldset class="filters">
      <legend class="filters__legend">{active ? t("filters.active", { count: active }) : t("filters.title")}</legend>
      <label class="filters__field">
        <span>{t("filters.room")}</span>
        <select id="filter-room" value={filters.room} onChange={(e) => update({ room: e.currentTarget.value })}>
          <option value="">{t("filters.all")}</option>
          {rooms.map((room) => (
            <option key={room.id} value={String(room.id)}>
              {room.name}
            </option>
          ))}
        </select>
      </label>
      <label class="filters__field">
        <span>{t("filters.track")}</span>
        <select id="filter-track" value={filters.track} onChange={(e) => update({ track: e.currentTarget.value })}>
          <option value="">{t("filters.all")}</option>
          {tracks.map((track) => (
            <option key={track.id} value={String(track.id)}>
              {track.name}
            </option>
          ))}
        </select>
      </label>
      <label class="filters__field">
        <span>{t("filters.kind")}</span>
        <select id="filter-kind" value={filters.kind} onChange={(e) => update({ kind: e.currentTarget.value })}>
          <option value="">{t("filters.all")}</option>
          {KIND_FILTERS.map((kind) => (
            <option key={kind} value={kind}>
              {kind === "booth" ? t("schedule.booths") : t(`sessionKind.${kind}`)}
            </option>
          ))}
        </select>
      </label>
      {active > 0 && (
        <button type="button" class="button filters__clear" onClick={() => update({ room: "", track: "", kind: "" })}>
          {t("filters.clear")}
        </button>
      )}
    </fieldset>
  );
}

/** The day's entries, re-read when the refresher stored a new program version (a moved item). */
function useDay(slug: string, version: number, day: string, fmt: TimeFormatter): DayEntry[] | null {
  const [entries, setEntries] = useState<DayEntry[] | null>(null);
  const [from, to] = dayBounds(fmt, day);
  useEffect(() => {
    let gone = false;
    void getDb()
      .then((db) => readDay(db, slug, [from, to]))
      .then((rows) => !gone && setEntries(rows));
    return () => {
      gone = true;
    };
  }, [slug, version, from, to]);
  return entries;
}

interface ListProps {
  slug: string;
  program: Program;
  day: string;
  fmt: TimeFormatter;
  filters: Filters;
  plan: PlanMap | null;
}

function DayList({ update, ...props }: ListProps & { update: (patch: Partial<Filters>) => void }) {
  const { t } = useTranslation();
  const { slug, program, day, fmt, filters, plan } = props;
  const entries = useDay(slug, program.meta.version, day, fmt);
  // A layout effect: right after the list is in the DOM, not a frame later.
  useLayoutEffect(() => {
    if (entries) markScheduleReady();
  }, [entries]);
  // A <div>, not a <p>: Preact would keep a <p> and reuse it as the booths line below, which the
  // browser then sees as one element jumping a screen down.
  if (!entries) return <div class="notice schedule__pending">{t("app.loading")}</div>;
  const shown = filterEntries(entries, filters);
  return (
    <>
      <h2 class="schedule__day">
        {fmt.dayLabel(day, "long")} <span class="schedule__count">{t("schedule.items", { count: shown.length })}</span>
      </h2>
      {shown.length ? (
        <ul class="entries" aria-live="polite">
          {shown.map((entry) => (
            <EntryItem key={`${entry.type}-${entry.row.id}`} entry={entry} slug={slug} program={program} fmt={fmt} plan={plan} />
          ))}
        </ul>
      ) : (
        <p class="muted" aria-live="polite">
          {t("schedule.empty")}
        </p>
      )}
      <p class="schedule__booths">
        <button type="button" class="button" onClick={() => update({ kind: "booth", track: "" })}>
          {t("schedule.showBooths")}
        </button>
      </p>
    </>
  );
}

function EntryItem({ entry, slug, program, fmt, plan }: { entry: DayEntry; slug: string; program: Program; fmt: TimeFormatter; plan: PlanMap | null }) {
  const { t } = useTranslation();
  const { row } = entry;
  const room = row.room === undefined ? undefined : program.rooms.get(row.room);
  const track = entry.type === "session" && entry.row.track !== undefined ? program.tracks.get(entry.row.track) : undefined;
  const kindLabel = entry.type === "meal" ? t(`mealKind.${entry.row.kind}`) : t(`sessionKind.${entry.row.kind}`);
  return (
    <li
      class={`entry entry--${entry.type}${row.cancelled ? " entry--cancelled" : ""}`}
      style={track ? { borderInlineStartColor: track.colour } : undefined}
    >
      <div class="entry__body">
        <p class="entry__time">
          <time dateTime={row.start}>{fmt.range(row.start, row.end)}</time>
          {row.cancelled && <span class="badge badge--cancelled">{t("item.cancelled")}</span>}
        </p>
        <a class="entry__title" href={itemHref(slug, entry.type, row.id)}>
          {row.title}
        </a>
        <p class="entry__meta">
          {[kindLabel, room?.name, track?.name].filter(Boolean).join(" · ")}
        </p>
      </div>
      <StarButton conf={slug} kind={entry.type} target={row.id} title={row.title} plan={plan} />
    </li>
  );
}

function BoothList({ slug, program, day, fmt, filters, plan }: ListProps) {
  const { t } = useTranslation();
  const [booths, setBooths] = useState<BoothRow[] | null>(null);
  const [from, to] = dayBounds(fmt, day);
  useEffect(() => {
    let gone = false;
    void getDb()
      .then((db) => readBooths(db, slug))
      .then((rows) => !gone && setBooths(rows));
    return () => {
      gone = true;
    };
  }, [slug, program.meta.version]);
  useLayoutEffect(() => {
    if (booths) markScheduleReady();
  }, [booths]);
  if (!booths) return <p class="notice">{t("app.loading")}</p>;
  const open = boothsOpen(booths, [from, to], filters.room);
  return (
    <>
      <h2 class="schedule__day">
        {t("schedule.boothsOn", { day: fmt.dayLabel(day, "long") })}{" "}
        <span class="schedule__count">{t("schedule.items", { count: open.length })}</span>
      </h2>
      {open.length ? (
        <ul class="entries" aria-live="polite">
          {open.map((booth) => {
            const hours = (booth.hours ?? []).filter((h) => h.start < to && h.end > from);
            const room = booth.room === undefined ? undefined : program.rooms.get(booth.room)?.name;
            return (
              <li key={booth.id} class={`entry entry--booth${booth.cancelled ? " entry--cancelled" : ""}`}>
                <div class="entry__body">
                  <p class="entry__time">
                    {hours.map((h) => fmt.range(h.start, h.end)).join(", ")}
                    {booth.cancelled && <span class="badge badge--cancelled">{t("item.cancelled")}</span>}
                  </p>
                  <a class="entry__title" href={itemHref(slug, "booth", booth.id)}>
                    {booth.exhibitor}
                  </a>
                  <p class="entry__meta">
                    {[booth.number ? t("details.boothNumber", { number: booth.number }) : "", room].filter(Boolean).join(" · ")}
                  </p>
                </div>
                <StarButton conf={slug} kind="booth" target={booth.id} title={booth.exhibitor} plan={plan} />
              </li>
            );
          })}
        </ul>
      ) : (
        <p class="muted">{t("schedule.noBooths")}</p>
      )}
    </>
  );
}
