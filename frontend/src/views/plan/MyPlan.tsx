import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { useRoute } from "preact-iso";

import { savePlanItem, unstar, usePlan, type PlanMap } from "../../app/plan";
import { getDb, useOnline, useProgramVersion, useRefreshState } from "../../app/runtime";
import { bundleMetaGet, type BundleMeta, type PlanFields, type PlanRecord } from "../../db";
import { useTimeFormatter, useTranslation } from "../../i18n/hooks";
import { ZoneSwitch } from "../../i18n/ZoneSwitch";
import type { TimeFormatter } from "../../i18n/time";
import { CalendarFeed } from "./CalendarFeed";
import { noteSaver } from "./note-saver";
import { conflictsByItem, overlaps } from "./conflicts";
import { detailPath, groupPlan, mayClash, planEntry, readProgram, readSeen, rememberSeen, type PlanEntry } from "./plan-items";
import "./plan.css";

const STATUSES = ["interested", "going", "must_see"] as const;
/** Reminder leads offered; "" is the attendee's default (null on the server). */
const REMINDERS = [5, 10, 15, 30, 60] as const;
/** How long typing may pause before the note is saved (each save is an outbox write). */
const NOTE_SAVE_MS = 600;

type Loaded = { status: "loading" } | { status: "missing" } | { status: "ready"; meta: BundleMeta; entries: PlanEntry[] };

/** My Plan: what I starred, by day, from IndexedDB (offline too), with conflicts marked. */
export function MyPlan() {
  const { t } = useTranslation();
  const { params } = useRoute();
  const slug = params.slug ?? "";
  const plan = usePlan(slug);
  const version = useProgramVersion(slug);
  const refresh = useRefreshState();
  const online = useOnline();
  const [loaded, setLoaded] = useState<Loaded>({ status: "loading" });

  // Re-read when my plan changes and when the refresher stored a new program version (a
  // moved or cancelled item shows at once, without a reload).
  useEffect(() => {
    if (plan === null || version == null) return; // 0 is a version
    let gone = false;
    void (async () => {
      const db = await getDb();
      const meta = await bundleMetaGet(db, slug);
      if (!meta) return;
      const records = [...plan.values()];
      const [program, seen] = await Promise.all([readProgram(db, slug, records), readSeen(db, slug)]);
      const entries = records.map((record) => planEntry(record, program, seen));
      await rememberSeen(db, slug, entries, seen);
      if (!gone) setLoaded({ status: "ready", meta, entries });
    })();
    return () => {
      gone = true;
    };
  }, [slug, plan, version]);

  // Nothing stored: offline there is nothing to wait for; online, wait for the refresher.
  const refreshedEmpty = refresh !== null && refresh.slug === slug && !refresh.syncing && refresh.version === null;
  const shown: Loaded = loaded.status === "loading" && version === null && (!online || refreshedEmpty) ? { status: "missing" } : loaded;
  if (shown.status === "loading") return <p class="notice">{t("app.loading")}</p>;
  if (shown.status === "missing")
    return (
      <section class="my-plan">
        <h1>{t("plan.title")}</h1>
        <p class="notice notice--error" role="alert">
          {t("network.neverUpdated")} <a href="/?pick">{t("conferences.change")}</a>
        </p>
      </section>
    );
  return <Ready slug={slug} meta={shown.meta} entries={shown.entries} plan={plan} />;
}

