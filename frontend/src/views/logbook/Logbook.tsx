import "./logbook.css";

import { useState } from "preact/hooks";
import { useRoute } from "preact-iso";

import { getDb, getOutbox, useOnline, useOutboxState } from "../../app/runtime";
import { failedDismiss, type ConflictRecord, type ConversationRecord, type FailedWrite, type MeetupRecord } from "../../db";
import { t as translate } from "../../i18n";
import { errorMessage } from "../../i18n/errors";
import { useTimeFormatter, useTranslation } from "../../i18n/hooks";
import type { TimeFormatter } from "../../i18n/time";
import { canKeepMine, keepMine, takeTheirs } from "../../sync/conflicts";
import type { Outbox, OutboxState } from "../../sync/outbox";
import { compareConflict, failedMessages, newestFirst } from "./entries";
import { conversationTitle, entryTitle, fieldLabel, fieldText, meetupTitle, tagLabel } from "./format";
import { useLogbook, type LogbookData } from "./useLogbook";

export const logbookPath = (slug: string, rest = ""): string => `/conferences/${encodeURIComponent(slug)}/logbook${rest}`;

/** The logbook: sync status, conflicts and refused writes first, then conversations and meetups. */
export function Logbook() {
  const { t } = useTranslation();
  const { params } = useRoute();
  const slug = params.slug ?? "";
  const data = useLogbook(slug);
  const [state, outbox] = useOutboxState();
  if (!data) return <p class="notice">{t("app.loading")}</p>;
  return <Ready slug={slug} data={data} state={state} outbox={outbox} />;
}

function Ready({ slug, data, state, outbox }: { slug: string; data: LogbookData; state: OutboxState | null; outbox: Outbox | null }) {
  const { t } = useTranslation();
  const fmt = useTimeFormatter(data.program.timezone);
  const conversations = newestFirst(data.conversations, (c) => c.fields.talked_at);
  const meetups = newestFirst(data.meetups, (m) => m.fields.met_at);
  return (
    <section class="logbook" aria-labelledby="logbook-title">
      <h1 id="logbook-title">{t("logbook.title")}</h1>
      {data.program.name && (
        <p class="page-conference">{data.program.name}</p>
      )}
      <SyncPanel state={state} outbox={outbox} fmt={fmt} />
      {outbox && data.conflicts.map((c) => <ConflictCard key={c.entity} conflict={c} data={data} fmt={fmt} outbox={outbox} />)}
      {data.failed.length > 0 && <FailedList slug={slug} data={data} />}
      <div class="logbook__new">
        <a class="button button--primary" href={logbookPath(slug, "/conversations/new")}>
          {t("logbook.newConversation")}
        </a>
        <a class="button" href={logbookPath(slug, "/meetups/new")}>
          {t("logbook.newMeetup")}
        </a>
      </div>
      <p class="zone">{fmt.zoneLabel()}</p>
      <h2 id="logbook-conversations">{t("logbook.conversations")}</h2>
      {conversations.length ? (
        <ul class="entries" aria-labelledby="logbook-conversations">
          {conversations.map((c) => (
            <ConversationItem key={c.id} slug={slug} entry={c} data={data} fmt={fmt} />
          ))}
        </ul>
      ) : (
        <p class="muted">{t("logbook.empty")}</p>
      )}
      <h2 id="logbook-meetups">{t("logbook.meetups")}</h2>
      {meetups.length ? (
        <ul class="entries" aria-labelledby="logbook-meetups">
          {meetups.map((m) => (
            <MeetupItem key={m.id} slug={slug} entry={m} data={data} fmt={fmt} />
          ))}
        </ul>
      ) : (
        <p class="muted">{t("logbook.empty")}</p>
      )}
    </section>
  );
}

