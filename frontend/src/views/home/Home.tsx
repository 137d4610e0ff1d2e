import { useCallback, useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";

import { api, ApiError, type Conference } from "../../api/client";
import { InstallButton } from "../../components/InstallButton";
import { bundleMetaList } from "../../db";
import { getDb, lastConference, openConference } from "../../app/runtime";
import { errorMessage } from "../../i18n/errors";
import { useTranslation } from "../../i18n/hooks";

type State =
  | { status: "loading" }
  | { status: "error"; error: unknown; retryable: boolean }
  | { status: "ready"; conferences: Conference[]; total: number; stored: boolean };

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

/** The conferences: from the API; when it cannot be reached, the ones stored on this device. */
export async function listConferences(signal?: AbortSignal): Promise<{ conferences: Conference[]; total: number; stored: boolean }> {
  try {
    // Offline, do not even ask: the browser would log the failed request as an error.
    if (!navigator.onLine) throw new ApiError("network", "offline");
    const page = await api.listConferences(signal);
    return { conferences: page.results, total: page.count, stored: false };
  } catch (error) {
    if (!(error instanceof ApiError) || error.kind !== "network") throw error;
    const stored = (await bundleMetaList(await getDb())).map((meta) => meta.conference as unknown as Conference);
    if (!stored.length) throw error;
    return { conferences: stored, total: stored.length, stored: true };
  }
}

export function conferencePath(slug: string): string {
  return `/conferences/${encodeURIComponent(slug)}/`;
}

export function Home() {
  const { t, language } = useTranslation();
  const { route, query } = useLocation();
  const [state, setState] = useState<State>({ status: "loading" });
  const [attempt, setAttempt] = useState(0);
  const [opening, setOpening] = useState<string | null>(null);
  const [openError, setOpenError] = useState<unknown>(null);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  const picking = query.pick !== undefined;

  useEffect(() => {
    if (picking) return;
    // Straight back to the conference used last (the picker stays one tap away).
    void lastConference().then(
      (slug) => slug && route(conferencePath(slug), true),
      () => undefined,
    );
  }, [picking]);

  useEffect(() => {
    const controller = new AbortController();
    setState({ status: "loading" });
    listConferences(controller.signal).then(
      (found) => setState({ status: "ready", ...found }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        // The message is worded at render time, in the language shown then.
        setState({ status: "error", error, retryable: error instanceof ApiError ? error.retryable : true });
      },
    );
    return () => controller.abort();
  }, [attempt]);

  async function pick(slug: string) {
    setOpening(slug);
    setOpenError(null);
    try {
      await openConference(slug);
    } catch (error) {
      // Offline with a stored program is fine: the conference view shows what is stored.
      if (!(error instanceof ApiError && error.kind === "network" && state.status === "ready" && state.stored)) {
        setOpenError(error);
        setOpening(null);
        return;
      }
    }
    setOpening(null);
    route(conferencePath(slug));
  }

  return (
    <section class="home" aria-labelledby="home-title" aria-busy={state.status === "loading"}>
      <h1 id="home-title">{t("conferences.pick")}</h1>
      {state.status === "loading" && <p class="notice">{t("conferences.loading")}</p>}
      {state.status === "error" && (
        <div class="notice notice--error" role="alert">
          <p>{errorMessage(state.error)}</p>
          <button type="button" onClick={retry}>
            {t("errors.retry")}
          </button>
        </div>
      )}
      {openError !== null && (
        <p class="notice notice--error" role="alert">
          {errorMessage(openError)}
        </p>
      )}
      {state.status === "ready" && state.stored && <p class="notice">{t("conferences.storedOnly")}</p>}
      {state.status === "ready" && state.conferences.length === 0 && <p class="notice">{t("conferences.empty")}</p>}
      {state.status === "ready" && state.conferences.length > 0 && (
        <>
          <ul class="conferences">
            {state.conferences.map((conference) => (
              <li key={conference.slug} class="conference">
                <h2 class="conference__name">
                  <button
                    type="button"
                    class="conference__pick"
                    data-slug={conference.slug}
                    disabled={opening !== null}
                    aria-busy={opening === conference.slug}
                    onClick={() => void pick(conference.slug)}
                  >
                    {conference.name}
                  </button>
                </h2>
                <p class="conference__dates">
                  <time dateTime={conference.start_date}>{formatDates(conference.start_date, conference.end_date, language)}</time>
                </p>
                {place(conference) && <p class="conference__venue">{place(conference)}</p>}
                <p class="conference__zone">{t("conferences.timesIn", { zone: conference.timezone })}</p>
                {opening === conference.slug && <p class="conference__opening">{t("conferences.opening")}</p>}
              </li>
            ))}
          </ul>
          {state.total > state.conferences.length && (
            <p class="notice">{t("conferences.showing", { shown: state.conferences.length, total: state.total })}</p>
          )}
        </>
      )}
      <InstallButton />
    </section>
  );
}
