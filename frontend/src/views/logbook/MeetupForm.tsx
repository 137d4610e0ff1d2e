import "./logbook.css";

import { useEffect, useState } from "preact/hooks";
import { useRoute } from "preact-iso";

import { getDb, getOutbox } from "../../app/runtime";
import { failedList, meetupGet, metaGet, type BoardwalkDb, type FailedWrite, type MeetupFields, type MeetupRecord } from "../../db";
import { scannedKey } from "../../sync/outbox";
import { errorMessage } from "../../i18n/errors";
import { useTimeFormatter, useTranslation } from "../../i18n/hooks";
import { fromLocalInput, toLocalInput } from "./datetime";
import { loadDraft } from "./draft";
import { checkMeetup, emptyMeetup, failedFor, MEETUP_PLACES, nowToMinute, placeOf, withPlace, type MeetupPlace } from "./entries";
import { ChoicePicker, described, EditorHeading, EntryLoader, Field, messagesFor, PairRows, serverErrors, useDraft, useEntryActions } from "./parts";
import { loadProgram, type ProgramLabels } from "./program";
import { useProgramLabels } from "./useLogbook";

interface Loaded {
  db: BoardwalkDb;
  program: ProgramLabels;
  id: string;
  record: MeetupRecord | null;
  fields: MeetupFields;
  restored: boolean;
  failed: FailedWrite[];
}

async function load(slug: string, id: string | undefined): Promise<Loaded | null> {
  const db = await getDb();
  const program = await loadProgram(db, slug);
  if (id === undefined) {
    const draft = await loadDraft<MeetupFields>(db, "meetup", "new");
    return {
      db,
      program,
      id: draft?.id ?? crypto.randomUUID(),
      record: null,
      fields: draft?.fields ?? emptyMeetup(nowToMinute()),
      restored: draft !== undefined,
      failed: [],
    };
  }
  let record = await meetupGet(db, id);
  if (!record) {
    // A scan the server answered with an earlier meetup of the same badge: that one.
    const earlier = await metaGet<string>(db, scannedKey(id));
    if (earlier) {
      record = await meetupGet(db, earlier);
      id = earlier;
    }
  }
  if (!record || record.conf !== slug || record.deleted) return null;
  const draft = await loadDraft<MeetupFields>(db, "meetup", id);
  let fields = draft?.fields ?? record.fields;
  if (draft && record.scan === undefined && fields.other == null && record.fields.other != null) {
    // Typed while the scan was unsynced: who it is comes from the server's answer.
    const { other, contact_name, contact_affiliation, contact_email = "", contact_details = {} } = record.fields;
    fields = { ...fields, other, contact_name, contact_affiliation, contact_email, contact_details };
  }
  return { db, program, id, record, fields, restored: draft !== undefined, failed: failedFor(await failedList(db), id) };
}

/** New or edit a meetup: `/conferences/:slug/logbook/meetups/new|:id`. */
/**
 * Goes up when the badge scan that made meetup `id` is answered (who it is is now known, or
 * it was an earlier meetup, or it was refused), so that an open form shows the server's entry.
 */
function useScanAnswered(id: string | undefined): number {
  const [answered, setAnswered] = useState(0);
  useEffect(() => {
    if (id === undefined) return;
    let gone = false;
    let stop: (() => void) | null = null;
    void (async () => {
      const db = await getDb();
      let waiting = (await meetupGet(db, id))?.scan !== undefined;
      if (!waiting || gone) return;
      const outbox = await getOutbox();
      if (gone) return;
      stop = outbox.subscribe(() => {
        void meetupGet(db, id).then((record) => {
          if (gone || !waiting || record?.scan !== undefined) return;
          waiting = false;
          setAnswered((n) => n + 1);
        });
      });
    })();
    return () => {
      gone = true;
      stop?.();
    };
  }, [id]);
  return answered;
}

