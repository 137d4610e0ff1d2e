/**
 * The app's only door to IndexedDB: open the database, read and write through typed accessors.
 * Layout and upgrades are in schema.ts. Writes that must land together (a logbook entry and
 * its outbox entry; a bundle delta and its version) go through `writeTx` in one transaction.
 */

import { openDB, unwrap, type IDBPObjectStore, type IDBPTransaction } from "idb";

import {
  BUNDLE_COLLECTIONS,
  DB_NAME,
  MIGRATIONS,
  runMigrations,
  type BoardwalkDb,
  type BoardwalkSchema,
  type BundleCollection,
  type BundleMeta,
  type BundleRows,
  type ConflictRecord,
  type ConversationRecord,
  type FailedWrite,
  type LogType,
  type MeetupRecord,
  type Migration,
  type OutboxEntry,
  type PhotoRecord,
  type PlanFields,
  type PlanKind,
  type PlanRecord,
  type Store,
  type Stored,
} from "./schema";

export * from "./schema";

export interface OpenOptions {
  name?: string;
  /** Tests only: a longer list to exercise an upgrade. */
  migrations?: readonly Migration[];
  /** Another tab opened a newer version: this connection is closed so it can upgrade; the
   * app should ask to reload. */
  onVersionChange?: () => void;
}

export async function openDb(options: OpenOptions = {}): Promise<BoardwalkDb> {
  const migrations = options.migrations ?? MIGRATIONS;
  const db = await openDB<BoardwalkSchema>(options.name ?? DB_NAME, migrations.length, {
    upgrade(database, oldVersion, newVersion, tx) {
      runMigrations(migrations, database, oldVersion, newVersion ?? migrations.length, tx);
    },
    blocking() {
      db.close();
      options.onVersionChange?.();
    },
  });
  return db;
}

/** The outbox store inside any read-write transaction that includes it. */
export type OutboxStore = IDBPObjectStore<BoardwalkSchema, ArrayLike<Store>, "outbox", "readwrite">;

export type WriteTx<S extends Store[]> = IDBPTransaction<BoardwalkSchema, S, "readwrite">;

/** One read-write transaction over `stores`; resolves once it has committed. */
export async function writeTx<const S extends Store[], R>(
  db: BoardwalkDb,
  stores: S,
  body: (tx: WriteTx<S>) => Promise<R>,
): Promise<R> {
  const tx = db.transaction(stores, "readwrite");
  // Observed from the start: an abort inside `body` must not surface as an unhandled rejection.
  tx.done.catch(() => undefined);
  try {
    const result = await body(tx);
    await tx.done;
    return result;
  } catch (error) {
    try {
      tx.abort();
    } catch {
      // Already finished or aborted: the original error is the one to report.
    }
    await tx.done.catch(() => undefined);
    throw error;
  }
}

// --- the conference bundle -------------------------------------------------------------------

/** Every key [conf, <number>] of one conference (arrays sort after numbers). */
export function confRange(conf: string): IDBKeyRange {
  return IDBKeyRange.bound([conf], [conf, []]);
}

export function bundleMetaGet(db: BoardwalkDb, conf: string): Promise<BundleMeta | undefined> {
  return db.get("bundleMeta", conf);
}

export async function bundleRows<K extends BundleCollection>(
  db: BoardwalkDb,
  collection: K,
  conf: string,
): Promise<Stored<BundleRows[K]>[]> {
  return (await db.getAll(collection, confRange(conf))) as unknown as Stored<BundleRows[K]>[];
}

export async function bundleRow<K extends BundleCollection>(
  db: BoardwalkDb,
  collection: K,
  conf: string,
  id: number,
): Promise<Stored<BundleRows[K]> | undefined> {
  return (await db.get(collection, [conf, id])) as unknown as Stored<BundleRows[K]> | undefined;
}

/** Rows by id in one read transaction (a poster session's 1,000 papers); missing ids are left out. */
export async function bundleRowsByIds<K extends BundleCollection>(
  db: BoardwalkDb,
  collection: K,
  conf: string,
  ids: Iterable<number>,
): Promise<Map<number, Stored<BundleRows[K]>>> {
  const store = db.transaction(collection).store;
  const rows = await Promise.all([...new Set(ids)].map((id) => store.get([conf, id])));
  const found = new Map<number, Stored<BundleRows[K]>>();
  for (const row of rows as unknown as (Stored<BundleRows[K]> | undefined)[]) if (row) found.set(row.id, row);
  return found;
}