/** The unsynced count, why sync stopped, and "Sync now" — announced as it changes. */
function SyncPanel({ state, outbox, fmt }: { state: OutboxState | null; outbox: Outbox | null; fmt: TimeFormatter }) {
  const { t } = useTranslation();
  const online = useOnline();
  const [error, setError] = useState<unknown>(null);
  const pending = state?.pending ?? 0;
  async function syncNow() {
    setError(null);
    try {
      await outbox?.replay({ force: true });
    } catch (caught) {
      setError(caught);
    }
  }
  return (
    <div class="sync-panel" role="status" aria-live="polite">
      <p class="sync-panel__count" data-pending={pending}>
        {pending ? t("sync.unsynced", { count: pending }) : t("sync.allSynced")}
      </p>
      {(state?.failed ?? 0) > 0 && <p class="sync-panel__problem">{t("logbook.failedCount", { count: state!.failed })}</p>}
      {(state?.conflicts ?? 0) > 0 && <p class="sync-panel__problem">{t("logbook.conflictCount", { count: state!.conflicts })}</p>}
      {pending > 0 && state?.stopped === "network" && <p class="muted">{t("logbook.stoppedNetwork")}</p>}
      {pending > 0 && state?.stopped === "server" && state.retryAt !== null && (
        <p class="muted">{t("logbook.stoppedServer", { time: fmt.labelledTime(new Date(state.retryAt)) })}</p>
      )}
      {pending > 0 && state?.stopped === "auth" && (
        <p class="muted">
          {t("logbook.stoppedAuth")} <a href="/signin">{t("auth.signIn")}</a>
        </p>
      )}
      {error !== null && <p class="sync-panel__problem">{errorMessage(error)}</p>}
      <button type="button" class="button button--primary sync-panel__now" disabled={!online || !outbox || state?.replaying} onClick={() => void syncNow()}>
        {state?.replaying ? t("sync.syncing") : t("sync.syncNow")}
      </button>
    </div>
  );
}

function Marks({ synced, conflict }: { synced: boolean; conflict: boolean }) {
  const { t } = useTranslation();
  return (
    <>
      {!synced && !conflict && <span class="mark mark--unsynced">{t("sync.unsyncedBadge")}</span>}
      {conflict && <span class="mark mark--conflict">{t("logbook.conflictBadge")}</span>}
    </>
  );
}

function ConversationItem({ slug, entry, data, fmt }: { slug: string; entry: ConversationRecord; data: LogbookData; fmt: TimeFormatter }) {
  const { t } = useTranslation();
  const f = entry.fields;
  const photos = data.photoCounts.get(entry.id) ?? 0;
  return (
    <li class="entry" data-id={entry.id}>
      <a class="entry__link" href={logbookPath(slug, `/conversations/${entry.id}`)}>
        <span class="entry__title">{conversationTitle(f, data.program)}</span>
        <span class="entry__meta">
          <time dateTime={f.talked_at}>{fmt.dayLabel(fmt.calendarDay(f.talked_at))} {fmt.time(f.talked_at)}</time>
          {f.talked_to && ` · ${f.talked_to}`}
        </span>
        <span class="entry__details">
          {f.rating != null && <span class="entry__rating">{t("logbook.ratingValue", { value: String(f.rating) })}</span>}
          {photos > 0 && <span class="entry__photos">{t("logbook.photoCount", { count: photos })}</span>}
          {(f.tags ?? []).map((tag) => (
            <span key={tag} class="tag">
              {tagLabel(tag)}
            </span>
          ))}
          <Marks synced={entry.synced} conflict={entry.conflict} />
        </span>
      </a>
    </li>
  );
}

function MeetupItem({ slug, entry, data, fmt }: { slug: string; entry: MeetupRecord; data: LogbookData; fmt: TimeFormatter }) {
  const f = entry.fields;
  const place = (["session", "oral", "poster", "booth", "meal"] as const).find((k) => f[k] != null);
  return (
    <li class="entry" data-id={entry.id}>
      <a class="entry__link" href={logbookPath(slug, `/meetups/${entry.id}`)}>
        <span class="entry__title">{meetupTitle(entry)}</span>
        <span class="entry__meta">
          <time dateTime={f.met_at}>{fmt.dayLabel(fmt.calendarDay(f.met_at))} {fmt.time(f.met_at)}</time>
          {f.contact_affiliation && ` · ${f.contact_affiliation}`}
        </span>
        <span class="entry__details">
          {place && <span class="entry__place">{fieldText(place, f[place], fmt, data.program)}</span>}
          <Marks synced={entry.synced} conflict={entry.conflict} />
        </span>
      </a>
    </li>
  );
}

