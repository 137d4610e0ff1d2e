import { useEffect, useState } from "preact/hooks";
import { useRoute } from "preact-iso";

import { ApiError } from "../../api/client";
import { getDb, useOnline, useProgramVersion, useRefreshState } from "../../app/runtime";
import { bundleMetaGet, bundleRows, type BundleMeta } from "../../db";
import { errorMessage } from "../../i18n/errors";
import { useTimeFormatter, useTranslation } from "../../i18n/hooks";
import { nowAndNext, type NowAndNext, type Slot } from "./now-next";

interface Shown {
  meta: BundleMeta;
  slots: NowAndNext;
  rooms: Map<number, string>;
}

const TICK_MS = 60_000;

/**
 * "Now & Next" for one conference, from IndexedDB. The shell's refresher keeps the program
 * current; this view re-reads it when the stored version changes (a delta moved something)
 * and every minute (what is "now" moves on).
 */
export function NowNext() {
  const { params } = useRoute();
  const slug = params.slug ?? "";
  const version = useProgramVersion(slug);
  const refresh = useRefreshState();
  const online = useOnline();
  const [shown, setShown] = useState<Shown | null>(null);
  const [tick, setTick] = useState(() => Date.now());

  useEffect(() => {
    const timer = setInterval(() => setTick(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, []);

  useEffect(() => {
    let gone = false;
    if (version === undefined || version === null) {
      setShown(null);
      return;
    }
    void (async () => {
      const db = await getDb();
      const meta = await bundleMetaGet(db, slug);
      if (!meta) return;
      const [slots, rooms] = await Promise.all([nowAndNext(db, slug, new Date()), bundleRows(db, "rooms", slug)]);
      if (!gone) setShown({ meta, slots, rooms: new Map(rooms.map((r) => [r.id, r.name])) });
    })();
    return () => {
      gone = true;
    };
  }, [slug, tick, version]);

  const { t } = useTranslation();
  if (shown) return <Ready {...shown} />;
  // Nothing stored: offline there is nothing to wait for; online, wait for the refresher's
  // run for this conference, then say what it could not do.
  const refreshed = refresh !== null && refresh.slug === slug && !refresh.syncing && refresh.version === null;
  if (version === null && !online) return <Missing error={new ApiError("network", "offline")} />;
  if (version === null && refreshed) return <Missing error={refresh.error} />;
  return <p class="notice">{t("app.loading")}</p>;
}

function Missing({ error }: { error: unknown }) {
  const { t } = useTranslation();
  return (
    <section class="now">
      <h1>{t("now.title")}</h1>
      <div class="notice notice--error" role="alert">
        <p>{t("network.neverUpdated")}</p>
        {error !== null && <p>{errorMessage(error)}</p>}
        <a href="/?pick">{t("conferences.change")}</a>
      </div>
    </section>
  );
}

function Ready(props: Shown) {
  const { t } = useTranslation();
  const { meta, slots, rooms } = props;
  const fmt = useTimeFormatter(meta.conference.timezone);
  const today = fmt.calendarDay(new Date());
  const before = today < meta.conference.start_date;
  const after = today > meta.conference.end_date;

  const item = (slot: Slot, soon: boolean) => (
    <li key={`${slot.type}-${slot.id}`} class={`slot slot--${slot.type}`}>
      <p class="slot__time">
        <time dateTime={slot.start}>{fmt.range(slot.start, slot.end)}</time>{" "}
        <span class="slot__relative">
          {soon ? t("now.startsIn", { relative: fmt.relative(slot.start) }) : t("now.endsIn", { relative: fmt.relative(slot.end) })}
        </span>
      </p>
      <p class="slot__title">{slot.title}</p>
      <p class="slot__meta">
        {slot.type === "meal" ? t(`mealKind.${slot.kind}`) : t(`sessionKind.${slot.kind}`)}
        {slot.room !== undefined && rooms.get(slot.room) ? ` · ${rooms.get(slot.room)}` : ""}
      </p>
    </li>
  );

  return (
    <section class="now" aria-labelledby="now-title">
      <h1 id="now-title">{t("now.title")}</h1>
      <p class="page-conference">
        {meta.conference.name} · <a href="/?pick">{t("conferences.change")}</a> ·{" "}
        <a class="now__map" href={`/conferences/${encodeURIComponent(meta.conf)}/map`}>
          {t("map.title")}
        </a>
      </p>
      <p class="zone">{fmt.zoneLabel()}</p>
      {before && <p class="notice">{t("now.beforeConference", { date: fmt.dayLabel(meta.conference.start_date, "long") })}</p>}
      {after && <p class="notice">{t("now.afterConference")}</p>}
      <h2>{t("now.onNow")}</h2>
      {slots.now.length ? <ul class="slots">{slots.now.map((s) => item(s, false))}</ul> : <p class="muted">{t("now.nothingNow")}</p>}
      <h2>{t("now.next")}</h2>
      {slots.next.length ? <ul class="slots">{slots.next.map((s) => item(s, true))}</ul> : <p class="muted">{t("now.nothingNext")}</p>}
    </section>
  );
}
