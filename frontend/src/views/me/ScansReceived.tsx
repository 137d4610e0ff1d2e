import { useEffect, useState } from "preact/hooks";

import { api } from "../../api/client";
import { SCANS_PAGE, fetchScansReceived, isNetwork, shareBack, type ScanReceived } from "../../api/me";
import { getDb, getRefresher, useOnline, useProgramVersion } from "../../app/runtime";
import { bundleMetaGet, bundleRow } from "../../db";
import { errorMessage } from "../../i18n/errors";
import { useTimeFormatter, useTranslation } from "../../i18n/hooks";
import { EMPTY_SCANS, firstPage, morePage } from "./scans";

interface Place {
  href: string;
  label: string;
}

/** Where the scan happened, named from the stored program ("Poster 042", a session's title). */
async function placeOf(slug: string, scan: ScanReceived): Promise<Place | null> {
  const db = await getDb();
  const base = `/conferences/${encodeURIComponent(slug)}`;
  if (scan.poster !== null) {
    const poster = await bundleRow(db, "posters", slug, scan.poster);
    return { href: `${base}/posters/${scan.poster}`, label: poster ? `#${poster.board}` : `#${scan.poster}` };
  }
  if (scan.oral !== null) {
    const oral = await bundleRow(db, "orals", slug, scan.oral);
    const session = oral ? await bundleRow(db, "sessions", slug, oral.session) : undefined;
    return { href: `${base}/orals/${scan.oral}`, label: session?.title ?? "" };
  }
  if (scan.session !== null) {
    const session = await bundleRow(db, "sessions", slug, scan.session);
    return { href: `${base}/sessions/${scan.session}`, label: session?.title ?? "" };
  }
  if (scan.booth !== null) {
    const booth = await bundleRow(db, "booths", slug, scan.booth);
    return { href: `${base}/booths/${scan.booth}`, label: booth?.exhibitor ?? "" };
  }
  if (scan.meal !== null) {
    const meal = await bundleRow(db, "meals", slug, scan.meal);
    return { href: `${base}/meals/${scan.meal}`, label: meal?.title ?? "" };
  }
  return null;
}

type Row = ScanReceived;

/** Who scanned my badge (online only: the list is the server's), each with "share back". */
export function ScansReceived({ slug }: { slug: string }) {
  const { t } = useTranslation();
  const online = useOnline();
  // Null until the stored program says (times are not shown in UTC meanwhile).
  const [zone, setZone] = useState<string | null>(null);
  const [list, setList] = useState(EMPTY_SCANS);
  const { rows, total, nextPage } = list;
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const fmt = useTimeFormatter(zone ?? "UTC");
  const version = useProgramVersion(slug);

  // The conference's zone and the places' names come with the stored program.
  useEffect(() => {
    if (version === undefined) return; // still reading; null: no program stored (UTC then)
    void getDb()
      .then((db) => bundleMetaGet(db, slug))
      .then((meta) => setZone(meta ? meta.conference.timezone : "UTC"));
  }, [slug, version]);

  // Where each scan happened, named from the stored program (again when it changed).
  const [places, setPlaces] = useState<Record<string, Place | null>>({});
  useEffect(() => {
    if (!rows?.length) return;
    let gone = false;
    void Promise.all(rows.map(async (scan) => [scan.scan_id, await placeOf(slug, scan)] as const)).then(
      (found) => !gone && setPlaces(Object.fromEntries(found)),
    );
    return () => {
      gone = true;
    };
  }, [slug, rows, version]);

  useEffect(() => {
    let gone = false;
    if (!online) return;
    void (async () => {
      try {
        const page = await fetchScansReceived(api, slug);
        if (gone) return;
        setList((current) => firstPage(current, page));
        setError(null);
      } catch (caught) {
        if (!gone) setError(caught);
      }
    })();
    return () => {
      gone = true;
    };
  }, [slug, online]);

  /** The next page, appended (a scan that arrived meanwhile shifts the pages: no repeats);
   * dropped when the list was read again meanwhile (reconnected, another conference). */
  async function more() {
    if (nextPage === null) return;
    const asked = list.generation;
    setBusy("more");
    setError(null);
    try {
      const page = await fetchScansReceived(api, slug, nextPage);
      setList((current) => morePage(current, asked, page));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(null);
    }
  }

  async function share(scan: Row) {
    setBusy(scan.scan_id);
    setError(null);
    try {
      await shareBack(api, slug, scan.scan_id, crypto.randomUUID());
      setList((current) => ({
        ...current,
        rows: current.rows?.map((row) => (row.scan_id === scan.scan_id ? { ...row, shared_back: true } : row)) ?? null,
      }));
      // The new meetup is the server's: bring it into the logbook here now.
      void getRefresher().then((refresher) => refresher.refresh(slug, { program: false, mine: true }));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(null);
    }
  }

  return (
    <section class="me__section me__scans" aria-labelledby="me-scans">
      <h2 id="me-scans">{t("me.scansTitle")}</h2>
      {rows === null && (!online || isNetwork(error)) && <p class="notice">{t("me.scansOffline")}</p>}
      {rows !== null && rows.length === 0 && <p class="muted">{t("me.scansNone")}</p>}
      {rows !== null && rows.length > 0 && (
        <>
          <p class="muted">{t("me.scansCount", { count: total })}</p>
          <ul class="me__scan-list">
            {rows.map((scan) => {
              const who = scan.scanner;
              const name = who.display_name || who.email || t("me.someone");
              return (
                <li key={scan.scan_id} class="me__scan" data-scan={scan.scan_id}>
                  <p class="me__scan-name">{name}</p>
                  {who.affiliation && <p class="me__scan-detail">{who.affiliation}</p>}
                  {who.email && who.email !== name && <p class="me__scan-detail">{who.email}</p>}
                  {who.homepage && /^https?:\/\//i.test(who.homepage) && (
                    <p class="me__scan-detail">
                      <a href={who.homepage} rel="noopener noreferrer" target="_blank">
                        {who.homepage}
                      </a>
                    </p>
                  )}
                  {who.orcid && <p class="me__scan-detail">ORCID {who.orcid}</p>}
                  {who.openreview && <p class="me__scan-detail">OpenReview {who.openreview}</p>}
                  <p class="muted me__scan-when">
                    <time dateTime={scan.scanned_at}>{zone !== null && fmt.labelledDateTime(scan.scanned_at)}</time>
                    {places[scan.scan_id]?.label && (
                      <>
                        {" · "}
                        <a href={places[scan.scan_id]!.href}>{places[scan.scan_id]!.label}</a>
                      </>
                    )}
                  </p>
                  {scan.shared_back ? (
                    <p class="me__scan-shared">
                      <a href={`/conferences/${encodeURIComponent(slug)}/logbook`}>{t("me.sharedBack")}</a>
                    </p>
                  ) : (
                    <button type="button" class="button me__share-back" disabled={!online || busy !== null} onClick={() => void share(scan)}>
                      {busy === scan.scan_id ? t("me.sharingBack") : t("me.shareBack")}
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
          {nextPage !== null && rows.length < total && (
            <button type="button" class="button me__scans-more" disabled={!online || busy !== null} onClick={() => void more()}>
              {busy === "more" ? t("me.scansLoading") : t("me.scansMore", { count: Math.min(SCANS_PAGE, total - rows.length) })}
            </button>
          )}
        </>
      )}
      <p role="alert" class="me__error">
        {error !== null && !(rows === null && isNetwork(error)) ? errorMessage(error) : ""}
      </p>
    </section>
  );
}
