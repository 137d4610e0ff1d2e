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
  type MeetupRecord,
  type Migration,
  type OutboxEntry,
  type PhotoRecord,
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
        store.put({ ...row, conf });
        rows++;
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
