/**
 * Logbook conflicts: a write the server refused because its copy moved on (412: edited from
 * another version; 409: an edit that named no version, or a second meetup with the same
 * attendee). Both copies are kept in the `conflicts` store until the user chooses:
 *
 * - keepMine: send my current local copy again, based on the server's version (so it wins);
 * - takeTheirs: overwrite the local copy with the server's and drop my queued writes to it.
 */

import { apiPaths, type Conversation, type Meetup } from "../api/client";
import {
  conflictGet,
  conflictList,
  writeTx,
  type BoardwalkDb,
  type ConflictRecord,
  type ConversationFields,
  type ConversationRecord,
  type MeetupFields,
  type MeetupRecord,
} from "../db";
import { queueWrite, type Outbox } from "./outbox";

export type { ConflictRecord };

export function listConflicts(db: BoardwalkDb, conf?: string): Promise<ConflictRecord[]> {
  return conflictList(db, conf);
}

export function getConflict(db: BoardwalkDb, entity: string): Promise<ConflictRecord | undefined> {
  return conflictGet(db, entity);
}

/** Whether "keep mine" can work: not when the server's copy is another entry (409 AlreadyMet). */
export function canKeepMine(conflict: ConflictRecord): boolean {
  return conflict.theirs === null || conflict.theirs.id === conflict.entity;
}

export function conversationFields(entry: Conversation): ConversationFields {
  return {
    poster: entry.poster,
    poster_title: entry.poster_title,
    talked_to: entry.talked_to,
    talked_at: entry.talked_at,
    qa: entry.qa.map(({ question, answer }) => ({ question, answer })),
    rating: entry.rating,
    tags: [...entry.tags],
    notes: entry.notes,
    follow_up: entry.follow_up,
    follow_up_done: entry.follow_up_done,
  };
}

export function meetupFields(entry: Meetup): MeetupFields {
  return {
    other: entry.other,
    source: entry.source,
    contact_name: entry.contact_name,
    contact_affiliation: entry.contact_affiliation,
    contact_email: entry.contact_email,
    contact_details: { ...entry.contact_details },
    met_at: entry.met_at,
    session: entry.session,
    oral: entry.oral,
    poster: entry.poster,
    booth: entry.booth,
    meal: entry.meal,
    notes: entry.notes,
    follow_up: entry.follow_up,
    follow_up_done: entry.follow_up_done,
  };
}

const STORES = ["conflicts", "outbox", "conversations", "meetups"] as const;

/** Send my copy again, based on the server's version; replays at once. */
export async function keepMine(outbox: Outbox, entity: string): Promise<void> {
  const at = new Date().toISOString();
  await writeTx(outbox.db, [...STORES], async (tx) => {
    const conflict = await tx.objectStore("conflicts").get(entity);
    if (!conflict) throw new Error(`No conflict for ${entity}`);
    if (!canKeepMine(conflict)) {
      throw new Error("The server's copy is another entry: take theirs, or change mine and save it again");
    }
    const store = tx.objectStore(conflict.type === "conversation" ? "conversations" : "meetups");
    const record = (await store.get(entity)) as ConversationRecord | MeetupRecord | undefined;
    const version = conflict.theirs?.version ?? record?.version ?? null;
    const deleted = record ? record.deleted : conflict.op === "delete";
    const fields = record ? record.fields : conflict.mine;
    await store.put({
      id: entity,
      conf: conflict.conf,
      fields,
      version,
      deleted,
      synced: false,
      conflict: false,
      server: conflict.theirs ?? record?.server ?? null,
      updatedAt: at,
    } as never);
    // A write to this entry still queued (typed after the conflict) now goes with the new base.
    const queued = await tx.objectStore("outbox").index("by-entity").count(IDBKeyRange.only(entity));
    if (queued === 0) {
      const path = conflict.type === "conversation" ? apiPaths.conversation(conflict.conf, entity) : apiPaths.meetup(conflict.conf, entity);
      await queueWrite(
        tx.objectStore("outbox"),
        {
          id: crypto.randomUUID(),
          conf: conflict.conf,
          kind: conflict.type,
          entity,
          method: deleted ? "DELETE" : "PUT",
          path,
          body: deleted ? null : fields,
        },
        at,
      );
    }
    await tx.objectStore("conflicts").delete(entity);
  });
  await outbox.refresh();
  void outbox.replay({ force: true }).catch(() => undefined);
}

/** Make the server's copy mine: overwrite the local entry, drop my queued writes to it. */
export async function takeTheirs(outbox: Outbox, entity: string): Promise<void> {
  const at = new Date().toISOString();
  await writeTx(outbox.db, [...STORES], async (tx) => {
    const conflict = await tx.objectStore("conflicts").get(entity);
    if (!conflict) throw new Error(`No conflict for ${entity}`);
    const store = tx.objectStore(conflict.type === "conversation" ? "conversations" : "meetups");
    const queued = await tx.objectStore("outbox").index("by-entity").getAllKeys(IDBKeyRange.only(entity));
    for (const seq of queued) await tx.objectStore("outbox").delete(seq);
    const theirs = conflict.theirs;
    if (theirs && theirs.id !== entity) {
      // Mine duplicated another entry (a second meetup with the same attendee): mine goes, the
      // server's entry is kept locally under its own id.
      await store.delete(entity);
      if (!(await store.get(theirs.id))) await store.put(recordFrom(conflict, theirs, at) as never);
    } else if (theirs) {
      await store.put(recordFrom(conflict, theirs, at) as never);
    } else {
      const record = await store.get(entity);
      if (record) await store.put({ ...record, conflict: false, synced: true } as never);
    }
    await tx.objectStore("conflicts").delete(entity);
  });
  await outbox.refresh();
}

function recordFrom(conflict: ConflictRecord, theirs: Conversation | Meetup, at: string): ConversationRecord | MeetupRecord {
  const fields = conflict.type === "conversation" ? conversationFields(theirs as Conversation) : meetupFields(theirs as Meetup);
  return {
    id: theirs.id,
    conf: conflict.conf,
    fields,
    version: theirs.version,
    deleted: theirs.deleted,
    synced: true,
    conflict: false,
    server: theirs,
    updatedAt: at,
  } as ConversationRecord | MeetupRecord;
}