/** Sessions (or meals) starting in [from, to), ISO UTC strings as in the bundle, by start. */
export function startingBetween(
  db: BoardwalkDb,
  collection: "sessions" | "meals",
  conf: string,
  from: string,
  to: string,
): Promise<Stored<BundleRows["sessions"] | BundleRows["meals"]>[]> {
  return db.getAllFromIndex(collection, "by-start", IDBKeyRange.bound([conf, from], [conf, to], false, true));
}

export async function ofSession<K extends "orals" | "posters">(
  db: BoardwalkDb,
  collection: K,
  conf: string,
  session: number,
): Promise<Stored<BundleRows[K]>[]> {
  const index = db.transaction(collection).store.index("by-session" as never);
  return (await index.getAll(IDBKeyRange.only([conf, session]))) as unknown as Stored<BundleRows[K]>[];
}

export type BundleBody = Pick<BundleMeta, "format" | "version"> & {
  full: boolean;
  since: number | null;
  conference: BundleMeta["conference"];
} & { [K in BundleCollection]: BundleRows[K][] };

export interface BundleApplied {
  /** False when the stored rows are already at or past this body's version. */
  applied: boolean;
  rows: number;
}

/**
 * Apply a bundle body in one transaction: a full one replaces every row of the conference,
 * a delta upserts by id (cancelled rows are upserted too: they stay, marked cancelled); rooms
 * and tracks always come whole and replace. The version is stored last, in the same
 * transaction, so it never runs ahead of the rows.
 */
/** Rows written per slice of `bundleApply` before it yields to the page. */
export const APPLY_SLICE = 100;

/** A raw request's outcome: its success, or its error (which also aborts the transaction). */
function settled(request: IDBRequest): Promise<void> {
  return new Promise((resolve, reject) => {
    request.addEventListener("success", () => resolve(), { once: true });
    request.addEventListener("error", () => reject(request.error ?? new Error("IndexedDB request failed")), { once: true });
  });
}

export function bundleApply(
  db: BoardwalkDb,
  conf: string,
  body: BundleBody,
  http: { etag: string | null; etagSince: number | null; at: string },
): Promise<BundleApplied> {
  return writeTx(db, [...BUNDLE_COLLECTIONS, "bundleMeta"], async (tx) => {
    const meta = await tx.objectStore("bundleMeta").get(conf);
    if (!body.full) {
      // A delta needs the rows it starts from: from an older version it would leave gaps.
      if (!meta || meta.format !== body.format || body.since === null || body.since > meta.version) {
        throw new Error(`Delta since ${body.since} does not apply to version ${meta?.version ?? "none"}`);
      }
      // Another tab already stored a newer version: these rows may be older than its rows.
      if (body.version < meta.version) return { applied: false, rows: 0 };
    }
    let rows = 0;
    for (const name of BUNDLE_COLLECTIONS) {
      // The raw IDBObjectStore: tens of thousands of rows, and a promise per request (what
      // idb's wrapper adds) cost seconds on a slow phone. A request's error aborts the
      // transaction, which `writeTx` awaits and reports; a row without an id throws at put()
      // and `writeTx` aborts (nothing of this body stays).
      const store = unwrap(tx.objectStore(name));
      if (body.full || name === "rooms" || name === "tracks") store.delete(confRange(conf));
      for (const row of body[name]) {
        const request = store.put({ ...row, conf });
        // Every APPLY_SLICE rows, let the page breathe: wait (inside the transaction, which
        // stays open) until the database caught up, so the work of a full bundle is many
        // short tasks instead of one that blocks taps for a second on a slow phone.
        if (++rows % APPLY_SLICE === 0) await settled(request);
      }
    }
    const changed = body.full || !meta || meta.version !== body.version;
    await tx.objectStore("bundleMeta").put({
      conf,
      format: body.format,
      version: body.version,
      conference: body.conference,
      etag: http.etag,
      etagSince: http.etagSince,
      updatedAt: changed || !meta ? http.at : meta.updatedAt,
      checkedAt: http.at,
    });
    return { applied: true, rows };
  });
}

export async function bundleChecked(db: BoardwalkDb, conf: string, at: string): Promise<void> {
  await writeTx(db, ["bundleMeta"], async (tx) => {
    const meta = await tx.objectStore("bundleMeta").get(conf);
    if (meta) await tx.objectStore("bundleMeta").put({ ...meta, checkedAt: at });
  });
}

// --- my plan and logbook ---------------------------------------------------------------------

export function planList(db: BoardwalkDb, conf: string): Promise<PlanRecord[]> {
  return db.getAllFromIndex("plan", "by-conf", conf);
}

