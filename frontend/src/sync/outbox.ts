/**
 * The outbox: every write is stored locally and queued in IndexedDB in one transaction, then
 * replayed to the server first in, first out, with Workbox-queue semantics:
 *
 * - replay stops at the first network error (or 5xx, 408, 429) and keeps the rest, with
 *   backoff; it runs on start, shortly after `online`, on a Background Sync `sync` event and on a button;
 * - an entry leaves the queue only once the server has answered it, so a page closed mid-replay
 *   sends it again, which the server recognises by the client UUID (no second row);
 * - a 4xx is dropped from the queue but kept in the `failed` store with the server's message;
 *   409/412 on a logbook entry go to `conflicts` with both copies (see conflicts.ts);
 *   401/403 stop the replay and keep everything (sign in again, then replay).
 *
 * Consecutive logbook writes of one conference go in one `sync/` batch (at most 200 writes
 * and ~4 MiB); plan and photo writes are single requests. A PUT to a path whose last queued
 * write is a PUT not yet answered replaces that write's body (typing does not queue a write
 * per keystroke); the replaced entry's `rev` goes up, so an answer to the older body never
 * removes it. A logbook edit's base version is read when it is sent: the version the server
 * last gave this device for the entry.
 */

import {
  ApiError,
  apiPaths,
  MAX_SYNC_WRITES,
  type Answer,
  type ApiClient,
  type Conversation,
  type ErrorBody,
  type Meetup,
  type PlanItemWrite,
  type ScanWrite,
  type SyncResult,
  type SyncWrite,
} from "../api/client";
import {
  conflictCount,
  failedCount,
  metaDelete,
  metaGet,
  metaSet,
  outboxCount,
  writeTx,
  type BoardwalkDb,
  type ConflictRecord,
  type ConversationFields,
  type FailedWrite,
  type LogType,
  type MeetupFields,
  type OutboxEntry,
  type OutboxStore,
  type PlanKind,
  type WriteTx,
} from "../db";
import { meetupFields } from "./conflicts";

/** The server refuses bodies over 5 MiB (DATA_UPLOAD_MAX_MEMORY_SIZE); stay well under. */
export const MAX_BATCH_BYTES = 4 * 1024 * 1024;
/** Background Sync tag: sw.ts replays on `sync` events with this tag. */
export const SYNC_TAG = "boardwalk-outbox";
const RETRY_KEY = "outbox.retry";
const LOG_STORES = ["outbox", "failed", "conflicts", "conversations", "meetups", "plan", "photos", "meta"] as const;
/** meta key: a scan's meetup UUID → the meetup the server answered with, when that was an
 * earlier one (this badge had been scanned before, on another device): the screens follow it. */
export const scannedKey = (id: string): string => `mine:scanned:${id}`;
const SCAN_PLACES = ["session", "oral", "poster", "booth", "meal"] as const;

/** What a scan carries that a meetup form may change before it is sent. */
type ScanEdit = Pick<ScanWrite, "met_at" | "notes" | (typeof SCAN_PLACES)[number]>;

function scanEdit(fields: MeetupFields): ScanEdit {
  const edit: ScanEdit = { met_at: fields.met_at, notes: fields.notes };
  for (const place of SCAN_PLACES) edit[place] = fields[place] ?? null;
  return edit;
}

/** The local meetup a scan makes until the server says who it is. */
export function scanFields(scan: ScanWrite, metAt: string): MeetupFields {
  const fields: MeetupFields = {
    other: null,
    source: "badge_scan",
    contact_name: "",
    contact_affiliation: "",
    contact_email: "",
    contact_details: {},
    met_at: scan.met_at ?? metAt,
    session: null,
    oral: null,
    poster: null,
    booth: null,
    meal: null,
    notes: scan.notes ?? "",
    follow_up: "",
    follow_up_done: false,
  };
  for (const place of SCAN_PLACES) fields[place] = scan[place] ?? null;
  return fields;
}

export type StopReason = "network" | "server" | "auth";

export interface OutboxState {
  /** Writes not yet answered by the server (the "unsynced" count). */
  pending: number;
  /** Writes the server refused (4xx), kept for the user. */
  failed: number;
  /** Logbook writes waiting for the user to keep theirs or take the server's. */
  conflicts: number;
  replaying: boolean;
  /** Why the last replay stopped before the queue was empty; null when it emptied it. */
  stopped: StopReason | null;
  /** When replay will be tried again by itself (ms since epoch); null when not scheduled. */
  retryAt: number | null;
}