function Ready({ slug, meta, entries, plan }: { slug: string; meta: BundleMeta; entries: PlanEntry[]; plan: PlanMap | null }) {
  const { t } = useTranslation();
  const fmt = useTimeFormatter(meta.conference.timezone);
  const groups = useMemo(() => groupPlan(entries, fmt), [entries, fmt]);
  const found = useMemo(() => overlaps(entries.filter(mayClash)), [entries]);
  const marks = useMemo(() => conflictsByItem(found), [found]);
  const item = (entry: PlanEntry) => (
    <PlanItem key={entry.key} slug={slug} entry={entry} fmt={fmt} conflicts={marks.get(entry.key) ?? []} record={plan?.get(entry.key) ?? entry.record} />
  );

  return (
    <section class="my-plan" aria-labelledby="plan-title">
      <h1 id="plan-title">{t("plan.title")}</h1>
      <p class="page-conference">{meta.conference.name}</p>
      <p class="my-plan__summary" aria-live="polite">
        {t("myPlan.summary", { count: entries.length })} ·{" "}
        <span class={found.length ? "my-plan__conflicts" : ""}>
          {found.length ? t("plan.conflicts", { count: found.length }) : t("myPlan.noConflicts")}
        </span>
      </p>
      <p class="zone">{fmt.zoneLabel()}</p>
      <ZoneSwitch conferenceZone={meta.conference.timezone} />
      {entries.length === 0 && <p class="notice">{t("plan.empty")}</p>}
      {groups.days.map(({ day, items }) => (
        <section key={day} class="my-plan__day" aria-labelledby={`day-${day}`}>
          <h2 id={`day-${day}`}>{fmt.dayLabel(day, "long")}</h2>
          <ul class="plan-items">{items.map(item)}</ul>
        </section>
      ))}
      {groups.untimed.length > 0 && (
        <section class="my-plan__day" aria-labelledby="day-untimed">
          <h2 id="day-untimed">{t("myPlan.untimed")}</h2>
          <ul class="plan-items">{groups.untimed.map(item)}</ul>
        </section>
      )}
      {groups.removed.length > 0 && (
        <section class="my-plan__day" aria-labelledby="day-removed">
          <h2 id="day-removed">{t("myPlan.removedGroup")}</h2>
          <ul class="plan-items">{groups.removed.map(item)}</ul>
        </section>
      )}
      <CalendarFeed slug={slug} />
    </section>
  );
}

/** The fields a plan write carries (the record without its local bookkeeping). */
function fieldsOf(record: PlanRecord): PlanFields {
  const { conf: _conf, kind: _kind, target: _target, synced: _synced, updatedAt: _at, ...fields } = record;
  return fields;
}

interface ItemProps {
  slug: string;
  entry: PlanEntry;
  record: PlanRecord;
  fmt: TimeFormatter;
  conflicts: { other: PlanEntry; minutes: number }[];
}

