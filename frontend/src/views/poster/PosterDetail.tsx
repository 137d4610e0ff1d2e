import { useEffect, useState } from "preact/hooks";
import { useRoute } from "preact-iso";

import { getDb } from "../../app/runtime";
import { bundleMetaGet, bundleRow, type BundleMeta, type BundleRows, type Stored } from "../../db";
import { useTimeFormatter, useTranslation } from "../../i18n/hooks";

interface Found {
  meta: BundleMeta;
  poster: Stored<BundleRows["posters"]>;
  paper: Stored<BundleRows["papers"]> | undefined;
  session: Stored<BundleRows["sessions"]> | undefined;
  authors: string[];
}

/** One poster, from the stored program. */
export function PosterDetail() {
  const { t } = useTranslation();
  const { params } = useRoute();
  const slug = params.slug ?? "";
  const id = Number(params.id);
  const [found, setFound] = useState<Found | null | undefined>(undefined);

  useEffect(() => {
    let gone = false;
    void (async () => {
      const db = await getDb();
      const [meta, poster] = await Promise.all([bundleMetaGet(db, slug), Number.isInteger(id) ? bundleRow(db, "posters", slug, id) : undefined]);
      if (!meta || !poster) return !gone && setFound(null);
      const paper = poster.paper === undefined ? undefined : await bundleRow(db, "papers", slug, poster.paper);
      const session = await bundleRow(db, "sessions", slug, poster.session);
      const people = await Promise.all((paper?.authors ?? []).map((p) => bundleRow(db, "people", slug, p)));
      if (!gone) setFound({ meta, poster, paper, session, authors: people.flatMap((p) => (p ? [p.name] : [])) });
    })();
    return () => {
      gone = true;
    };
  }, [slug, id]);

  if (found === undefined) return <p class="notice">{t("app.loading")}</p>;
  if (found === null)
    return (
      <p class="notice notice--error" role="alert">
        {t("errors.notFound")} <a href={`/conferences/${encodeURIComponent(slug)}/`}>{t("app.back")}</a>
      </p>
    );
  return <Poster found={found} slug={slug} />;
}

function Poster({ found, slug }: { found: Found; slug: string }) {
  const { t } = useTranslation();
  const fmt = useTimeFormatter(found.meta.conference.timezone);
  const { poster, paper, session } = found;
  return (
    <article class="poster">
      <p>
        <a href={`/conferences/${encodeURIComponent(slug)}/`}>{t("app.back")}</a>
      </p>
      <h1>{paper?.title ?? poster.title ?? t("kind.poster")}</h1>
      <p class="poster__board">{t("item.board", { board: poster.board })}</p>
      {poster.cancelled && <p class="notice">{t("item.cancelled")}</p>}
      {found.authors.length > 0 && <p class="poster__authors">{found.authors.join(", ")}</p>}
      {session && (
        <p class="poster__session">
          {session.title} · {fmt.labelledRange(session.start, session.end)}
        </p>
      )}
      {paper?.abstract && (
        <>
          <h2>{t("item.abstract")}</h2>
          <p class="poster__abstract">{paper.abstract}</p>
        </>
      )}
    </article>
  );
}
