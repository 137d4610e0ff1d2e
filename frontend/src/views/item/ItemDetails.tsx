/**
 * The item pages: a session (its talks in order, its posters' screen), a talk, a paper, a
 * poster, a booth, a meal. All from IndexedDB, each with a star (papers have none: a paper is
 * planned through its poster or talk) and a way back; an unknown id says so.
 */

import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { useRoute } from "preact-iso";

import { usePlan, type PlanMap } from "../../app/plan";
import { getDb } from "../../app/runtime";
import { StarButton } from "../../components/StarButton";
import type { BoardwalkDb, BundleRows, PlanKind, Stored } from "../../db";
import { useTimeFormatter, useTranslation } from "../../i18n/hooks";
import type { TimeFormatter } from "../../i18n/time";
import { ZoneSwitch } from "../../i18n/ZoneSwitch";
import {
  loadBooth,
  loadMeal,
  loadOral,
  loadPaper,
  loadPoster,
  loadSession,
  paperLinks,
  type OralPageView,
  type PaperView,
  type PosterView,
  type SessionView,
} from "./item-data";
import { itemHref, scheduleHref, useProgram, type Program } from "./program";
import "./item.css";

type Loader<T> = (db: BoardwalkDb, conf: string, id: number) => Promise<T | null>;

interface PageProps<T> {
  slug: string;
  program: Program;
  fmt: TimeFormatter;
  plan: PlanMap | null;
  item: T;
}

/** Route params → the stored program and the item (undefined while loading, null when unknown). */
function useItem<T>(load: Loader<T>): { slug: string; program: ReturnType<typeof useProgram>; item: T | null | undefined } {
  const { params } = useRoute();
  const slug = params.slug ?? "";
  const id = Number(params.id);
  const program = useProgram(slug);
  const version = program.status === "ready" ? program.meta.version : -1;
  const [item, setItem] = useState<T | null | undefined>(undefined);
  // Another item: loading. A new version of the program: the shown item stays until re-read.
  useEffect(() => setItem(undefined), [slug, id]);
  useEffect(() => {
    if (program.status === "loading") return;
    let gone = false;
    void (async () => {
      const found = Number.isInteger(id) && program.status === "ready" ? await load(await getDb(), slug, id) : null;
      if (!gone) setItem(found);
    })();
    return () => {
      gone = true;
    };
  }, [slug, id, program.status, version]);
  return { slug, program, item };
}

/** Loading, not found, or the page; the back link to the schedule on every one. */
function itemPage<T>(load: Loader<T>, Page: (props: PageProps<T>) => preact.JSX.Element) {
  return function ItemRoute() {
    const { t } = useTranslation();
    const { slug, program, item } = useItem(load);
    const plan = usePlan(slug);
    const zone = program.status === "ready" ? program.meta.conference.timezone : "UTC";
    const fmt = useTimeFormatter(zone);
    const back = (
      <p class="item__back back-link">
        <a href={scheduleHref(slug)}>{t("details.backToSchedule")}</a>
      </p>
    );
    if (program.status === "loading" || (program.status === "ready" && item === undefined))
      return <p class="notice">{t("app.loading")}</p>;
    if (program.status === "missing" || !item)
      return (
        <article class="item">
          {back}
          <div class="notice notice--error" role="alert">
            <p>{program.status === "missing" ? t("network.neverUpdated") : t("details.notFound")}</p>
            <a href={scheduleHref(slug)}>{t("details.backToSchedule")}</a>
          </div>
        </article>
      );
    return (
      <article class="item">
        {back}
        <Page slug={slug} program={program} fmt={fmt} plan={plan} item={item} />
      </article>
    );
  };
}