function PlanItem({ slug, entry, record, fmt, conflicts }: ItemProps) {
  const { t } = useTranslation();
  // This screen's edits, kept here as typed and chosen: the record coming back through
  // usePlan lags each write, and building a write from it would undo the one before.
  const draft = useRef<PlanFields>(fieldsOf(record));
  const [shown, setShown] = useState<PlanFields>(draft.current);
  const id = `item-${entry.kind}-${entry.id}`;
  const title = entry.title ?? t("myPlan.untitled");

  function change(fields: Partial<PlanFields>) {
    draft.current = { ...draft.current, ...fields };
    setShown(draft.current);
  }

  const save = () => void savePlanItem(slug, entry.kind, entry.id, draft.current);
  // One saver for the item's life: the unmount flush below is a closure from the first render.
  const notes = useRef(noteSaver(save, NOTE_SAVE_MS)).current;

  function choose(fields: Partial<PlanFields>) {
    change(fields);
    notes.cancel(); // this save carries the note too
    save();
  }

  // A note still waiting when the item goes (route change) is saved, not lost.
  useEffect(() => () => notes.flush(), []);

  function remove() {
    notes.cancel();
    return unstar(slug, entry.kind, entry.id);
  }

  function typed(value: string) {
    change({ note: value });
    notes.typed();
  }

  const reminderLabel =
    shown.reminder_minutes === null || shown.reminder_minutes === undefined
      ? t("myPlan.reminderDefault")
      : shown.reminder_minutes === 0
        ? t("plan.reminderNone")
        : t("plan.reminderBefore", { count: shown.reminder_minutes });
  const removeButton = (
    <button type="button" class="button plan-item__remove" aria-label={`${t("plan.remove")}: ${title}`} onClick={() => void remove()}>
      {t("myPlan.removeItem")}
    </button>
  );
  const classes = ["plan-item", entry.cancelled && "plan-item--cancelled", entry.removed && "plan-item--removed", conflicts.length > 0 && "plan-item--conflict"];
  return (
    <li class={classes.filter(Boolean).join(" ")} data-key={entry.key} aria-labelledby={`${id}-title`}>
      <p class="plan-item__time">
        {entry.start && entry.end && !entry.removed ? <time dateTime={entry.start}>{fmt.range(entry.start, entry.end)}</time> : null}
        <span class="plan-item__kind">
          {entry.label?.kind === "session" ? t(`sessionKind.${entry.label.of}`) : entry.label?.kind === "meal" ? t(`mealKind.${entry.label.of}`) : t(`kind.${entry.kind}`)}
        </span>
        {!record.synced && <span class="plan-item__unsynced">{t("sync.unsyncedBadge")}</span>}
      </p>
      <p class="plan-item__title" id={`${id}-title`}>
        {entry.removed ? title : <a href={detailPath(slug, entry.kind, entry.id)}>{title}</a>}
      </p>
      {(entry.room || entry.board) && (
        <p class="plan-item__where">
          {[entry.room, entry.board ? t("item.board", { board: entry.board }) : null].filter(Boolean).join(" · ")}
        </p>
      )}
      {entry.cancelled && (
        <p class="plan-item__flag plan-item__flag--cancelled">
          <strong>{t("plan.cancelled")}</strong> {t("plan.cancelledHint")}
        </p>
      )}
      {entry.removed && (
        <p class="plan-item__flag plan-item__flag--removed">
          <strong>{t("myPlan.removed")}</strong> {t("myPlan.removedHint")}
        </p>
      )}
      {conflicts.length > 0 && (
        <ul class="plan-item__conflicts" aria-label={t("plan.conflict")}>
          {conflicts.map(({ other, minutes }) => (
            <li key={other.key}>{t("plan.conflictWith", { title: other.title ?? t("myPlan.untitled"), count: minutes })}</li>
          ))}
        </ul>
      )}
      {shown.note && <p class="plan-item__note-preview">{shown.note}</p>}
      {entry.removed ? (
        removeButton
      ) : (
        <details class="plan-item__edit">
          <summary>
            <span class={`plan-item__chip plan-item__chip--${shown.status ?? "interested"}`}>{t(`planStatus.${shown.status ?? "interested"}`)}</span>
            <span class="plan-item__reminder-label">{reminderLabel}</span>
            <span class="plan-item__edit-label">{t("myPlan.edit")}</span>
          </summary>
          <div class="plan-item__fields">
            <label class="plan-item__field">
              <span>{t("plan.status")}</span>
              <select class="plan-item__status" value={shown.status ?? "interested"} onChange={(e) => choose({ status: e.currentTarget.value as PlanFields["status"] })}>
                {STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {t(`planStatus.${s}`)}
                  </option>
                ))}
              </select>
            </label>
            <label class="plan-item__field">
              <span>{t("plan.reminder")}</span>
              <select
                class="plan-item__reminder"
                value={shown.reminder_minutes === null || shown.reminder_minutes === undefined ? "" : String(shown.reminder_minutes)}
                onChange={(e) => {
                  const value = e.currentTarget.value;
                  choose({ reminder_minutes: value === "" ? null : Number(value) });
                }}
              >
                <option value="">{t("myPlan.reminderDefault")}</option>
                {REMINDERS.map((m) => (
                  <option key={m} value={String(m)}>
                    {t("plan.reminderBefore", { count: m })}
                  </option>
                ))}
              </select>
            </label>
            <label class="plan-item__field plan-item__field--note">
              <span>{t("plan.note")}</span>
              <textarea class="plan-item__note" rows={2} maxLength={5000} value={shown.note ?? ""} onInput={(e) => typed(e.currentTarget.value)} onBlur={() => notes.flush()} />
            </label>
            {removeButton}
          </div>
        </details>
      )}
    </li>
  );
}
