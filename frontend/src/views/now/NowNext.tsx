import { useEffect, useState } from "preact/hooks";
import { useRoute } from "preact-iso";

import { ApiError } from "../../api/client";
import { getDb, openConference } from "../../app/runtime";
import { bundleMetaGet, bundleRows, type BundleMeta } from "../../db";
import { errorMessage } from "../../i18n/errors";
import { useTimeFormatter, useTranslation } from "../../i18n/hooks";
import { nowAndNext, type NowAndNext, type Slot } from "./now-next";

type State =
  | { status: "loading" }
  | { status: "missing"; error: unknown }
  | { status: "ready"; meta: BundleMeta; slots: NowAndNext; rooms: Map<number, string>; error: unknown };

const REFRESH_MS = 60_000;

/** "Now & Next" for one conference, from IndexedDB; the program is refreshed when online. */
export function NowNext() {
  const { t } = useTranslation();
  const { params } = useRoute();
  const slug = params.slug ?? "";
  const [state, setState] = useState<State>({ status: "loading" });
  const [tick, setTick] = useState(() => Date.now());

  useEffect(() => {
    const timer = setInterval(() => setTick(Date.now()), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);

  useEffect(() => {
    let gone = false;
    async function show(error: unknown) {
      const db = await getDb();
      const meta = await bundleMetaGet(db, slug);
      if (gone) return;
      if (!meta) {
        setState({ status: "missing", error });
        return;
      }
      const [slots, rooms] = await Promise.all([nowAndNext(db, slug, new Date()), bundleRows(db, "rooms", slug)]);
      if (!gone) setState({ status: "ready", meta, slots, rooms: new Map(rooms.map((r) => [r.id, r.name])), error });
    }
    void (async () => {
      await show(null).catch(() => undefined);
      if (!navigator.onLine) {
        if (!gone) setState((s) => (s.status === "loading" ? { status: "missing", error: new ApiError("network", "offline") } : s));
        return;
      }
      try {
        await openConference(slug);
        await show(null);
      } catch (error) {
        await show(error).catch((e: unknown) => !gone && setState({ status: "missing", error: e }));
      }
    })();
    return () => {
      gone = true;
    };
  }, [slug, tick]);

  if (state.status === "loading") return <p class="notice">{t("app.loading")}</p>;
  if (state.status === "missing") return <Missing error={state.error} />;
  return <Ready slug={slug} meta={state.meta} slots={state.slots} rooms={state.rooms} error={state.error} />;
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

function Ready(props: { slug: string; meta: BundleMeta; slots: NowAndNext; rooms: Map<number, string>; error: unknown }) {
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
      <p class="now__conference">
        {meta.conference.name} · <a href="/?pick">{t("conferences.change")}</a>
      </p>
      <p class="zone">{fmt.zoneLabel()}</p>
      {props.error !== null && <p class="notice">{errorMessage(props.error)}</p>}
      {before && <p class="notice">{t("now.beforeConference", { date: fmt.dayLabel(meta.conference.start_date, "long") })}</p>}
      {after && <p class="notice">{t("now.afterConference")}</p>}
      <h2>{t("now.onNow")}</h2>
      {slots.now.length ? <ul class="slots">{slots.now.map((s) => item(s, false))}</ul> : <p class="muted">{t("now.nothingNow")}</p>}
      <h2>{t("now.next")}</h2>
      {slots.next.length ? <ul class="slots">{slots.next.map((s) => item(s, true))}</ul> : <p class="muted">{t("now.nothingNext")}</p>}
      <p class="now__updated">{t("network.lastUpdated", { time: fmt.labelledDateTime(meta.checkedAt) })}</p>
    </section>
  );
}
