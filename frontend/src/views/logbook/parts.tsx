/** Form parts the two logbook forms share: a labelled field with its messages, a search
 * picker over the stored program, editable rows of pairs, photo thumbnails, the draft,
 * loading the entry, and save / discard / delete. */

import type { ComponentChildren } from "preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { useLocation } from "preact-iso";

import { getOutbox } from "../../app/runtime";
import { failedDismiss, type BoardwalkDb, type FailedWrite, type LogType } from "../../db";
import { t } from "../../i18n";
import { useTranslation } from "../../i18n/hooks";
import type { Outbox } from "../../sync/outbox";
import { clearDraft, debounce, saveDraft, type DraftPhoto } from "./draft";
import { errorField, matchChoices, type Choice, type FieldProblems } from "./entries";
import { logbookPath } from "./Logbook";

/** Messages for one field: mine (checked before saving) and the server's (a refused write). */
export function messagesFor(field: string, problems: FieldProblems, server: Record<string, string[]>): string[] {
  const local = (problems[field] ?? []).map((p) => t(`logbook.${p}`));
  const remote = Object.entries(server).flatMap(([key, list]) => (key === field || key.startsWith(`${field}.`) ? list : []));
  return [...local, ...remote];
}

/** The field errors of every refused write of one entry, merged. */
export function serverErrors(failed: readonly FailedWrite[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const write of failed) for (const [key, list] of Object.entries(write.errors ?? {})) (out[errorField(key)] ??= []).push(...list);
  return out;
}

