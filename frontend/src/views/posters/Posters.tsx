import { useEffect, useMemo, useState } from "preact/hooks";
import { useRoute } from "preact-iso";

import { planKey, usePlan } from "../../app/plan";
import { getDb, useOnline, useProgramVersion, useRefreshState } from "../../app/runtime";
import { StarButton } from "../../components/StarButton";
import { bundleMetaGet, bundleRow, bundleRowsByIds, ofSession, type BundleMeta, type BundleRows } from "../../db";
import { useTimeFormatter, useTranslation } from "../../i18n/hooks";
import { byBoard, filterRows, fold, walkingOrder } from "./board-order";
import "./posters.css";

/** Rows drawn at first and per "show more": a 1,000-poster session stays quick at 360 px. */
const PAGE = 100;

export interface PosterRow {
  id: number;
  board: string;
  title: string;
  authors: string[];
  cancelled: boolean;
  haystack: string;
}

interface Loaded {
  meta: BundleMeta;
  session: BundleRows["sessions"] | undefined;
  room: string | null;
  /** In natural board order. */
  rows: PosterRow[];
}

/** The session's posters with their papers' titles, authors and keywords, from IndexedDB. */
async function loadPosters(slug: string, sessionId: number): Promise<Loaded | null> {
  const db = await getDb();
  const meta = await bundleMetaGet(db, slug);
  if (!meta) return null;
  const [session, posters] = await Promise.all([bundleRow(db, "sessions", slug, sessionId), ofSession(db, "posters", slug, sessionId)]);
  const papers = await bundleRowsByIds(db, "papers", slug, posters.flatMap((p) => (p.paper === undefined ? [] : [p.paper])));
  const people = await bundleRowsByIds(db, "people", slug, [...papers.values()].flatMap((p) => p.authors ?? []));
  const room = session?.room === undefined ? null : ((await bundleRow(db, "rooms", slug, session.room))?.name ?? null);
  const rows = posters.map((poster): PosterRow => {
    const paper = poster.paper === undefined ? undefined : papers.get(poster.paper);
    const authors = (paper?.authors ?? []).flatMap((id) => {
      const person = people.get(id);
      return person ? [person.name] : [];
    });
    const title = paper?.title ?? poster.title ?? "";
    return {
      id: poster.id,
      board: poster.board,
      title,
      authors,
      cancelled: poster.cancelled === true,
      haystack: fold([poster.board, title, ...authors, ...(paper?.keywords ?? [])].join(" \u0001 ")),
    };
  });
  return { meta, session, room, rows: byBoard(rows) };
}

/** A poster session's posters: board order or my walking order, a filter, stars. */
export function Posters() {
  const { t } = useTranslation();
  const { params } = useRoute();
  const slug = params.slug ?? "";
  const sessionId = Number(params.id);
  const version = useProgramVersion(slug);
  const refresh = useRefreshState();
  const online = useOnline();
  const [loaded, setLoaded] = useState<Loaded | null | undefined>(undefined);

  // Re-read when the refresher stored a new program version (a moved session, a cancelled poster).
  useEffect(() => {
    if (version == null) return; // 0 is a version
    let gone = false;
    void loadPosters(slug, sessionId).then((value) => !gone && setLoaded(value));
    return () => {
      gone = true;
    };
  }, [slug, sessionId, version]);

  // Nothing stored: offline there is nothing to wait for; online, wait for the refresher.
  const refreshedEmpty = refresh !== null && refresh.slug === slug && !refresh.syncing && refresh.version === null;
  const missing = loaded === null || (loaded === undefined && version === null && (!online || refreshedEmpty));
  if (missing)
    return (
      <p class="notice notice--error" role="alert">
        {t("network.neverUpdated")} <a href="/?pick">{t("conferences.change")}</a>
      </p>
    );
  if (loaded === undefined) return <p class="notice">{t("app.loading")}</p>;
  return <PosterList slug={slug} sessionId={sessionId} loaded={loaded} />;
}

