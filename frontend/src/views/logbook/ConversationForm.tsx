import "./logbook.css";

import { useEffect, useState } from "preact/hooks";
import { useRoute } from "preact-iso";

import { getDb, getOutbox } from "../../app/runtime";
import { conversationGet, failedList, photosOf, type BoardwalkDb, type ConversationFields, type ConversationRecord, type FailedWrite } from "../../db";
import { errorMessage } from "../../i18n/errors";
import { useTimeFormatter, useTranslation } from "../../i18n/hooks";
import { fromLocalInput, toLocalInput } from "./datetime";
import { loadDraft, type DraftPhoto } from "./draft";
import { checkConversation, conversationToSend, failedFor, isKnownTag, KNOWN_TAGS, newConversationFields, nowToMinute, uniqueTags } from "./entries";
import { ChoicePicker, described, EditorHeading, EntryLoader, Field, messagesFor, PairRows, PhotoPanel, serverErrors, useDraft, useEntryActions, type ShownPhoto } from "./parts";
import { downscale } from "./photos";
import { loadProgram, type ProgramLabels } from "./program";
import { useProgramLabels } from "./useLogbook";

interface Loaded {
  db: BoardwalkDb;
  program: ProgramLabels;
  id: string;
  /** Null: a new entry, not saved yet. */
  record: ConversationRecord | null;
  fields: ConversationFields;
  draftPhotos: DraftPhoto[];
  restored: boolean;
  failed: FailedWrite[];
}

async function load(slug: string, id: string | undefined, poster: string | undefined): Promise<Loaded | null> {
  const db = await getDb();
  const program = await loadProgram(db, slug);
  const failed = await failedList(db);
  if (id === undefined) {
    const draft = await loadDraft<ConversationFields>(db, "conversation", "new");
    const posterId = poster && /^\d+$/.test(poster) ? Number(poster) : null;
    return {
      db,
      program,
      id: draft?.id ?? crypto.randomUUID(),
      record: null,
      fields: newConversationFields(draft?.fields, posterId, nowToMinute()),
      draftPhotos: draft?.photos ?? [],
      restored: draft !== undefined,
      failed: [],
    };
  }
  const record = await conversationGet(db, id);
  if (!record || record.conf !== slug || record.deleted) return null;
  const draft = await loadDraft<ConversationFields>(db, "conversation", id);
  return {
    db,
    program,
    id,
    record,
    fields: draft?.fields ?? record.fields,
    draftPhotos: [],
    restored: draft !== undefined,
    failed: failedFor(failed, id),
  };
}

/** New or edit a poster conversation: `/conferences/:slug/logbook/conversations/new|:id`. */
export function ConversationForm() {
  const { params, query } = useRoute();
  const slug = params.slug ?? "";
  return (
    <EntryLoader
      slug={slug}
      load={() => load(slug, params.id, query.poster)}
      deps={[slug, params.id, query.poster]}
      editor={(loaded: Loaded) => <Editor key={loaded.id} slug={slug} loaded={loaded} />}
    />
  );
}