export function MeetupForm() {
  const { params, query } = useRoute();
  const slug = params.slug ?? "";
  const answered = useScanAnswered(params.id);
  return (
    <EntryLoader
      slug={slug}
      load={() => load(slug, params.id)}
      deps={[slug, params.id, answered]}
      editor={(loaded: Loaded) => <Editor key={`${loaded.id}:${loaded.record?.scan !== undefined}`} slug={slug} loaded={loaded} again={query.again === "1"} />}
    />
  );
}

function Editor({ slug, loaded, again }: { slug: string; loaded: Loaded; again: boolean }) {
  const { t } = useTranslation();
  const { db, id, record } = loaded;
  const program = useProgramLabels(slug, loaded.program);
  const fmt = useTimeFormatter(program.timezone);
  const offsetAt = (at: Date) => fmt.offsetMinutes(at);
  const [fields, setFields] = useState(loaded.fields);
  const [detailRows, setDetailRows] = useState(() => Object.entries(loaded.fields.contact_details ?? {}) as [string, string][]);
  const [placeKind, setPlaceKind] = useState<MeetupPlace | "">(() => placeOf(loaded.fields)?.kind ?? "");
  const draft = useDraft(db, "meetup", record ? id : "new", () => ({ id, fields, photos: [] }));
  const { problems, error, saving, ...actions } = useEntryActions({ slug, db, failed: loaded.failed, draft });
  const server = serverErrors(loaded.failed);
  const msgs = (field: string) => messagesFor(field, problems, server);
  const place = placeOf(fields);
  // Scanned, not yet synced: who it is comes from the server; what the scan carries (when,
  // where, notes) can still change, the rest once it is known.
  const scanned = record?.scan !== undefined;

  function update(patch: Partial<MeetupFields>) {
    setFields((prev) => ({ ...prev, ...patch }));
    draft.touch();
  }

  function choosePlaceKind(kind: MeetupPlace | "") {
    setPlaceKind(kind);
    setFields((prev) => withPlace(prev, null));
    draft.touch();
  }

  async function save(e: Event) {
    e.preventDefault();
    const problems = checkMeetup(fields);
    if (scanned) delete problems.contact_name; // named by the badge
    await actions.save(problems, (outbox) =>
      outbox.saveMeetup(slug, id, { ...fields, contact_name: fields.contact_name.trim(), contact_email: fields.contact_email?.trim() ?? "" }),
    );
  }

  function setDetails(rows: [string, string][]) {
    // The rows as typed stay on screen; the entry keeps those with a name (the server's keys).
    setDetailRows(rows);
    update({ contact_details: Object.fromEntries(rows.filter(([name]) => name.trim()).map(([name, value]) => [name.trim(), value])) });
  }

  const invalid = Object.keys(problems).length > 0;
  const text = (field: "contact_name" | "contact_affiliation", max: number) => (
    <Field id={`meetup-${field}`} label={t(field === "contact_name" ? "logbook.contactName" : "logbook.contactAffiliation")} messages={msgs(field)}>
      <input
        id={`meetup-${field}`}
        type="text"
        maxLength={max}
        value={fields[field]}
        onInput={(e) => update({ [field]: e.currentTarget.value })}
        {...described(`meetup-${field}`, msgs(field))}
      />
    </Field>
  );
  return (
    <section class="logbook-editor" aria-labelledby="meetup-title">
      <EditorHeading
        slug={slug}
        titleId="meetup-title"
        title={record ? t("logbook.meetup") : t("logbook.newMeetup")}
        restored={loaded.restored}
        conflict={!!record?.conflict}
      />
      {loaded.failed.length > 0 && (
        <p class="notice notice--error failed-here" role="alert">
          {t("logbook.refused")}
        </p>
      )}
      <form class="form logbook-form" noValidate onSubmit={(e) => void save(e)}>
        <div aria-live="assertive">{invalid && <p class="field__errors">{t("logbook.fixErrors")}</p>}</div>
        <p class="muted">
          {t("logbook.source")}: {t(`meetupSource.${fields.source}`)}
          {fields.other != null && ` · ${t("logbook.attendee", { name: record?.server?.contact_name || `#${fields.other}` })}`}
        </p>
        {again && <p class="notice meetup-scan-again">{t("scan.again")}</p>}
        {scanned ? (
          <p class="notice meetup-scan-pending" role="status">
            {t("scan.whoLater")}
          </p>
        ) : (
          <>
        {text("contact_name", 200)}
        {text("contact_affiliation", 300)}
        <Field id="meetup-email" label={t("logbook.contactEmail")} messages={msgs("contact_email")}>
          <input
            id="meetup-email"
            type="email"
            autocomplete="off"
            maxLength={254}
            value={fields.contact_email ?? ""}
            onInput={(e) => update({ contact_email: e.currentTarget.value })}
            {...described("meetup-email", msgs("contact_email"))}
          />
        </Field>
        <PairRows
          id="meetup-details"
          legend={t("logbook.contactDetails")}
          rows={detailRows}
          labels={[t("logbook.detailName"), t("logbook.detailValue")]}
          multiline={[false, false]}
          addLabel={t("logbook.addDetail")}
          removeLabel={(n) => t("logbook.removeDetail", { n })}
          onChange={setDetails}
          messages={msgs("contact_details")}
        />
          </>
        )}
        <Field id="meetup-when" label={t("logbook.metWhen")} hint={fmt.zoneLabel()} messages={msgs("met_at")}>
          <input
            id="meetup-when"
            type="datetime-local"
            value={toLocalInput(fields.met_at, offsetAt)}
            onInput={(e) => update({ met_at: fromLocalInput(e.currentTarget.value, offsetAt) ?? "" })}
            {...described("meetup-when", msgs("met_at"), true)}
          />
        </Field>
        <fieldset class="place">
          <legend>{t("logbook.place")}</legend>
          <Field id="meetup-place-kind" label={t("logbook.placeKind")} messages={msgs("place")}>
            <select id="meetup-place-kind" value={placeKind} onChange={(e) => choosePlaceKind(e.currentTarget.value as MeetupPlace | "")}>
              <option value="">{t("logbook.placeNone")}</option>
              {MEETUP_PLACES.map((kind) => (
                <option key={kind} value={kind}>
                  {t(`kind.${kind}`)}
                </option>
              ))}
            </select>
          </Field>
          {placeKind && (
            <ChoicePicker
              id="meetup-place"
              label={t("logbook.findPlace")}
              changeLabel={t("logbook.changePlace")}
              choices={program.places[placeKind]}
              value={place?.kind === placeKind ? place.id : null}
              onChange={(chosen) => {
                setFields((prev) => withPlace(prev, chosen === null ? null : { kind: placeKind, id: chosen }));
                draft.touch();
              }}
              messages={msgs(placeKind)}
            />
          )}
        </fieldset>
        <Field id="meetup-notes" label={t("logbook.notes")} messages={msgs("notes")}>
          <textarea id="meetup-notes" rows={4} value={fields.notes} onInput={(e) => update({ notes: e.currentTarget.value })} {...described("meetup-notes", msgs("notes"))} />
        </Field>
        {!scanned && (
          <>
            <Field id="meetup-follow-up" label={t("logbook.followUp")} messages={msgs("follow_up")}>
              <textarea id="meetup-follow-up" rows={2} value={fields.follow_up} onInput={(e) => update({ follow_up: e.currentTarget.value })} {...described("meetup-follow-up", msgs("follow_up"))} />
            </Field>
            <label class="check">
              <input type="checkbox" checked={fields.follow_up_done} onChange={(e) => update({ follow_up_done: e.currentTarget.checked })} />
              {t("logbook.followUpDone")}
            </label>
          </>
        )}
        {error !== null && (
          <p class="notice notice--error" role="alert">
            {errorMessage(error)}
          </p>
        )}
        <div class="form__actions">
          <button type="submit" class="button button--primary logbook-form__save" disabled={saving}>
            {t("logbook.save")}
          </button>
          <button type="button" class="button logbook-form__discard" onClick={() => void actions.discard()}>
            {record ? t("logbook.discard") : t("logbook.cancel")}
          </button>
          {record && (
            <button type="button" class="button button--danger logbook-form__delete" onClick={() => void actions.remove((outbox) => outbox.deleteMeetup(slug, id))}>
              {t("logbook.delete")}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