export function Field(props: { id: string; label: string; messages: string[]; children: ComponentChildren; hint?: string | undefined }) {
  return (
    <div class={`field${props.messages.length ? " field--invalid" : ""}`}>
      <label for={props.id}>{props.label}</label>
      {props.hint && (
        <span class="field__hint" id={`${props.id}-hint`}>
          {props.hint}
        </span>
      )}
      {props.children}
      {props.messages.length > 0 && (
        <ul class="field__errors" id={`${props.id}-errors`}>
          {props.messages.map((m, i) => (
            <li key={i}>{m}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** aria attributes tying a control to its hint and messages. */
export function described(id: string, messages: string[], hint = false): Record<string, string | boolean> {
  const ids = [hint ? `${id}-hint` : "", messages.length ? `${id}-errors` : ""].filter(Boolean).join(" ");
  return { "aria-invalid": messages.length > 0, ...(ids ? { "aria-describedby": ids } : {}) };
}

/** Choose one of many stored things (a poster by board or title…) by typing part of its name. */
export function ChoicePicker(props: {
  id: string;
  label: string;
  changeLabel: string;
  /** Says what to type (shown under the label). */
  hint?: string | undefined;
  choices: Choice[];
  value: number | null;
  onChange: (id: number | null) => void;
  messages: string[];
}) {
  const { t } = useTranslation();
  const [query, setQuery] = useState("");
  const found = useMemo(() => matchChoices(props.choices, query), [props.choices, query]);
  const chosen = props.value == null ? null : (props.choices.find((c) => c.id === props.value) ?? { id: props.value, label: `#${props.value}` });
  // Choosing swaps the search for the choice (and back): keep the keyboard focus in the picker.
  const moved = useRef(false);
  const change = useRef<HTMLButtonElement>(null);
  const search = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (!moved.current) return;
    moved.current = false;
    (chosen ? change.current : search.current)?.focus();
  }, [chosen?.id]);
  const pick = (id: number | null) => {
    moved.current = true;
    props.onChange(id);
  };
  if (chosen)
    return (
      <div class="field picker">
        <span class="picker__label" id={`${props.id}-label`}>
          {props.label}
        </span>
        <p class="picker__chosen" aria-labelledby={`${props.id}-label`} data-id={chosen.id}>
          {chosen.label}
        </p>
        <button ref={change} type="button" class="button picker__change" onClick={() => pick(null)}>
          {props.changeLabel}
        </button>
      </div>
    );
  return (
    <Field id={props.id} label={props.label} hint={props.hint} messages={props.messages}>
      <input
        ref={search}
        id={props.id}
        type="search"
        value={query}
        autocomplete="off"
        onInput={(e) => setQuery(e.currentTarget.value)}
        {...described(props.id, props.messages, props.hint !== undefined)}
      />
      {query.trim() && (
        <ul class="picker__results" aria-live="polite">
          {found.length ? (
            found.map((c) => (
              <li key={c.id}>
                <button type="button" class="picker__option" data-id={c.id} onClick={() => pick(c.id)}>
                  {c.label}
                </button>
              </li>
            ))
          ) : (
            <li class="muted">{t("logbook.noMatch")}</li>
          )}
        </ul>
      )}
    </Field>
  );
}

/** Rows of two texts (question/answer, detail/value) with add and remove. */
export function PairRows(props: {
  id: string;
  legend: string;
  rows: [string, string][];
  labels: [string, string];
  multiline: [boolean, boolean];
  addLabel: string;
  removeLabel: (n: number) => string;
  onChange: (rows: [string, string][]) => void;
  messages: string[];
}) {
  // After "add", the new row's first field takes the focus; after "remove", the add button.
  const focusNext = useRef<"new" | "add" | null>(null);
  const add = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const next = focusNext.current;
    focusNext.current = null;
    if (next === "add") add.current?.focus();
    else if (next === "new") document.getElementById(`${props.id}-${props.rows.length - 1}-0`)?.focus();
  }, [props.rows.length]);
  const set = (i: number, side: 0 | 1, value: string) =>
    props.onChange(props.rows.map((row, j) => (j === i ? ((side === 0 ? [value, row[1]] : [row[0], value]) as [string, string]) : row)));
  const control = (i: number, side: 0 | 1) => {
    const id = `${props.id}-${i}-${side}`;
    const common = { id, value: props.rows[i]![side], onInput: (e: Event) => set(i, side, (e.currentTarget as HTMLInputElement).value) };
    return (
      <div class="field">
        <label for={id}>
          {props.labels[side]} {i + 1}
        </label>
        {props.multiline[side] ? <textarea rows={2} {...common} /> : <input type="text" {...common} />}
      </div>
    );
  };
  return (
    <fieldset class="pairs" id={props.id}>
      <legend>{props.legend}</legend>
      {props.rows.map((_, i) => (
        <div class="pairs__row" key={i}>
          {control(i, 0)}
          {control(i, 1)}
          <button
            type="button"
            class="button pairs__remove"
            onClick={() => {
              focusNext.current = "add";
              props.onChange(props.rows.filter((__, j) => j !== i));
            }}
          >
            {props.removeLabel(i + 1)}
          </button>
        </div>
      ))}
      {props.messages.length > 0 && (
        <ul class="field__errors">
          {props.messages.map((m, i) => (
            <li key={i}>{m}</li>
          ))}
        </ul>
      )}
      <button
        ref={add}
        type="button"
        class="button pairs__add"
        onClick={() => {
          focusNext.current = "new";
          props.onChange([...props.rows, ["", ""]]);
        }}
      >
        {props.addLabel}
      </button>
    </fieldset>
  );
}

/** A thumbnail from a stored Blob: its object URL lives as long as the thumbnail. */
export function Thumb({ blob, alt }: { blob: Blob; alt: string }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    const made = URL.createObjectURL(blob);
    setUrl(made);
    return () => URL.revokeObjectURL(made);
  }, [blob]);
  return url ? <img class="thumb__img" src={url} alt={alt} width={96} height={96} /> : <span class="thumb__img" />;
}

export interface ShownPhoto extends DraftPhoto {
  uploaded: boolean;
}

/** Take a photo, pick from the gallery, the thumbnails with "remove". */
export function PhotoPanel(props: { photos: ShownPhoto[]; busy: boolean; error: string | null; onFiles: (files: File[]) => void; onRemove: (id: string) => void }) {
  const { t } = useTranslation();
  const take = (e: Event) => {
    const input = e.currentTarget as HTMLInputElement;
    const files = [...(input.files ?? [])];
    input.value = ""; // the same file picked again is a new photo
    if (files.length) props.onFiles(files);
  };
  return (
    <fieldset class="photos">
      <legend>{t("logbook.photos")}</legend>
      <div class="photos__inputs">
        <label class="button photos__pick">
          <input class="visually-hidden photos__camera" type="file" accept="image/*" capture="environment" onChange={take} />
          {t("logbook.takePhoto")}
        </label>
        <label class="button photos__pick">
          <input class="visually-hidden photos__gallery" type="file" accept="image/*" multiple onChange={take} />
          {t("logbook.pickPhoto")}
        </label>
      </div>
      <div aria-live="polite">
        {props.busy && <p class="muted">{t("logbook.photoPreparing")}</p>}
        {props.error && <p class="field__errors">{props.error}</p>}
      </div>
      {props.photos.length > 0 && (
        <ul class="thumbs">
          {props.photos.map((photo, i) => (
            <li key={photo.id} class="thumb" data-id={photo.id}>
              <Thumb blob={photo.blob} alt={t("logbook.photoAlt", { n: i + 1 })} />
              {!photo.uploaded && <span class="mark mark--unsynced thumb__mark">{t("logbook.photoNotUploaded")}</span>}
              <button type="button" class="button thumb__remove" onClick={() => props.onRemove(photo.id)}>
                {t("logbook.removePhoto")}
              </button>
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}

/**
 * Keep a form's draft as it is typed: `touch()` after each change saves (debounced) what
 * `snapshot()` returns; leaving the page or the form saves at once. `drop()` after save or
 * discard forgets the draft.
 */
export function useDraft<F>(db: BoardwalkDb, type: LogType, key: string | "new", snapshot: () => { id: string; fields: F; photos: DraftPhoto[] }) {
  const latest = useRef(snapshot);
  latest.current = snapshot;
  const save = useMemo(
    () => debounce(() => void saveDraft(db, type, key, { ...latest.current(), savedAt: new Date().toISOString() }), 400),
    [db, type, key],
  );
  useEffect(() => {
    const hidden = () => document.visibilityState === "hidden" && save.flush();
    window.addEventListener("pagehide", save.flush);
    document.addEventListener("visibilitychange", hidden);
    return () => {
      window.removeEventListener("pagehide", save.flush);
      document.removeEventListener("visibilitychange", hidden);
      save.flush();
    };
  }, [save]);
  return {
    touch: () => save(),
    drop: async () => {
      save.cancel();
      await clearDraft(db, type, key);
    },
  };
}

/**
 * Save, discard and delete for a logbook form, and the state they leave: `save(found, write)`
 * shows the problems found before saving and focuses the first invalid field; else `write`
 * puts the entry in the outbox, this entry's refused writes are dismissed, the draft dropped,
 * and the Logbook opens. A failed save keeps the form as typed and its `error` shown.
 * `discard()` and `remove(del)` ask first.
 */
export function useEntryActions(opts: { slug: string; db: BoardwalkDb; failed: readonly FailedWrite[]; draft: { drop: () => Promise<void> } }) {
  const { slug, db, failed, draft } = opts;
  const { t: translate } = useTranslation();
  const { route } = useLocation();
  const [problems, setProblems] = useState<FieldProblems>({});
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);

  async function save(found: FieldProblems, write: (outbox: Outbox) => Promise<void>) {
    setProblems(found);
    if (Object.keys(found).length) {
      document.querySelector<HTMLElement>(".logbook-form [aria-invalid='true']")?.focus();
      return;
    }
    setSaving(true);
    try {
      const outbox = await getOutbox();
      await write(outbox);
      for (const entry of failed) await failedDismiss(db, entry.seq);
      await draft.drop();
      await outbox.refresh();
      route(logbookPath(slug));
    } catch (caught) {
      setError(caught);
      setSaving(false);
    }
  }

  async function discard() {
    if (!window.confirm(translate("logbook.discardConfirm"))) return;
    await draft.drop();
    route(logbookPath(slug));
  }

  async function remove(del: (outbox: Outbox) => Promise<void>) {
    if (!window.confirm(translate("logbook.deleteConfirm"))) return;
    await del(await getOutbox());
    for (const entry of failed) await failedDismiss(db, entry.seq);
    await draft.drop();
    route(logbookPath(slug));
  }

  return { problems, error, saving, save, discard, remove };
}

/**
 * The entry a form edits, loaded by `load` (again when `deps` change): "Loading…" meanwhile,
 * "not found" with a link back to the Logbook for null, else `editor(loaded)`.
 */
export function EntryLoader<L>(props: { slug: string; load: () => Promise<L | null>; deps: unknown[]; editor: (loaded: L) => ComponentChildren }) {
  const { t: translate } = useTranslation();
  const [loaded, setLoaded] = useState<L | null | undefined>(undefined);
  useEffect(() => {
    let gone = false;
    void props.load().then((l) => !gone && setLoaded(l));
    return () => {
      gone = true;
    };
    // The caller names what `load` depends on.
  }, props.deps);
  if (loaded === undefined) return <p class="notice">{translate("app.loading")}</p>;
  if (loaded === null)
    return (
      <p class="notice notice--error" role="alert">
        {translate("logbook.notFound")} <a href={logbookPath(props.slug)}>{translate("logbook.title")}</a>
      </p>
    );
  return <>{props.editor(loaded)}</>;
}

/** The top of a logbook form: back to the Logbook, the title, and whether a draft came back
 * or the entry is in conflict. */
export function EditorHeading(props: { slug: string; titleId: string; title: string; restored: boolean; conflict: boolean }) {
  const { t: translate } = useTranslation();
  return (
    <>
      <p class="back-link">
        <a href={logbookPath(props.slug)}>{translate("logbook.back")}</a>
      </p>
      <h1 id={props.titleId}>{props.title}</h1>
      {props.restored && <p class="notice">{translate("logbook.draftRestored")}</p>}
      {props.conflict && (
        <p class="notice notice--error">
          {translate("logbook.inConflict")} <a href={logbookPath(props.slug)}>{translate("logbook.title")}</a>
        </p>
      )}
    </>
  );
}