export function planGet(db: BoardwalkDb, conf: string, kind: PlanKind, target: number): Promise<PlanRecord | undefined> {
  return db.get("plan", [conf, kind, target]);
}

/** Conversations of a conference, deleted ones left out unless asked for. */
export async function conversationList(db: BoardwalkDb, conf: string, withDeleted = false): Promise<ConversationRecord[]> {
  const all = await db.getAllFromIndex("conversations", "by-conf", conf);
  return withDeleted ? all : all.filter((entry) => !entry.deleted);
}

export function conversationGet(db: BoardwalkDb, id: string): Promise<ConversationRecord | undefined> {
  return db.get("conversations", id);
}

export async function meetupList(db: BoardwalkDb, conf: string, withDeleted = false): Promise<MeetupRecord[]> {
  const all = await db.getAllFromIndex("meetups", "by-conf", conf);
  return withDeleted ? all : all.filter((entry) => !entry.deleted);
}

export function meetupGet(db: BoardwalkDb, id: string): Promise<MeetupRecord | undefined> {
  return db.get("meetups", id);
}

export function photosOf(db: BoardwalkDb, conversation: string): Promise<PhotoRecord[]> {
  return db.getAllFromIndex("photos", "by-conversation", conversation);
}

export function photoGet(db: BoardwalkDb, id: string): Promise<PhotoRecord | undefined> {
  return db.get("photos", id);
}

// --- my data pulled from the server (sync/pull.ts) --------------------------------------------

/** A server copy of one of my plan items, as the pull stores it. */
export type PulledPlanItem = PlanFields & { kind: PlanKind; target: number; updatedAt: string };

/** A server copy of a logbook entry (or its tombstone), as the pull stores it. */
export type PulledLog =
  | { type: LogType; id: string; deleted: true; version: number }
  | { type: "conversation"; id: string; deleted: false; version: number; record: ConversationRecord }
  | { type: "meetup"; id: string; deleted: false; version: number; record: MeetupRecord };

export interface PullApplied {
  /** Entries written or removed here (0: nothing changed on this device). */
  changed: number;
  /** Entries left alone because this device has unsynced writes or an open conflict for them. */
  kept: number;
}

/** Whether a write to `entity` of `conf` still waits in the outbox (the plan's entity
 * "<kind>/<target>" is the same in every conference, hence the conf check). */
async function queuedFor(tx: WriteTx<["outbox", ...Store[]]>, conf: string, entity: string): Promise<boolean> {
  const entries = await tx.objectStore("outbox").index("by-entity").getAll(IDBKeyRange.only(entity));
  return entries.some((entry) => entry.conf === conf);
}

/**
 * Make the local plan of `conf` match the server's list, in one transaction. An item with an
 * unsynced local write (star, edit or removal still queued) is left as this device has it;
 * a synced local item the server no longer lists was removed elsewhere and goes.
 */
export function planReplaceSynced(db: BoardwalkDb, conf: string, items: PulledPlanItem[]): Promise<PullApplied> {
  return writeTx(db, ["outbox", "plan"], async (tx) => {
    const result: PullApplied = { changed: 0, kept: 0 };
    const store = tx.objectStore("plan");
    const seen = new Set<string>();
    for (const { kind, target, updatedAt, ...fields } of items) {
      seen.add(`${kind}/${target}`);
      const local = await store.get([conf, kind, target]);
      if ((local && !local.synced) || (await queuedFor(tx, conf, `${kind}/${target}`))) {
        result.kept++;
        continue;
      }
      const record: PlanRecord = { ...fields, conf, kind, target, synced: true, updatedAt };
      if (local && samePlan(local, record)) continue;
      await store.put(record);
      result.changed++;
    }
    for (const local of await store.index("by-conf").getAll(conf)) {
      if (seen.has(`${local.kind}/${local.target}`)) continue;
      if (!local.synced || (await queuedFor(tx, conf, `${local.kind}/${local.target}`))) {
        result.kept++;
        continue;
      }
      await store.delete([conf, local.kind, local.target]);
      result.changed++;
    }
    return result;
  });
}

function samePlan(a: PlanRecord, b: PlanRecord): boolean {
  return (
    a.status === b.status &&
    a.note === b.note &&
    (a.reminder_minutes ?? null) === (b.reminder_minutes ?? null) &&
    (a.visit_start ?? null) === (b.visit_start ?? null) &&
    (a.visit_end ?? null) === (b.visit_end ?? null)
  );
}

/**
 * Apply one page of the server's logbook changes and store the feed's cursor, in one
 * transaction (a closed page never skips or repeats a change). An entry with unsynced writes
 * or an open conflict is left as it is; one already at this version or newer too. A tombstone
 * removes the synced local copy and its uploaded photos.
 */