function PosterList({ slug, sessionId, loaded }: { slug: string; sessionId: number; loaded: Loaded }) {
  const { t } = useTranslation();
  const plan = usePlan(slug);
  const fmt = useTimeFormatter(loaded.meta.conference.timezone);
  const [query, setQuery] = useState("");
  const [walking, setWalking] = useState(false);
  const [limit, setLimit] = useState(PAGE);
  const { session, rows } = loaded;

  const starred = (row: PosterRow) => plan?.has(planKey("poster", row.id)) ?? false;
  const matching = useMemo(() => filterRows(rows, query), [rows, query]);
  const shown = useMemo(() => (walking ? walkingOrder(matching, starred) : matching), [matching, walking, plan]);
  const starredCount = useMemo(() => rows.filter(starred).length, [rows, plan]);
  const conf = encodeURIComponent(slug);

  return (
    <section class="posters" aria-labelledby="posters-title">
      <p class="back-link">
        <a href={`/conferences/${conf}/sessions/${sessionId}`}>{t("posterList.back")}</a>
      </p>
      <h1 id="posters-title">{t("posters.title")}</h1>
      {session && (
        <p class="posters__session">
          <strong>{session.title}</strong>
          <br />
          {fmt.labelledRange(session.start, session.end)}
          {loaded.room ? ` · ${loaded.room}` : ""}
          {" · "}
          <a class="posters__map" href={`/conferences/${conf}/map?session=${sessionId}`}>
            {t("map.showOnMap")}
          </a>
        </p>
      )}
      {session?.cancelled && <p class="notice">{t("item.cancelled")}</p>}
      {rows.length === 0 ? (
        <p class="notice">{t("posterList.notPosterSession")}</p>
      ) : (
        <>
          <label class="posters__filter">
            <span>{t("posterList.filter")}</span>
            <input
              type="search"
              value={query}
              placeholder={t("posterList.filterPlaceholder")}
              onInput={(e) => {
                setQuery(e.currentTarget.value);
                setLimit(PAGE);
              }}
            />
          </label>
          <div class="posters__order" role="group" aria-label={t("posterList.order")}>
            <button type="button" class="posters__mode" aria-pressed={!walking} onClick={() => setWalking(false)}>
              {t("posters.boardOrder")}
            </button>
            <button type="button" class="posters__mode" aria-pressed={walking} onClick={() => setWalking(true)}>
              {t("posters.walkingOrder")}
            </button>
          </div>
          <p class="posters__count" aria-live="polite">
            {query.trim()
              ? t("posterList.matching", { count: matching.length, total: rows.length })
              : t("posters.count", { count: rows.length })}
            {" · "}
            {t("posterList.starred", { count: starredCount })}
          </p>
          {walking && <p class="muted">{shown.length ? t("posters.walkingOrderHint") : t("posters.noStarred")}</p>}
          {!walking && matching.length === 0 && <p class="notice">{t("posterList.noMatch")}</p>}
          {walking ? (
            <ol class="poster-rows poster-rows--walk">{shown.map((row) => <Row key={row.id} slug={slug} row={row} plan={plan} />)}</ol>
          ) : (
            <ul class="poster-rows">{shown.slice(0, limit).map((row) => <Row key={row.id} slug={slug} row={row} plan={plan} />)}</ul>
          )}
          {!walking && shown.length > limit && (
            <button type="button" class="button posters__more" onClick={() => setLimit((n) => n + PAGE)}>
              {t("posterList.showMore", { count: Math.min(PAGE, shown.length - limit) })}
            </button>
          )}
        </>
      )}
    </section>
  );
}

/** Up to three authors, then "et al." (the full list is on the poster's page). */
function authorLine(authors: string[], etAl: (first: string) => string): string {
  return authors.length > 3 ? etAl(authors.slice(0, 3).join(", ")) : authors.join(", ");
}

function Row({ slug, row, plan }: { slug: string; row: PosterRow; plan: ReturnType<typeof usePlan> }) {
  const { t } = useTranslation();
  const title = row.title || t("kind.poster");
  return (
    <li class={`poster-row${row.cancelled ? " poster-row--cancelled" : ""}`} data-id={row.id}>
      <span class="poster-row__board" aria-label={t("item.board", { board: row.board })}>
        {row.board}
      </span>
      <div class="poster-row__text">
        <a class="poster-row__title" href={`/conferences/${encodeURIComponent(slug)}/posters/${row.id}`}>
          {title}
        </a>
        {row.authors.length > 0 && <p class="poster-row__authors">{authorLine(row.authors, (first) => t("posterList.etAl", { first }))}</p>}
        {row.cancelled && <p class="poster-row__cancelled">{t("item.cancelled")}</p>}
      </div>
      <StarButton conf={slug} kind="poster" target={row.id} title={title} plan={plan} />
    </li>
  );
}