export interface ReplayResult {
  /** Writes answered in this replay (done, failed or conflicted). */
  answered: number;
  done: number;
  failed: number;
  conflicts: number;
  /** Requests sent (a batch is one). */
  requests: number;
  stopped: StopReason | null;
  retryAt: number | null;
}

export interface OutboxOptions {
  db: BoardwalkDb;
  api: ApiClient;
  now?: () => number;
  /** Delay before retry n (1-based): base · 2^(n-1), at most max. */
  backoff?: { baseMs: number; maxMs: number };
  maxBatchWrites?: number;
  maxBatchBytes?: number;
  /** Ask the browser for a Background Sync after queueing (page side); absent: not used. */
  registerSync?: () => Promise<void>;
  /** BroadcastChannel name to keep other tabs' counts current; null: none. */
  channel?: string | null;
  /** Replay after each write and on a timer when backing off (default true; tests turn it off
   * to drive replay() themselves). */
  autoReplay?: boolean;
}

export interface Outbox {
  readonly db: BoardwalkDb;
  saveConversation(conf: string, id: string, fields: ConversationFields): Promise<void>;
  deleteConversation(conf: string, id: string): Promise<void>;
  saveMeetup(conf: string, id: string, fields: MeetupFields): Promise<void>;
  /** Log a meetup by a badge scan: a local meetup (who it is unknown until synced) and the
   * queued `POST …/scans/` with `scan.id` as the meetup's UUID. A meetup form saving or
   * deleting that meetup before it is sent changes or drops the queued scan. */
  scanBadge(conf: string, scan: ScanWrite): Promise<void>;
  deleteMeetup(conf: string, id: string): Promise<void>;
  setPlanItem(conf: string, kind: PlanKind, target: number, fields: PlanItemWrite): Promise<void>;
  removePlanItem(conf: string, kind: PlanKind, target: number): Promise<void>;
  /** Keep a photo (already downscaled) and queue its upload; returns the photo's UUID. */
  addPhoto(conf: string, conversation: string, blob: Blob, id?: string): Promise<string>;
  removePhoto(conf: string, conversation: string, id: string): Promise<void>;
  /** Send what is queued. Without `force`, waits out a backoff in progress. One at a time. */
  replay(options?: { force?: boolean }): Promise<ReplayResult>;
  state(): OutboxState;
  /** Called now and on every change; returns the unsubscribe function. */
  subscribe(listener: (state: OutboxState) => void): () => void;
  /** Recount from IndexedDB and tell the subscribers (after another module wrote). */
  refresh(): Promise<OutboxState>;
  /** Replay now and `settleMs` after `online` fires on `target` (the window); returns a stop function. */
  start(target?: Pick<EventTarget, "addEventListener" | "removeEventListener">, settleMs?: number): () => void;
  dispose(): void;
}

export type NewEntry = Omit<OutboxEntry, "seq" | "rev" | "attempts" | "createdAt">;

function nowIso(now: () => number): string {
  return new Date(now()).toISOString();
}

/**
 * Queue a write inside an open transaction (callers write the local copy in the same one).
 * A PUT replaces the body of the last queued write to the same path when that is a PUT.
 */