export function logChangesApply(
  db: BoardwalkDb,
  conf: string,
  changes: PulledLog[],
  cursor: { key: string; value: string },
): Promise<PullApplied> {
  return writeTx(db, ["outbox", "conversations", "meetups", "photos", "conflicts", "meta"], async (tx) => {
    const result: PullApplied = { changed: 0, kept: 0 };
    for (const change of changes) {
      const store = tx.objectStore(change.type === "conversation" ? "conversations" : "meetups");
      const local = (await store.get(change.id)) as ConversationRecord | MeetupRecord | undefined;
      const unsynced =
        (local !== undefined && (!local.synced || local.conflict)) ||
        (await tx.objectStore("conflicts").get(change.id)) !== undefined ||
        (await queuedFor(tx, conf, change.id));
      if (unsynced) {
        result.kept++;
        continue;
      }
      if (local && local.version !== null && local.version >= change.version && local.deleted === change.deleted) continue;
      if (change.deleted) {
        if (!local) continue;
        await store.delete(change.id);
        if (change.type === "conversation") {
          const photos = await tx.objectStore("photos").index("by-conversation").getAll(change.id);
          for (const photo of photos) if (photo.uploaded) await tx.objectStore("photos").delete(photo.id);
        }
      } else {
        await store.put(change.record as never);
      }
      result.changed++;
    }
    await tx.objectStore("meta").put(cursor.value, cursor.key);
    return result;
  });
}

/**
 * Meta keys holding one account's data, cleared at sign-out: pull cursors (`mine:`), the
 * outbox's retry state, logbook drafts, My Plan's seen conflicts and private calendar feed.
 * A screen keeping something personal in meta uses one of these prefixes (`mine:` for new ones).
 */
export const PERSONAL_META_PREFIXES = ["mine:", "draft:", "outbox.", "logbook.", "planSeen:", "calendarFeed:"] as const;
const PERSONAL_STORES = ["plan", "conversations", "meetups", "photos", "outbox", "failed", "conflicts"] as const;

/**
 * Forget everything of the signed-in account on this device (a shared phone: the next person
 * must not see it): plan, logbook, photos, outbox, failed writes, conflicts and personal meta
 * keys. The program (bundle stores and bundleMeta) and device settings stay.
 */
export function personalClear(db: BoardwalkDb): Promise<void> {
  return writeTx(db, [...PERSONAL_STORES, "meta"], async (tx) => {
    await Promise.all(PERSONAL_STORES.map((name) => tx.objectStore(name).clear()));
    const meta = tx.objectStore("meta");
    for (const key of await meta.getAllKeys()) {
      if (PERSONAL_META_PREFIXES.some((prefix) => String(key).startsWith(prefix))) await meta.delete(key);
    }
  });
}

// --- outbox, failed writes, conflicts, meta ---------------------------------------------------

/** The queue, first in first out. */
export function outboxList(db: BoardwalkDb): Promise<OutboxEntry[]> {
  return db.getAll("outbox");
}

export function outboxCount(db: BoardwalkDb): Promise<number> {
  return db.count("outbox");
}

export function failedList(db: BoardwalkDb): Promise<FailedWrite[]> {
  return db.getAll("failed");
}

export function failedCount(db: BoardwalkDb): Promise<number> {
  return db.count("failed");
}

export function failedDismiss(db: BoardwalkDb, seq: number): Promise<void> {
  return db.delete("failed", seq);
}

export function conflictList(db: BoardwalkDb, conf?: string): Promise<ConflictRecord[]> {
  return conf === undefined ? db.getAll("conflicts") : db.getAllFromIndex("conflicts", "by-conf", conf);
}

export function conflictCount(db: BoardwalkDb): Promise<number> {
  return db.count("conflicts");
}

export function conflictGet(db: BoardwalkDb, entity: string): Promise<ConflictRecord | undefined> {
  return db.get("conflicts", entity);
}

export async function metaGet<T>(db: BoardwalkDb, key: string): Promise<T | undefined> {
  return (await db.get("meta", key)) as T | undefined;
}

export async function metaSet(db: BoardwalkDb, key: string, value: unknown): Promise<void> {
  await db.put("meta", value, key);
}

export async function metaDelete(db: BoardwalkDb, key: string): Promise<void> {
  await db.delete("meta", key);
}

/** Every conference with a stored program (the picker's offline list). */
export function bundleMetaList(db: BoardwalkDb): Promise<BundleMeta[]> {
  return db.getAll("bundleMeta");
}
