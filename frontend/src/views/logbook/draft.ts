/**
 * Drafts: what the form holds, saved in IndexedDB (`meta`) as it is typed, so a reload, a
 * closed tab, an app update or a killed app loses nothing. A draft is not a write: nothing is
 * queued for the server until "Save" (an unfinished entry would be refused, and every
 * keystroke would bump the entry's version on the server). Photos picked for an entry not yet
 * saved ride in the draft as Blobs (IndexedDB keeps them) and are queued on save, after the
 * entry itself, so the upload never reaches the server before its conversation.
 *
 * One draft per form: `logbook.draft.conversation.new` for a new entry (it carries the UUID the
 * entry will have), `logbook.draft.conversation.<uuid>` for an edit.
 */

import { metaDelete, metaGet, metaSet, type BoardwalkDb, type LogType } from "../../db";

export interface DraftPhoto {
  id: string;
  blob: Blob;
}

export interface Draft<F> {
  /** The entry's UUID (chosen when the new form first opened). */
  id: string;
  fields: F;
  /** Photos picked before the entry was first saved. */
  photos: DraftPhoto[];
  savedAt: string;
}

export const draftKey = (type: LogType, id: string | "new"): string => `logbook.draft.${type}.${id}`;

export function loadDraft<F>(db: BoardwalkDb, type: LogType, id: string | "new"): Promise<Draft<F> | undefined> {
  return metaGet<Draft<F>>(db, draftKey(type, id));
}

export function saveDraft<F>(db: BoardwalkDb, type: LogType, id: string | "new", draft: Draft<F>): Promise<void> {
  return metaSet(db, draftKey(type, id), draft);
}

export function clearDraft(db: BoardwalkDb, type: LogType, id: string | "new"): Promise<void> {
  return metaDelete(db, draftKey(type, id));
}

export interface Debounced<A extends unknown[]> {
  (...args: A): void;
  /** Run the pending call now (on pagehide, before leaving the form). */
  flush(): void;
  /** Forget the pending call (after save or discard: the draft is gone). */
  cancel(): void;
}

/** `fn` called once `ms` after the last call, with the last arguments. */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): Debounced<A> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let pending: A | null = null;
  const run = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    const args = pending;
    pending = null;
    if (args) fn(...args);
  };
  const debounced = ((...args: A) => {
    pending = args;
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(run, ms);
  }) as Debounced<A>;
  debounced.flush = run;
  debounced.cancel = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    pending = null;
  };
  return debounced;
}
