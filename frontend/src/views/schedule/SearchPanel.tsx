import { useEffect, useRef, useState } from "preact/hooks";

import { getDb } from "../../app/runtime";
import { useTranslation } from "../../i18n/hooks";
import type { TimeFormatter } from "../../i18n/time";
import { KINDS } from "../../search/documents";
import { itemHref, type Program } from "../item/program";
import { scheduleReady } from "./ready";
import { describeHits, groupDetails, type HitDetail } from "./search-hits";

/** The search session (its own chunk, loaded when the search is first wanted). */
async function openSearch(slug: string) {
  const { getSearch } = await import("../../search/session");
  return getSearch(slug);
}

/** Typing pauses this long before the query goes to the URL and the index. */
export const SEARCH_DEBOUNCE_MS = 200;
/** The index waits at most this long for the first day list before it loads anyway. */
const INDEX_DELAY_MAX_MS = 1500;
/** Results shown at most (the count says when there may be more). */
export const SEARCH_LIMIT = 100;

type IndexStatus = "preparing" | "ready" | "failed";
type Results = { query: string; details: HitDetail[] } | null;

interface Props {
  slug: string;
  program: Program;
  fmt: TimeFormatter;
  /** The search in the URL (`?q=`): what the results are for. */
  query: string;
  onQuery(query: string): void;
}

/** The offline search: the field, "preparing search…" until the index is there, results by kind. */
export function SearchPanel({ slug, program, fmt, query, onQuery }: Props) {
  const { t } = useTranslation();
  const [text, setText] = useState(query);
  const [status, setStatus] = useState<IndexStatus>("preparing");
  const [results, setResults] = useState<Results>(null);
  const latest = useRef(0);

  // The app's one index (search/session.ts): it follows each delta itself, so it is opened
  // once per conference. The day list first, unless a search is already asked for (a reload
  // of results).
  useEffect(() => {
    let gone = false;
    setStatus("preparing");
    const first = query ? Promise.resolve() : scheduleReady(INDEX_DELAY_MAX_MS);
    void first.then(() => openSearch(slug)).then(
      () => !gone && setStatus("ready"),
      () => !gone && setStatus("failed"),
    );
    return () => {
      gone = true;
    };
  }, [slug]);

  // The URL follows the field once typing pauses.
  useEffect(() => {
    if (text.trim() === query) return;
    const timer = setTimeout(() => onQuery(text.trim()), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, query]);

  useEffect(() => {
    const asked = ++latest.current;
    if (!query || status !== "ready") return setResults(null);
    void (async () => {
      const hits = await (await openSearch(slug)).search(query, { limit: SEARCH_LIMIT });
      const details = await describeHits(await getDb(), slug, hits);
      if (asked === latest.current) setResults({ query, details });
    })();
    // A new program version: the same query, re-read (a moved session's new time).
  }, [query, status, slug, program.meta.version]);

  return (
    <div class="search" role="search">
      <label class="search__label" for="schedule-search">
        {t("search.label")}
      </label>
      <div class="search__row">
        <input
          id="schedule-search"
          class="search__input"
          type="search"
          value={text}
          placeholder={t("search.placeholder")}
          autocomplete="off"
          enterKeyHint="search"
          onInput={(e) => setText(e.currentTarget.value)}
        />
        {text && (
          <button
            type="button"
            class="button search__clear"
            onClick={() => {
              setText("");
              onQuery("");
            }}
          >
            {t("search.clear")}
          </button>
        )}
      </div>
      <p class="search__status" aria-live="polite" data-query={results?.query}>
        {status === "preparing" && t("schedule.preparingSearch")}
        {status === "failed" && t("schedule.searchFailed")}
        {status === "ready" && results && (results.details.length >= SEARCH_LIMIT
          ? t("schedule.resultsAtLeast", { count: results.details.length })
          : t("search.results", { count: results.details.length }))}
      </p>
      {results && <ResultList slug={slug} program={program} fmt={fmt} results={results} />}
    </div>
  );
}

function ResultList({ slug, program, fmt, results }: { slug: string; program: Program; fmt: TimeFormatter; results: NonNullable<Results> }) {
  const { t } = useTranslation();
  if (!results.details.length) return <p class="muted search__empty">{t("search.noResults", { query: results.query })}</p>;
  return (
    <div class="results">
      {groupDetails(results.details, KINDS).map((group) => (
        <section key={group.kind} class="results__group" aria-label={t(`kind.${group.kind}`)}>
          <h2 class="results__kind">
            {t(`kind.${group.kind}`)} <span class="schedule__count">{group.items.length}</span>
          </h2>
          <ul class="results__list">
            {group.items.map((detail) => (
              <li key={`${detail.hit.kind}-${detail.hit.id}`} class={`result${detail.hit.cancelled ? " result--cancelled" : ""}`}>
                <a class="result__title" href={itemHref(slug, detail.hit.kind, detail.hit.id)}>
                  {detail.hit.title}
                </a>
                {detail.hit.cancelled && <span class="badge badge--cancelled">{t("item.cancelled")}</span>}
                {resultMeta(detail, program, fmt, t) && <p class="result__meta">{resultMeta(detail, program, fmt, t)}</p>}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

type T = ReturnType<typeof useTranslation>["t"];

/** "Board 042 · Hall B · Sat, Oct 24 10:00–11:30": what of authors, board, number, room and time the hit has. */
function resultMeta(detail: HitDetail, program: Program, fmt: TimeFormatter, t: T): string {
  const parts: string[] = [];
  if (detail.authors?.length) parts.push(detail.authors.join(", "));
  if (detail.board) parts.push(t("item.board", { board: detail.board }));
  if (detail.number) parts.push(t("details.boothNumber", { number: detail.number }));
  const room = detail.room === undefined ? undefined : program.rooms.get(detail.room)?.name;
  if (room) parts.push(room);
  if (detail.start && detail.end) parts.push(`${fmt.dayLabel(fmt.dayKey(detail.start))} ${fmt.range(detail.start, detail.end)}`);
  return parts.join(" · ");
}
