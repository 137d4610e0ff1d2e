import { useCallback, useEffect, useState } from "preact/hooks";

import { api, ApiError, type Conference } from "../../api/client";
import { errorMessage } from "../../i18n/errors";
import { useTranslation } from "../../i18n/hooks";

type State =
  | { status: "loading" }
  | { status: "error"; error: unknown; retryable: boolean }
  | { status: "ready"; conferences: Conference[]; total: number };

// Conference dates are calendar dates in the conference's own zone: format them as such,
// never through the viewer's zone (which could move them by a day).
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function asUtcDate(isoDate: string): Date {
  return new Date(`${isoDate}T00:00:00Z`);
}

export function formatDates(start: string, end: string, locale?: string): string {
  const from = asUtcDate(start);
  const to = asUtcDate(end);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) return `${start} – ${end}`;
  const key = locale ?? "";
  let dateFormat = dateFormats.get(key);
  if (!dateFormat) {
    dateFormat = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
    dateFormats.set(key, dateFormat);
  }
  return start === end ? dateFormat.format(from) : dateFormat.formatRange(from, to);
}

function place(conference: Conference): string {
  return [conference.venue, conference.city, conference.country].filter(Boolean).join(", ");
}

export function Home() {
  const { t, language } = useTranslation();
  const [state, setState] = useState<State>({ status: "loading" });
  const [attempt, setAttempt] = useState(0);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);

  useEffect(() => {
    const controller = new AbortController();
    setState({ status: "loading" });
    api.listConferences(controller.signal).then(
      (page) => setState({ status: "ready", conferences: page.results, total: page.count }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        // The message is worded at render time, in the language shown then.
        setState({ status: "error", error, retryable: error instanceof ApiError ? error.retryable : true });
      },
    );
    return () => controller.abort();
  }, [attempt]);

  return (
    <section class="home" aria-labelledby="home-title" aria-busy={state.status === "loading"}>
      <h1 id="home-title">{t("nav.conferences")}</h1>
      {state.status === "loading" && <p class="notice">{t("conferences.loading")}</p>}
      {state.status === "error" && (
        <div class="notice notice--error" role="alert">
          <p>{errorMessage(state.error)}</p>
          <button type="button" onClick={retry}>
            {t("errors.retry")}
          </button>
        </div>
      )}
      {state.status === "ready" && state.conferences.length === 0 && <p class="notice">{t("conferences.empty")}</p>}
      {state.status === "ready" && state.conferences.length > 0 && (
        <>
          <ul class="conferences">
            {state.conferences.map((conference) => (
              <li key={conference.slug} class="conference">
                <h2 class="conference__name">{conference.name}</h2>
                <p class="conference__dates">
                  <time dateTime={conference.start_date}>{formatDates(conference.start_date, conference.end_date, language)}</time>
                </p>
                {place(conference) && <p class="conference__venue">{place(conference)}</p>}
                <p class="conference__zone">{t("conferences.timesIn", { zone: conference.timezone })}</p>
              </li>
            ))}
          </ul>
          {state.total > state.conferences.length && (
            <p class="notice">{t("conferences.showing", { shown: state.conferences.length, total: state.total })}</p>
          )}
        </>
      )}
    </section>
  );
}