/** Mine and theirs side by side, the differing fields only; keep mine or take theirs. */
function ConflictCard({ conflict, data, fmt, outbox }: { conflict: ConflictRecord; data: LogbookData; fmt: TimeFormatter; outbox: Outbox }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const rows = compareConflict(conflict);
  const differing = rows.filter((r) => r.differs);
  const records: (ConversationRecord | MeetupRecord)[] = conflict.type === "conversation" ? data.conversations : data.meetups;
  const title = entryTitle(conflict.type, records.find((r) => r.id === conflict.entity), data.program);
  async function choose(action: typeof keepMine) {
    setBusy(true);
    setError(null);
    try {
      await action(outbox, conflict.entity);
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  }
  const empty = (mineSide: boolean) => (mineSide ? (conflict.mine === null ? t("logbook.deletedHere") : "—") : conflict.theirs === null ? t("logbook.goneThere") : "—");
  return (
    <article class="conflict" data-entity={conflict.entity} aria-labelledby={`conflict-${conflict.entity}`}>
      <h2 id={`conflict-${conflict.entity}`}>{t("sync.conflictTitle")}</h2>
      <p class="conflict__entry">
        {t(`logbook.${conflict.type}`)}: <strong>{title}</strong>
      </p>
      <p class="muted">{t("sync.conflictHint")}</p>
      <table class="conflict__table">
        <thead>
          <tr>
            <th scope="col">{t("logbook.field")}</th>
            <th scope="col">{t("sync.mine")}</th>
            <th scope="col">{t("sync.theirs")}</th>
          </tr>
        </thead>
        <tbody>
          {differing.map((row) => (
            <tr key={row.field} data-field={row.field}>
              <th scope="row">{fieldLabel(row.field)}</th>
              <td class="conflict__mine">{fieldText(row.field, row.mine, fmt, data.program) || empty(true)}</td>
              <td class="conflict__theirs">{fieldText(row.field, row.theirs, fmt, data.program) || empty(false)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length > differing.length && <p class="muted">{t("logbook.sameFields", { count: rows.length - differing.length })}</p>}
      {error !== null && (
        <p class="notice notice--error" role="alert">
          {errorMessage(error)}
        </p>
      )}
      <div class="conflict__actions">
        {canKeepMine(conflict) && (
          <button type="button" class="button button--primary conflict__keep-mine" disabled={busy} onClick={() => void choose(keepMine)}>
            {t("sync.keepMine")}
          </button>
        )}
        <button type="button" class="button conflict__take-theirs" disabled={busy} onClick={() => void choose(takeTheirs)}>
          {t("sync.keepTheirs")}
        </button>
      </div>
    </article>
  );
}

/** Writes the server refused (4xx): the entry, its messages, edit and retry, or dismiss. */
function FailedList({ slug, data }: { slug: string; data: LogbookData }) {
  const { t } = useTranslation();
  return (
    <section class="failed" aria-labelledby="failed-title">
      <h2 id="failed-title">{t("logbook.failedTitle")}</h2>
      <p class="muted">{t("logbook.failedHint")}</p>
      <ul class="failed__list">
        {data.failed.map((write) => (
          <FailedItem key={write.seq} slug={slug} write={write} data={data} />
        ))}
      </ul>
    </section>
  );
}

/** What a refused write was about, and where to fix it (logbook entries only). */
function failedEntry(write: FailedWrite, data: LogbookData): { title: string; href: string | null } {
  const t = translate;
  if (write.kind === "conversation" || write.kind === "meetup") {
    const records: (ConversationRecord | MeetupRecord)[] = write.kind === "conversation" ? data.conversations : data.meetups;
    const path = `/${write.kind}s/${write.entity}`;
    return { title: `${t(`logbook.${write.kind}`)}: ${entryTitle(write.kind, records.find((r) => r.id === write.entity), data.program)}`, href: path };
  }
  if (write.kind === "photo") return { title: t("logbook.failedPhoto"), href: null };
  if (write.kind === "scan") return { title: t("scan.failedScan"), href: null };
  return { title: t("logbook.failedPlan"), href: null };
}

function FailedItem({ slug, write, data }: { slug: string; write: FailedWrite; data: LogbookData }) {
  const { t } = useTranslation();
  const { title, href } = failedEntry(write, data);
  async function dismiss() {
    await failedDismiss(await getDb(), write.seq);
    await (await getOutbox()).refresh();
  }
  return (
    <li class="failed__item" data-entity={write.entity}>
      <p class="failed__entry">{title}</p>
      <ul class="failed__messages">
        {failedMessages(write).map(({ field, message }, i) => (
          <li key={i}>
            {field ? `${fieldLabel(field)}: ` : ""}
            {message}
          </li>
        ))}
      </ul>
      <div class="failed__actions">
        {href && (
          <a class="button button--primary failed__retry" href={logbookPath(slug, href)}>
            {t("logbook.editRetry")}
          </a>
        )}
        <button type="button" class="button failed__dismiss" onClick={() => void dismiss()}>
          {t("logbook.dismiss")}
        </button>
      </div>
    </li>
  );
}