/** Title with its star, the kind above it, a cancelled mark under it. */
function Heading(props: { kind: string; title: string; cancelled?: boolean | undefined; star?: { slug: string; kind: PlanKind; id: number; plan: PlanMap | null } }) {
  const { t } = useTranslation();
  return (
    <header class="item__header">
      <div class="item__heading">
        <p class="item__kind">{props.kind}</p>
        <h1 class="item__title">{props.title}</h1>
        {props.cancelled && (
          <p class="item__cancelled" role="note">
            <span class="badge badge--cancelled">{t("item.cancelled")}</span> {t("details.cancelledHint")}
          </p>
        )}
      </div>
      {props.star && <StarButton conf={props.star.slug} kind={props.star.kind} target={props.star.id} title={props.title} plan={props.star.plan} />}
    </header>
  );
}

/** A definition list of the facts that are known (empty ones left out). */
function Facts({ rows }: { rows: [string, ComponentChildren][] }) {
  const shown = rows.filter(([, value]) => value !== undefined && value !== null && value !== "" && value !== false);
  if (!shown.length) return null;
  return (
    <dl class="facts">
      {shown.map(([label, value]) => (
        <div class="facts__row" key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function when(fmt: TimeFormatter, start: string, end: string): string {
  return `${fmt.dayLabel(fmt.dayKey(start), "long")}, ${fmt.labelledRange(start, end)}`;
}

function roomName(program: Program, id: number | undefined): string | undefined {
  return id === undefined ? undefined : program.rooms.get(id)?.name;
}

/** A paper's authors (in order), abstract, keywords and its arXiv / OpenReview pages. */
function PaperBlock({ view }: { view: PaperView }) {
  const { t } = useTranslation();
  const { paper, authors } = view;
  const links = paperLinks(paper);
  return (
    <>
      {authors.length > 0 && (
        <>
          <h2>{t("item.authors")}</h2>
          <ol class="item__authors">
            {authors.map((name, i) => (
              <li key={`${i}-${name}`}>{name}</li>
            ))}
          </ol>
        </>
      )}
      {links.length > 0 && (
        <p class="item__links">
          {links.map((link) => (
            <a key={link.kind} class="button item__link" href={link.href} target="_blank" rel="noopener noreferrer">
              {t(`item.${link.kind}`)}
            </a>
          ))}
        </p>
      )}
      {paper.abstract && (
        <>
          <h2>{t("item.abstract")}</h2>
          <p class="item__text">{paper.abstract}</p>
        </>
      )}
      {(paper.keywords?.length ?? 0) > 0 && (
        <>
          <h2>{t("item.keywords")}</h2>
          <ul class="tags">
            {paper.keywords?.map((keyword) => (
              <li key={keyword} class="tag">
                {keyword}
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}

function SessionPage({ slug, program, fmt, plan, item }: PageProps<SessionView>) {
  const { t } = useTranslation();
  const { session, chairs, orals, posterCount } = item;
  const track = session.track === undefined ? undefined : program.tracks.get(session.track);
  return (
    <>
      <Heading kind={t(`sessionKind.${session.kind}`)} title={session.title} cancelled={session.cancelled} star={{ slug, kind: "session", id: session.id, plan }} />
      <Facts
        rows={[
          [t("details.when"), when(fmt, session.start, session.end)],
          [t("item.room"), roomName(program, session.room)],
          [t("filters.track"), track?.name],
          [t("details.chairs", { count: chairs.length }), chairs.join(", ")],
        ]}
      />
      <ZoneSwitch conferenceZone={program.meta.conference.timezone} />
      {session.room !== undefined && <MapLink slug={slug} query={`session=${session.id}`} />}
      {session.description && <p class="item__text">{session.description}</p>}
      {(session.kind === "poster" || posterCount > 0) && (
        <p class="item__posters">
          <a class="button button--primary" href={`/conferences/${encodeURIComponent(slug)}/sessions/${session.id}/posters`}>
            {t("details.openPosters")}
          </a>{" "}
          <span class="muted">{t("posters.count", { count: posterCount })}</span>
        </p>
      )}
      {orals.length > 0 && (
        <>
          <h2>{t("item.orals")}</h2>
          <ol class="talks">
            {orals.map(({ oral, title, speakers, paper }) => (
              <li key={oral.id} class={`talk${oral.cancelled ? " talk--cancelled" : ""}`}>
                <div class="talk__body">
                  <p class="talk__time">
                    <time dateTime={oral.start}>{fmt.range(oral.start, oral.end)}</time>
                    {oral.cancelled && <span class="badge badge--cancelled">{t("item.cancelled")}</span>}
                  </p>
                  <a class="talk__title" href={itemHref(slug, "oral", oral.id)}>
                    {title || t("kind.oral")}
                  </a>
                  {(speakers.length > 0 || paper) && <p class="talk__people">{(speakers.length ? speakers : (paper?.authors ?? [])).join(", ")}</p>}
                </div>
                <StarButton conf={slug} kind="oral" target={oral.id} title={title || t("kind.oral")} plan={plan} />
              </li>
            ))}
          </ol>
        </>
      )}
    </>
  );
}

const mapHref = (slug: string, query: string) => `/conferences/${encodeURIComponent(slug)}/map?${query}`;

/** "Show on map": the hall map focused on this item (or its room). */
function MapLink({ slug, query }: { slug: string; query: string }) {
  const { t } = useTranslation();
  return (
    <p class="item__map-link">
      <a href={mapHref(slug, query)}>{t("map.showOnMap")}</a>
    </p>
  );
}

function SessionLink({ slug, program, session }: { slug: string; program: Program; session: OralPageView["session"] }) {
  const { t } = useTranslation();
  if (!session) return null;
  return (
    <Facts
      rows={[
        [t("kind.session"), <a href={itemHref(slug, "session", session.id)}>{session.title}</a>],
        [t("item.room"), roomName(program, session.room)],
      ]}
    />
  );
}

function OralPage({ slug, program, fmt, plan, item }: PageProps<OralPageView>) {
  const { t } = useTranslation();
  const title = item.title || t("kind.oral");
  return (
    <>
      <Heading kind={t("kind.oral")} title={title} cancelled={item.oral.cancelled} star={{ slug, kind: "oral", id: item.oral.id, plan }} />
      <Facts
        rows={[
          [t("details.when"), when(fmt, item.oral.start, item.oral.end)],
          [t("details.speakers", { count: item.speakers.length }), item.speakers.join(", ")],
        ]}
      />
      <SessionLink slug={slug} program={program} session={item.session} />
      {item.paper && (
        <p>
          <a href={itemHref(slug, "paper", item.paper.paper.id)}>{t("details.paperPage")}</a>
        </p>
      )}
      {item.paper && <PaperBlock view={item.paper} />}
    </>
  );
}

function PaperPage({ item }: PageProps<PaperView>) {
  const { t } = useTranslation();
  return (
    <>
      <Heading kind={t("kind.paper")} title={item.paper.title} />
      <PaperBlock view={item} />
    </>
  );
}

function PosterPage({ slug, program, fmt, plan, item }: PageProps<PosterView>) {
  const { t } = useTranslation();
  const { poster, paper, session } = item;
  const title = paper?.paper.title ?? poster.title ?? t("kind.poster");
  return (
    <>
      <Heading kind={t("kind.poster")} title={title} cancelled={poster.cancelled} star={{ slug, kind: "poster", id: poster.id, plan }} />
      <p class="item__board">{t("item.board", { board: poster.board })}</p>
      <Facts
        rows={[
          [t("details.when"), session ? when(fmt, session.start, session.end) : undefined],
          [t("kind.session"), session && <a href={itemHref(slug, "session", session.id)}>{session.title}</a>],
          [t("item.room"), roomName(program, session?.room)],
        ]}
      />
      <p class="item__actions">
        <a class="button button--primary" href={`/conferences/${encodeURIComponent(slug)}/logbook/conversations/new?poster=${poster.id}`}>
          {t("details.logConversation")}
        </a>
        {paper && (
          <a class="button" href={itemHref(slug, "paper", paper.paper.id)}>
            {t("details.paperPage")}
          </a>
        )}
        <a class="button item__map" href={mapHref(slug, `poster=${poster.id}`)}>
          {t("map.showOnMap")}
        </a>
      </p>
      {paper && <PaperBlock view={paper} />}
    </>
  );
}

function BoothPage({ slug, program, fmt, plan, item: booth }: PageProps<Stored<BundleRows["booths"]>>) {
  const { t } = useTranslation();
  return (
    <>
      <Heading kind={t("kind.booth")} title={booth.exhibitor} cancelled={booth.cancelled} star={{ slug, kind: "booth", id: booth.id, plan }} />
      <Facts
        rows={[
          [t("details.number"), booth.number],
          [t("details.tier"), booth.tier],
          [t("item.room"), roomName(program, booth.room)],
          [t("details.tags"), (booth.tags ?? []).map((tag) => t(`logbookTag.${tag}`)).join(", ")],
          [t("details.website"), booth.website && <a href={booth.website} target="_blank" rel="noopener noreferrer">{booth.website.replace(/^https?:\/\//, "")}</a>],
        ]}
      />
      <MapLink slug={slug} query={`booth=${booth.id}`} />
      <h2>{t("item.hours")}</h2>
      <p class="zone">{fmt.zoneLabel()}</p>
      {booth.hours?.length ? (
        <ul class="hours">
          {fmt.groupByDay(booth.hours, (h) => h.start).map(({ day, items }) => (
            <li key={day}>
              <span class="hours__day">{fmt.dayLabel(day)}</span> {items.map((h) => fmt.range(h.start, h.end)).join(", ")}
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">{t("details.noHours")}</p>
      )}
      <ZoneSwitch conferenceZone={program.meta.conference.timezone} />
      {booth.description && <p class="item__text">{booth.description}</p>}
    </>
  );
}

function MealPage({ slug, program, fmt, plan, item: meal }: PageProps<Stored<BundleRows["meals"]>>) {
  const { t } = useTranslation();
  return (
    <>
      <Heading kind={t(`mealKind.${meal.kind}`)} title={meal.title} cancelled={meal.cancelled} star={{ slug, kind: "meal", id: meal.id, plan }} />
      <Facts
        rows={[
          [t("details.when"), when(fmt, meal.start, meal.end)],
          [t("item.room"), roomName(program, meal.room)],
          [t("details.dietary"), (meal.dietary ?? []).map((d) => t(`dietary.${d}`)).join(", ")],
        ]}
      />
      <ZoneSwitch conferenceZone={program.meta.conference.timezone} />
      {(meal.menu?.length ?? 0) > 0 && (
        <>
          <h2>{t("item.menu")}</h2>
          <ul class="menu">
            {meal.menu?.map((dish, i) => (
              <li key={`${i}-${dish.name}`} class="menu__dish">
                <p class="menu__name">{dish.name}</p>
                {dish.description && <p class="menu__description">{dish.description}</p>}
                {(dish.dietary?.length ?? 0) > 0 && (
                  <ul class="tags" aria-label={t("details.dietary")}>
                    {dish.dietary?.map((d) => (
                      <li key={d} class="tag tag--diet">
                        {t(`dietary.${d}`)}
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      {meal.notes && (
        <>
          <h2>{t("details.notes")}</h2>
          <p class="item__text">{meal.notes}</p>
        </>
      )}
    </>
  );
}

export const SessionDetail = itemPage(loadSession, SessionPage);
export const OralDetail = itemPage(loadOral, OralPage);
export const PaperDetail = itemPage(loadPaper, PaperPage);
export const PosterDetail = itemPage(loadPoster, PosterPage);
export const BoothDetail = itemPage(loadBooth, BoothPage);
export const MealDetail = itemPage(loadMeal, MealPage);