export async function queueWrite(store: OutboxStore, entry: NewEntry, at: string): Promise<void> {
  if (entry.method === "PUT") {
    const last = await store.index("by-path").openCursor(IDBKeyRange.only(entry.path), "prev");
    if (last && last.value.method === "PUT") {
      await last.update({ ...last.value, body: entry.body, rev: last.value.rev + 1 });
      return;
    }
  }
  await store.add({ ...entry, rev: 0, attempts: 0, createdAt: at });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function errorOf(body: unknown, status: number): { detail: string; errors: Record<string, string[]> } {
  if (isRecord(body)) {
    const detail = typeof body.detail === "string" ? body.detail : `HTTP ${status}`;
    const errors = isRecord(body.errors) ? (body.errors as Record<string, string[]>) : {};
    return { detail, errors };
  }
  return { detail: `HTTP ${status}`, errors: {} };
}

type Verdict = "done" | "failed" | "conflict" | "retry" | "auth";

function verdict(status: number, method: string, kind: OutboxEntry["kind"]): Verdict {
  if (status >= 200 && status < 300) return "done";
  if (status === 404 && method === "DELETE") return "done"; // already gone: what was asked
  if ((status === 409 || status === 412) && (kind === "conversation" || kind === "meetup")) return "conflict";
  if (status === 401 || status === 403) return "auth";
  if (status === 408 || status === 425 || status === 429 || status >= 500) return "retry";
  return "failed";
}

interface Outcome {
  entry: OutboxEntry & { seq: number };
  status: number;
  body: unknown;
  /** For sync/ results: the per-write detail/errors/current live on the result. */
  result?: SyncResult;
}

/**
 * How long to wait after the `online` event before sending. The event comes as soon as a
 * network interface is up, often a beat before requests get through (and in Playwright the
 * page is online a moment before its service worker); a request sent at once would fail,
 * logged as a console error, and be retried later anyway.
 */
export const ONLINE_SETTLE_MS = 750;

/** `run`, `settleMs` after the last call (an `online` listener); `cancel` forgets a pending run. */
export function afterOnline(run: () => void, settleMs: number): (() => void) & { cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const cancel = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
  const listener = () => {
    cancel();
    timer = setTimeout(() => {
      timer = null;
      run();
    }, settleMs);
  };
  return Object.assign(listener, { cancel });
}

export function createOutbox(options: OutboxOptions): Outbox {
  const { db, api } = options;
  const now = options.now ?? Date.now;
  const backoff = options.backoff ?? { baseMs: 5_000, maxMs: 5 * 60_000 };
  const maxWrites = Math.min(options.maxBatchWrites ?? MAX_SYNC_WRITES, MAX_SYNC_WRITES);
  const maxBytes = options.maxBatchBytes ?? MAX_BATCH_BYTES;
  const autoReplay = options.autoReplay ?? true;
  const listeners = new Set<(state: OutboxState) => void>();
  const encoder = new TextEncoder();
  let current: OutboxState = { pending: 0, failed: 0, conflicts: 0, replaying: false, stopped: null, retryAt: null };
  let running: Promise<ReplayResult> | null = null;
  let rerun = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let disposed = false;
  const channel =
    options.channel !== null && typeof BroadcastChannel !== "undefined"
      ? new BroadcastChannel(options.channel ?? "boardwalk-outbox")
      : null;
  if (channel) channel.onmessage = () => void refresh(false);

  function emit(patch: Partial<OutboxState>): OutboxState {
    current = { ...current, ...patch };
    for (const listener of listeners) listener(current);
    return current;
  }

  async function refresh(broadcast = false): Promise<OutboxState> {
    const [pending, failed, conflicts] = await Promise.all([outboxCount(db), failedCount(db), conflictCount(db)]);
    if (broadcast) channel?.postMessage("changed");
    return emit({ pending, failed, conflicts });
  }

  async function queued(): Promise<void> {
    await refresh(true);
    if (options.registerSync) await options.registerSync().catch(() => undefined);
    // Online: send it now. Offline, this stops at the network error and waits for `online`.
    if (autoReplay) void replay().catch(() => undefined);
  }

  // --- local writes -------------------------------------------------------------------------

  async function saveLog(type: LogType, conf: string, id: string, fields: ConversationFields | MeetupFields | null) {
    const at = nowIso(now);
    const path = type === "conversation" ? apiPaths.conversation(conf, id) : apiPaths.meetup(conf, id);
    await writeTx(db, ["outbox", "conversations", "meetups"], async (tx) => {
      const store = tx.objectStore(type === "conversation" ? "conversations" : "meetups");
      const existing = await store.get(id);
      if (!existing && fields === null) return; // deleting what was never saved
      if (type === "meetup" && existing && "scan" in existing && existing.scan !== undefined) {
        // The scan is not sent yet: change what it will send, or drop it; queue nothing else
        // (a PUT would have to name someone, which only the server knows from the badge).
        const outbox = tx.objectStore("outbox");
        const queued = (await outbox.index("by-entity").getAll(IDBKeyRange.only(id))).find((e) => e.kind === "scan");
        if (queued) {
          if (fields === null) {
            await outbox.delete(queued.seq!);
            await store.delete(id);
          } else {
            const edit = scanEdit(fields as MeetupFields);
            await outbox.put({ ...queued, body: { ...(queued.body as ScanWrite), ...edit }, rev: queued.rev + 1 });
            await store.put({ ...existing, fields: { ...(existing.fields as MeetupFields), ...edit }, updatedAt: at } as never);
          }
          return;
        }
      }
      const record = {
        id,
        conf,
        fields: fields ?? existing!.fields,
        version: existing?.version ?? null,
        deleted: fields === null,
        synced: false,
        conflict: existing?.conflict ?? false,
        server: existing?.server ?? null,
        updatedAt: at,
      };
      await (store as ReturnType<typeof tx.objectStore<"conversations">>).put(record as never);
      await queueWrite(tx.objectStore("outbox"), {
        id: crypto.randomUUID(),
        conf,
        kind: type,
        entity: id,
        method: fields === null ? "DELETE" : "PUT",
        path,
        body: fields,
      }, at);
    });
    await queued();
  }

  async function setPlan(conf: string, kind: PlanKind, target: number, fields: PlanItemWrite | null) {
    const at = nowIso(now);
    await writeTx(db, ["outbox", "plan"], async (tx) => {
      if (fields === null) await tx.objectStore("plan").delete([conf, kind, target]);
      else await tx.objectStore("plan").put({ ...fields, conf, kind, target, synced: false, updatedAt: at });
      await queueWrite(tx.objectStore("outbox"), {
        id: crypto.randomUUID(),
        conf,
        kind: "plan",
        entity: `${kind}/${target}`,
        method: fields === null ? "DELETE" : "PUT",
        path: apiPaths.planItem(conf, kind, target),
        body: fields,
      }, at);
    });
    await queued();
  }

  async function scanBadge(conf: string, scan: ScanWrite) {
    const at = nowIso(now);
    await writeTx(db, ["outbox", "meetups"], async (tx) => {
      if (await tx.objectStore("meetups").get(scan.id)) return; // this scan is logged already
      await tx.objectStore("meetups").put({
        id: scan.id,
        conf,
        fields: scanFields(scan, at),
        version: null,
        deleted: false,
        synced: false,
        conflict: false,
        server: null,
        updatedAt: at,
        scan: scan.badge,
      });
      await queueWrite(tx.objectStore("outbox"), {
        id: crypto.randomUUID(),
        conf,
        kind: "scan",
        entity: scan.id,
        method: "POST",
        path: apiPaths.scans(conf),
        body: scan,
      }, at);
    });
    await queued();
  }

  /** A scan answered 200/201 with its meetup: the local meetup becomes the server's. */
  async function scanned(tx: WriteTx<typeof LOG_STORES extends readonly (infer T)[] ? T[] : never>, entry: OutboxEntry & { seq: number }, stale: boolean, server: Meetup, at: string) {
    const meetups = tx.objectStore("meetups");
    const local = await meetups.get(entry.entity);
    if (server.id !== entry.entity) {
      // This badge had been scanned before (another device, another UUID): that meetup it is.
      await meetups.delete(entry.entity);
      await tx.objectStore("meta").put(server.id, scannedKey(entry.entity));
    }
    const known = await meetups.get(server.id);
    const record = {
      id: server.id,
      conf: entry.conf,
      fields: meetupFields(server),
      version: server.version,
      deleted: false,
      synced: true,
      conflict: false,
      server,
      updatedAt: at,
    };
    if (stale && local) {
      // Edited while the scan was in flight: the server has the scan as first sent, so what
      // was changed since goes as an edit of the meetup it made.
      const body = { ...record.fields, ...scanEdit(local.fields) };
      await meetups.put({ ...record, fields: body, synced: false });
      const stored = await tx.objectStore("outbox").get(entry.seq);
      await tx.objectStore("outbox").put({
        ...stored!,
        kind: "meetup",
        entity: server.id,
        method: "PUT",
        path: apiPaths.meetup(entry.conf, server.id),
        body,
      });
      return;
    }
    if (!known || known.synced || known.id === entry.entity) await meetups.put(record);
  }

  async function addPhoto(conf: string, conversation: string, blob: Blob, id: string = crypto.randomUUID()) {
    const at = nowIso(now);
    await writeTx(db, ["outbox", "photos"], async (tx) => {
      await tx.objectStore("photos").put({ id, conf, conversation, blob, uploaded: false, createdAt: at });
      await queueWrite(tx.objectStore("outbox"), {
        id: crypto.randomUUID(),
        conf,
        kind: "photo",
        entity: id,
        method: "POST",
        path: apiPaths.photos(conf, conversation),
        body: null,
      }, at);
    });
    await queued();
    return id;
  }

  async function removePhoto(conf: string, conversation: string, id: string) {
    const at = nowIso(now);
    await writeTx(db, ["outbox", "photos"], async (tx) => {
      await tx.objectStore("photos").delete(id);
      await queueWrite(tx.objectStore("outbox"), {
        id: crypto.randomUUID(),
        conf,
        kind: "photo",
        entity: id,
        method: "DELETE",
        path: apiPaths.photo(conf, conversation, id),
        body: null,
      }, at);
    });
    await queued();
  }

  // --- replay ------------------------------------------------------------------------------

  function delayFor(attempts: number, retryAfter: string | null): number {
    const seconds = retryAfter !== null ? Number(retryAfter) : Number.NaN;
    if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, backoff.maxMs);
    return Math.min(backoff.baseMs * 2 ** Math.max(0, attempts - 1), backoff.maxMs);
  }

  function schedule(at: number | null): void {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (at === null || disposed || !autoReplay) return;
    timer = setTimeout(() => {
      timer = null;
      void replay().catch(() => undefined);
    }, Math.max(0, at - now()));
  }

  /** The batch at the head of the queue: consecutive logbook writes of one conference. */
  async function logbookBatch(entries: (OutboxEntry & { seq: number })[]): Promise<{ batch: typeof entries; writes: SyncWrite[] }> {
    const head = entries[0]!;
    const batch: typeof entries = [];
    const writes: SyncWrite[] = [];
    let bytes = 2; // the brackets
    const tx = db.transaction(["conversations", "meetups"]);
    for (const entry of entries) {
      if ((entry.kind !== "conversation" && entry.kind !== "meetup") || entry.conf !== head.conf) break;
      if (batch.length >= maxWrites) break;
      const record = await tx.objectStore(entry.kind === "conversation" ? "conversations" : "meetups").get(entry.entity);
      const write: SyncWrite = {
        op: entry.method === "DELETE" ? "delete" : "put",
        type: entry.kind,
        id: entry.entity,
        base_version: record?.version ?? null,
      };
      if (entry.method !== "DELETE") write.data = entry.body as SyncWrite["data"] & object;
      const size = encoder.encode(JSON.stringify(write)).length + (batch.length ? 1 : 0);
      // A single write over the cap still goes alone: the server then says what is wrong.
      if (batch.length && bytes + size > maxBytes) break;
      bytes += size;
      batch.push(entry);
      writes.push(write);
    }
    return { batch, writes };
  }

  async function single(entry: OutboxEntry & { seq: number }): Promise<Answer | "skip"> {
    if (entry.kind === "photo" && entry.method === "POST") {
      const photo = await db.get("photos", entry.entity);
      if (!photo) return "skip"; // removed before it was sent: nothing to upload
      const form = new FormData();
      form.append("id", photo.id);
      form.append("image", photo.blob, `${photo.id}.${photo.blob.type.split("/")[1] ?? "jpg"}`);
      return api.request(entry.method, entry.path, { form });
    }
    return api.request(entry.method, entry.path, entry.body === null ? {} : { json: entry.body });
  }

  /** Apply answers in one transaction: remove what was answered, keep failures and conflicts. */
  async function settle(outcomes: Outcome[], tally: ReplayResult): Promise<void> {
    const at = nowIso(now);
    await writeTx(db, [...LOG_STORES], async (tx) => {
      const outbox = tx.objectStore("outbox");
      for (const { entry, status, body, result } of outcomes) {
        const stored = await outbox.get(entry.seq);
        if (!stored) continue; // another tab settled it
        const stale = stored.rev !== entry.rev; // the user changed it while it was in flight
        const kind = verdict(status, entry.method, entry.kind);
        const logStore =
          entry.kind === "conversation" ? tx.objectStore("conversations") : entry.kind === "meetup" ? tx.objectStore("meetups") : null;
        if (kind === "done") {
          const server = (result ? result.body : body) as Conversation | Meetup | undefined;
          if (logStore) {
            const record = await logStore.get(entry.entity);
            if (record && isRecord(server) && typeof server.version === "number") {
              await logStore.put({ ...record, version: server.version, server } as never);
            }
          }
          if (entry.kind === "photo" && entry.method === "POST") {
            const photo = await tx.objectStore("photos").get(entry.entity);
            if (photo) await tx.objectStore("photos").put({ ...photo, uploaded: true });
          }
          if (entry.kind === "scan" && isRecord(body) && typeof body.id === "string") {
            await scanned(tx, entry, stale, body as unknown as Meetup, at);
            if (stale) {
              tally.answered++;
              continue; // now an edit of the meetup, sent next
            }
          }
          if (stale) continue;
          await outbox.delete(entry.seq);
          tally.done++;
          await markSynced(tx, entry);
        } else if (stale) {
          continue; // the newer body is sent next
        } else if (kind === "conflict") {
          const source = result ?? (body as ErrorBody | null);
          const { detail, errors } = errorOf(source, status);
          const theirs = isRecord(source) && isRecord(source.current) ? (source.current as Conversation | Meetup) : null;
          const conflict: ConflictRecord = {
            entity: entry.entity,
            conf: entry.conf,
            type: entry.kind as LogType,
            op: entry.method === "DELETE" ? "delete" : "put",
            mine: entry.method === "DELETE" ? null : (entry.body as ConversationFields | MeetupFields),
            theirs,
            status,
            detail,
            errors,
            at,
          };
          await tx.objectStore("conflicts").put(conflict);
          await outbox.delete(entry.seq);
          tally.conflicts++;
          if (logStore) {
            const record = await logStore.get(entry.entity);
            if (record) await logStore.put({ ...record, conflict: true } as never);
          }
        } else {
          const { detail, errors } = errorOf(result ?? body, status);
          const failed: FailedWrite = { ...stored, seq: entry.seq, status, detail, errors, failedAt: at };
          await tx.objectStore("failed").put(failed);
          // A refused scan made no meetup: the local one goes (the refusal says why).
          if (entry.kind === "scan") await tx.objectStore("meetups").delete(entry.entity);
          await outbox.delete(entry.seq);
          tally.failed++;
        }
        tally.answered++;
      }
    });
  }

  async function markSynced(tx: WriteTx<typeof LOG_STORES extends readonly (infer T)[] ? T[] : never>, entry: OutboxEntry) {
    const left = await tx.objectStore("outbox").index("by-entity").count(IDBKeyRange.only(entry.entity));
    if (left > 0) return;
    if (entry.kind === "plan") {
      const [kind, target] = entry.entity.split("/") as [PlanKind, string];
      const item = await tx.objectStore("plan").get([entry.conf, kind, Number(target)]);
      if (item) await tx.objectStore("plan").put({ ...item, synced: true });
    } else if (entry.kind === "conversation" || entry.kind === "meetup") {
      const store = tx.objectStore(entry.kind === "conversation" ? "conversations" : "meetups");
      const record = await store.get(entry.entity);
      if (record && !record.conflict) await store.put({ ...record, synced: true } as never);
    }
  }

  async function stop(reason: StopReason, head: OutboxEntry & { seq: number }, retryAfter: string | null, tally: ReplayResult) {
    const previous = (await metaGet<{ attempts: number }>(db, RETRY_KEY))?.attempts ?? 0;
    const attempts = previous + 1;
    const retryAt = reason === "auth" ? null : now() + delayFor(attempts, retryAfter);
    await metaSet(db, RETRY_KEY, { attempts, at: retryAt, reason });
    await writeTx(db, ["outbox"], async (tx) => {
      const stored = await tx.objectStore("outbox").get(head.seq);
      if (stored) await tx.objectStore("outbox").put({ ...stored, attempts: stored.attempts + 1 });
    });
    tally.stopped = reason;
    tally.retryAt = retryAt;
  }

  async function run(force: boolean): Promise<ReplayResult> {
    const tally: ReplayResult = { answered: 0, done: 0, failed: 0, conflicts: 0, requests: 0, stopped: null, retryAt: null };
    const retry = await metaGet<{ attempts: number; at: number | null; reason: StopReason }>(db, RETRY_KEY);
    if (!force && retry?.at != null && retry.at > now()) {
      return { ...tally, stopped: retry.reason, retryAt: retry.at };
    }
    for (;;) {
      const entries = (await db.getAll("outbox")) as (OutboxEntry & { seq: number })[];
      const head = entries[0];
      if (!head) break;
      let outcomes: Outcome[];
      let answer: Answer | "skip";
      try {
        if (head.kind === "conversation" || head.kind === "meetup") {
          const { batch, writes } = await logbookBatch(entries);
          answer = await api.sync(head.conf, writes);
          tally.requests++;
          const results = answer.status === 200 && Array.isArray(answer.body) ? (answer.body as SyncResult[]) : null;
          if (results && results.length === batch.length) {
            outcomes = batch.map((entry, i) => ({ entry, status: results[i]!.status, body: null, result: results[i]! }));
          } else {
            // The batch as a whole was refused (or answered oddly): each write shares that fate.
            const status = answer.status === 200 ? 502 : answer.status;
            outcomes = batch.map((entry) => ({ entry, status, body: (answer as Answer).body }));
          }
        } else {
          answer = await single(head);
          if (answer !== "skip") tally.requests++;
          outcomes = [{ entry: head, status: answer === "skip" ? 204 : answer.status, body: answer === "skip" ? null : answer.body }];
        }
      } catch (error) {
        if (error instanceof ApiError && error.kind === "network") {
          await stop("network", head, null, tally);
          break;
        }
        throw error;
      }
      const first = verdict(outcomes[0]!.status, head.method, head.kind);
      if (first === "retry" || first === "auth") {
        // Nothing of this request was applied: keep it at the head, in order.
        await stop(first === "auth" ? "auth" : "server", head, answer === "skip" ? null : answer.headers.get("Retry-After"), tally);
        break;
      }
      const mixed = outcomes.filter((o) => {
        const v = verdict(o.status, o.entry.method, o.entry.kind);
        return v !== "retry" && v !== "auth";
      });
      await settle(mixed, tally);
      await metaDelete(db, RETRY_KEY);
      if (mixed.length < outcomes.length) {
        // A batch answered a retryable status for some writes: they stay, and we stop there.
        await stop("server", head, null, tally);
        break;
      }
    }
    return tally;
  }

  function replay(opts: { force?: boolean } = {}): Promise<ReplayResult> {
    if (running) {
      // A write queued after the running replay's last look at the queue goes in one more pass.
      rerun = true;
      return running;
    }
    emit({ replaying: true });
    const go = async (): Promise<ReplayResult> => {
      try {
        let result = await run(opts.force ?? false);
        while (rerun && result.stopped === null) {
          rerun = false;
          result = await run(false);
        }
        rerun = false;
        schedule(result.retryAt);
        await refresh(true);
        emit({ stopped: result.stopped, retryAt: result.retryAt });
        return result;
      } finally {
        running = null;
        emit({ replaying: false });
      }
    };
    // One replay at a time across tabs and the service worker, where Web Locks exist.
    const locks = typeof navigator !== "undefined" ? navigator.locks : undefined;
    running = locks ? (locks.request("boardwalk-outbox", go) as unknown as Promise<ReplayResult>) : go();
    return running;
  }

  const outbox: Outbox = {
    db,
    saveConversation: (conf, id, fields) => saveLog("conversation", conf, id, fields),
    deleteConversation: (conf, id) => saveLog("conversation", conf, id, null),
    saveMeetup: (conf, id, fields) => saveLog("meetup", conf, id, fields),
    scanBadge,
    deleteMeetup: (conf, id) => saveLog("meetup", conf, id, null),
    setPlanItem: (conf, kind, target, fields) => setPlan(conf, kind, target, fields),
    removePlanItem: (conf, kind, target) => setPlan(conf, kind, target, null),
    addPhoto,
    removePhoto,
    replay,
    state: () => current,
    subscribe(listener) {
      listeners.add(listener);
      listener(current);
      return () => listeners.delete(listener);
    },
    refresh: () => refresh(true),
    start(target = globalThis as unknown as EventTarget, settleMs = ONLINE_SETTLE_MS) {
      const online = afterOnline(() => void replay({ force: true }).catch(() => undefined), settleMs);
      target.addEventListener("online", online);
      void refresh().then(() => replay()).catch(() => undefined);
      return () => {
        target.removeEventListener("online", online);
        online.cancel();
      };
    },
    dispose() {
      disposed = true;
      schedule(null);
      channel?.close();
      listeners.clear();
    },
  };
  return outbox;
}
