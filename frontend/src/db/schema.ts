/**
 * The IndexedDB layout (through idb) and its upgrades.
 *
 * Versions only go up. To change the layout, append a function to MIGRATIONS: it runs once,
 * inside the upgrade transaction, on every database that is older; earlier ones are never
 * edited (a phone may skip several app versions and must replay every step in order).
 */

import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from "idb";

import type { components } from "../api/schema";

type S = components["schemas"];

/** The bundle's row collections, each an object store named like its key in the bundle. */
export const BUNDLE_COLLECTIONS = [
  "rooms",
  "tracks",
  "people",
  "papers",
  "sessions",
  "orals",
  "posters",
  "booths",
  "meals",
] as const;
export type BundleCollection = (typeof BUNDLE_COLLECTIONS)[number];

export interface BundleRows {
  rooms: S["BundleRoom"];
  tracks: S["BundleTrack"];
  people: S["BundlePerson"];
  papers: S["BundlePaper"];
  sessions: S["BundleSession"];
  orals: S["BundleOral"];
  posters: S["BundlePoster"];
  booths: S["BundleBooth"];
  meals: S["BundleMeal"];
}

/** A bundle row as the bundle gives it, plus the conference it belongs to (its key is [conf, id]). */
export type Stored<T> = T & { conf: string };

export interface BundleMeta {
  conf: string;
  /** The bundle layout revision the rows are in (a client knowing another one refetches in full). */
  format: number;
  /** The schedule version the rows are at; advanced in the same transaction as the rows. */
  version: number;
  conference: S["BundleConference"];
  /** The ETag of the last 200 and the `since` it answered (null: the full bundle). */
  etag: string | null;
  etagSince: number | null;
  /** When rows last changed here, and when the server last confirmed them (ISO, device clock). */
  updatedAt: string;
  checkedAt: string;
}

export type PlanKind = S["PlanTargetKindEnum"];
export type PlanFields = S["PlanItemRequest"];

export interface PlanRecord extends PlanFields {
  conf: string;
  kind: PlanKind;
  target: number;
  /** False while a write for this item waits in the outbox. */
  synced: boolean;
  updatedAt: string;
}

export type ConversationFields = Omit<S["ConversationPutRequest"], "base_version">;
export type MeetupFields = Omit<S["MeetupPutRequest"], "base_version">;
export type LogType = "conversation" | "meetup";

export interface LogRecord<F, T> {
  /** The client UUID, also the server's id. */
  id: string;
  conf: string;
  /** The entry as the user last wrote it. */
  fields: F;
  /** The server version the local copy is based on (null: never acknowledged by the server). */
  version: number | null;
  deleted: boolean;
  /** False while a write for this entry waits in the outbox (or in a conflict). */
  synced: boolean;
  conflict: boolean;
  /** The server's copy as last answered. */
  server: T | null;
  updatedAt: string;
  /** A meetup made by scanning a badge, not yet answered by the server: what was scanned.
   * Who it is is known only once the scan is synced (the outbox then replaces the record). */
  scan?: string;
}
export type ConversationRecord = LogRecord<ConversationFields, S["Conversation"]>;
export type MeetupRecord = LogRecord<MeetupFields, S["Meetup"]>;

export interface PhotoRecord {
  /** The photo's client UUID (the upload's `id`). */
  id: string;
  conf: string;
  conversation: string;
  blob: Blob;
  uploaded: boolean;
  createdAt: string;
}

/** "scan": a badge scan (`POST …/scans/`), whose answer is the meetup it made. */
export type OutboxKind = LogType | "plan" | "photo" | "scan";
export type HttpMethod = "PUT" | "DELETE" | "POST";

/** One queued write: what to send, in order (`seq`), and to what. */
export interface OutboxEntry {
  /** Queue position, given by IndexedDB (autoIncrement): replay is by ascending seq. */
  seq?: number;
  /** This write's own client UUID. */
  id: string;
  conf: string;
  kind: OutboxKind;
  /** What the write is to: the entry or photo UUID, or "<kind>/<target>" for the plan. */
  entity: string;
  method: HttpMethod;
  path: string;
  /** The JSON body (a logbook PUT without base_version, which is resolved when sent); null for
   * a DELETE and for a photo, whose bytes stay in the photos store. */
  body: unknown;
  /** Bumped when a newer body replaces this one (see outbox.ts): an answer to an older
   * revision must not remove it. */
  rev: number;
  attempts: number;
  createdAt: string;
}