function Editor({ slug, loaded }: { slug: string; loaded: Loaded }) {
  const { t } = useTranslation();
  const { db, id, record } = loaded;
  const program = useProgramLabels(slug, loaded.program);
  const fmt = useTimeFormatter(program.timezone);
  const offsetAt = (at: Date) => fmt.offsetMinutes(at);
  const [fields, setFields] = useState(loaded.fields);
  const [draftPhotos, setDraftPhotos] = useState(loaded.draftPhotos);
  const [stored, setStored] = useState<ShownPhoto[]>([]);
  const [otherTags, setOtherTags] = useState(() => (loaded.fields.tags ?? []).filter((tag) => !isKnownTag(tag)).join(", "));
  const [photoBusy, setPhotoBusy] = useState(false);
  const [photoError, setPhotoError] = useState<string | null>(null);
  const draft = useDraft(db, "conversation", record ? id : "new", () => ({ id, fields, photos: draftPhotos }));
  const { problems, error, saving, ...actions } = useEntryActions({ slug, db, failed: loaded.failed, draft });
  const server = serverErrors(loaded.failed);
  const msgs = (field: string) => messagesFor(field, problems, server);

  async function reloadPhotos() {
    if (record) setStored((await photosOf(db, id)).map((p) => ({ id: p.id, blob: p.blob, uploaded: p.uploaded })));
  }
  useEffect(() => void reloadPhotos(), [id]);

  function update(patch: Partial<ConversationFields>) {
    setFields((prev) => ({ ...prev, ...patch }));
    draft.touch();
  }
  function toggleTag(tag: string, on: boolean) {
    const known = (fields.tags ?? []).filter((x) => isKnownTag(x) && x !== tag);
    const others = (fields.tags ?? []).filter((x) => !isKnownTag(x));
    update({ tags: uniqueTags([...known, ...(on ? [tag] : []), ...others]) });
  }

  function setOthers(text: string) {
    setOtherTags(text);
    const known = (fields.tags ?? []).filter(isKnownTag);
    update({ tags: uniqueTags([...known, ...text.split(",")]) });
  }

  async function addFiles(files: File[]) {
    setPhotoBusy(true);
    setPhotoError(null);
    try {
      const outbox = await getOutbox();
      for (const file of files) {
        const blob = await downscale(file);
        if (record) await outbox.addPhoto(slug, id, blob);
        else setDraftPhotos((prev) => [...prev, { id: crypto.randomUUID(), blob }]);
      }
      if (record) await reloadPhotos();
      else draft.touch();
    } catch (caught) {
      setPhotoError(t("logbook.photoFailed", { message: caught instanceof Error ? caught.message : String(caught) }));
    } finally {
      setPhotoBusy(false);
    }
  }

  async function removePhoto(photo: string) {
    if (record) {
      await (await getOutbox()).removePhoto(slug, id, photo);
      await reloadPhotos();
    } else {
      setDraftPhotos((prev) => prev.filter((p) => p.id !== photo));
      draft.touch();
    }
  }

  async function save(e: Event) {
    e.preventDefault();
    const toSend = conversationToSend(fields);
    await actions.save(checkConversation(toSend), async (outbox) => {
      await outbox.saveConversation(slug, id, toSend);
      // After the entry, so the upload never reaches the server before its conversation.
      for (const photo of draftPhotos) await outbox.addPhoto(slug, id, photo.blob, photo.id);
    });
  }

  const photos: ShownPhoto[] = record ? stored : draftPhotos.map((p) => ({ ...p, uploaded: false }));
  const qaRows = (fields.qa ?? []).map((p) => [p.question, p.answer] as [string, string]);
  const invalid = Object.keys(problems).length > 0;
  return (
    <section class="logbook-editor" aria-labelledby="conversation-title">
      <EditorHeading
        slug={slug}
        titleId="conversation-title"
        title={record ? t("logbook.conversation") : t("logbook.newConversation")}
        restored={loaded.restored}
        conflict={!!record?.conflict}
      />
      {loaded.failed.length > 0 && (
        <div class="notice notice--error failed-here" role="alert">
          <p>{t("logbook.refused")}</p>
          <ul>
            {loaded.failed.map((w) => (
              <li key={w.seq}>{Object.keys(w.errors ?? {}).length ? Object.values(w.errors).flat().join(" ") : w.detail}</li>
            ))}
          </ul>
        </div>
      )}
      <form class="form logbook-form" noValidate onSubmit={(e) => void save(e)}>
        <div aria-live="assertive">{invalid && <p class="field__errors">{t("logbook.fixErrors")}</p>}</div>
        <ChoicePicker
          id="conversation-poster"
          label={t("logbook.poster")}
          changeLabel={t("logbook.changePoster")}
          hint={t("logbook.findPoster")}
          choices={program.places.poster}
          value={fields.poster ?? null}
          onChange={(poster) => update({ poster })}
          messages={msgs("poster")}
        />
        {fields.poster == null && (
          <Field id="conversation-title-free" label={t("logbook.freeTitle")} messages={msgs("poster_title")}>
            <input
              id="conversation-title-free"
              type="text"
              maxLength={500}
              value={fields.poster_title}
              onInput={(e) => update({ poster_title: e.currentTarget.value })}
              {...described("conversation-title-free", msgs("poster_title"))}
            />
          </Field>
        )}
        <Field id="conversation-with" label={t("logbook.with")} messages={msgs("talked_to")}>
          <input
            id="conversation-with"
            type="text"
            maxLength={200}
            autocomplete="off"
            value={fields.talked_to}
            onInput={(e) => update({ talked_to: e.currentTarget.value })}
            {...described("conversation-with", msgs("talked_to"))}
          />
        </Field>
        <Field id="conversation-when" label={t("logbook.when")} hint={fmt.zoneLabel()} messages={msgs("talked_at")}>
          <input
            id="conversation-when"
            type="datetime-local"
            value={toLocalInput(fields.talked_at, offsetAt)}
            onInput={(e) => update({ talked_at: fromLocalInput(e.currentTarget.value, offsetAt) ?? "" })}
            {...described("conversation-when", msgs("talked_at"), true)}
          />
        </Field>
        <PairRows
          id="conversation-qa"
          legend={t("logbook.qaLegend")}
          rows={qaRows}
          labels={[t("logbook.question"), t("logbook.answer")]}
          multiline={[false, true]}
          addLabel={t("logbook.addQa")}
          removeLabel={(n) => t("logbook.removeQa", { n })}
          onChange={(rows) => update({ qa: rows.map(([question, answer]) => ({ question, answer })) })}
          messages={msgs("qa")}
        />
        <Field id="conversation-rating" label={t("logbook.rating")} messages={msgs("rating")}>
          <select
            id="conversation-rating"
            value={fields.rating == null ? "" : String(fields.rating)}
            onChange={(e) => update({ rating: e.currentTarget.value ? Number(e.currentTarget.value) : null })}
          >
            <option value="">{t("logbook.ratingNone")}</option>
            {[1, 2, 3, 4, 5].map((n) => (
              <option key={n} value={String(n)}>
                {t("logbook.ratingValue", { value: String(n) })}
              </option>
            ))}
          </select>
        </Field>
        <fieldset class="tags">
          <legend>{t("logbook.tags")}</legend>
          <div class="tags__known">
            {KNOWN_TAGS.map((tag) => (
              <label key={tag} class="tags__toggle">
                <input type="checkbox" checked={(fields.tags ?? []).includes(tag)} onChange={(e) => toggleTag(tag, e.currentTarget.checked)} />
                {t(`logbookTag.${tag}`)}
              </label>
            ))}
          </div>
          <Field id="conversation-tags" label={t("logbook.otherTags")} messages={msgs("tags")}>
            <input id="conversation-tags" type="text" value={otherTags} onInput={(e) => setOthers(e.currentTarget.value)} {...described("conversation-tags", msgs("tags"))} />
          </Field>
        </fieldset>
        <Field id="conversation-notes" label={t("logbook.notes")} messages={msgs("notes")}>
          <textarea id="conversation-notes" rows={4} value={fields.notes} onInput={(e) => update({ notes: e.currentTarget.value })} {...described("conversation-notes", msgs("notes"))} />
        </Field>
        <Field id="conversation-follow-up" label={t("logbook.followUp")} messages={msgs("follow_up")}>
          <textarea
            id="conversation-follow-up"
            rows={2}
            value={fields.follow_up}
            onInput={(e) => update({ follow_up: e.currentTarget.value })}
            {...described("conversation-follow-up", msgs("follow_up"))}
          />
        </Field>
        <label class="check">
          <input type="checkbox" checked={fields.follow_up_done} onChange={(e) => update({ follow_up_done: e.currentTarget.checked })} />
          {t("logbook.followUpDone")}
        </label>
        <PhotoPanel photos={photos} busy={photoBusy} error={photoError} onFiles={(files) => void addFiles(files)} onRemove={(p) => void removePhoto(p)} />
        {error !== null && (
          <p class="notice notice--error" role="alert">
            {errorMessage(error)}
          </p>
        )}
        <div class="form__actions">
          <button type="submit" class="button button--primary logbook-form__save" disabled={saving || photoBusy}>
            {t("logbook.save")}
          </button>
          <button type="button" class="button logbook-form__discard" onClick={() => void actions.discard()}>
            {record ? t("logbook.discard") : t("logbook.cancel")}
          </button>
          {record && (
            <button type="button" class="button button--danger logbook-form__delete" onClick={() => void actions.remove((outbox) => outbox.deleteConversation(slug, id))}>
              {t("logbook.delete")}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