export interface FailedWrite extends OutboxEntry {
  seq: number;
  status: number;
  detail: string;
  errors: Record<string, string[]>;
  failedAt: string;
}

export interface ConflictRecord {
  /** The entry's UUID: one open conflict per entry (a newer one replaces it). */
  entity: string;
  conf: string;
  type: LogType;
  op: "put" | "delete";
  /** My fields (null for a delete). */
  mine: ConversationFields | MeetupFields | null;
  /** The server's copy (null when the server sent none). */
  theirs: S["Conversation"] | S["Meetup"] | null;
  status: number;
  detail: string;
  errors: Record<string, string[]>;
  at: string;
}

type BundleStores = {
  [K in BundleCollection]: {
    key: [string, number];
    value: Stored<BundleRows[K]>;
    indexes: K extends "sessions" | "meals"
      ? { "by-start": [string, string] }
      : K extends "orals" | "posters"
        ? { "by-session": [string, number] }
        : Record<never, never>;
  };
};

export interface BoardwalkSchema extends DBSchema, BundleStores {
  bundleMeta: { key: string; value: BundleMeta };
  plan: { key: [string, PlanKind, number]; value: PlanRecord; indexes: { "by-conf": string } };
  conversations: { key: string; value: ConversationRecord; indexes: { "by-conf": string } };
  meetups: { key: string; value: MeetupRecord; indexes: { "by-conf": string } };
  photos: { key: string; value: PhotoRecord; indexes: { "by-conversation": string } };
  outbox: { key: number; value: OutboxEntry; indexes: { "by-path": string; "by-entity": string } };
  failed: { key: number; value: FailedWrite };
  conflicts: { key: string; value: ConflictRecord; indexes: { "by-conf": string } };
  meta: { key: string; value: unknown };
}

export type Store = StoreNames<BoardwalkSchema>;
export type BoardwalkDb = IDBPDatabase<BoardwalkSchema>;
export type UpgradeTx = IDBPTransaction<BoardwalkSchema, Store[], "versionchange">;
export type Migration = (db: BoardwalkDb, tx: UpgradeTx) => void;

function v1(db: BoardwalkDb): void {
  const rowKey = { keyPath: ["conf", "id"] };
  for (const name of ["rooms", "tracks", "people", "papers", "booths"] as const) db.createObjectStore(name, rowKey);
  db.createObjectStore("sessions", rowKey).createIndex("by-start", ["conf", "start"]);
  db.createObjectStore("meals", rowKey).createIndex("by-start", ["conf", "start"]);
  db.createObjectStore("orals", rowKey).createIndex("by-session", ["conf", "session"]);
  db.createObjectStore("posters", rowKey).createIndex("by-session", ["conf", "session"]);
  db.createObjectStore("bundleMeta", { keyPath: "conf" });
  db.createObjectStore("plan", { keyPath: ["conf", "kind", "target"] }).createIndex("by-conf", "conf");
  db.createObjectStore("conversations", { keyPath: "id" }).createIndex("by-conf", "conf");
  db.createObjectStore("meetups", { keyPath: "id" }).createIndex("by-conf", "conf");
  db.createObjectStore("photos", { keyPath: "id" }).createIndex("by-conversation", "conversation");
  const outbox = db.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
  outbox.createIndex("by-path", "path");
  outbox.createIndex("by-entity", "entity");
  db.createObjectStore("failed", { keyPath: "seq" });
  db.createObjectStore("conflicts", { keyPath: "entity" }).createIndex("by-conf", "conf");
  db.createObjectStore("meta");
}

/** MIGRATIONS[n] takes a database from version n to n + 1. */
export const MIGRATIONS: readonly Migration[] = [v1];
export const DB_VERSION = MIGRATIONS.length;
export const DB_NAME = "boardwalk";

export function runMigrations(
  migrations: readonly Migration[],
  db: BoardwalkDb,
  oldVersion: number,
  newVersion: number,
  tx: UpgradeTx,
): void {
  for (let version = oldVersion; version < newVersion; version++) {
    const step = migrations[version];
    if (!step) throw new Error(`No migration from IndexedDB version ${version}`);
    step(db, tx);
  }
}
