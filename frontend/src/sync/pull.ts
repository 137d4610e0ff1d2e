/**
 * Pull my own data written elsewhere (another device, the server) into IndexedDB: the
 * logbook from the changes feed (`changes/?cursor=`, tombstones included; the cursor is kept
 * per conference in meta), the plan from its list (the server's list is the whole truth).
 *
 * Local work always wins until it is synced: an entry with a write still in the outbox, or an
 * open conflict, is never overwritten nor removed by a pull; the outbox sends it, and the next
 * pull brings the server's answer. Run after each replay and on start/`online`
 * (app/refresher.ts does).
 */

import { ApiError, apiPaths, type ApiClient, type ChangesPage, type PlanItem } from "../api/client";
import {
  logChangesApply,
  metaGet,
  planReplaceSynced,
  type BoardwalkDb,
  type ConversationRecord,
  type MeetupRecord,
  type PulledLog,
  type PulledPlanItem,
} from "../db";
import { conversationFields, meetupFields } from "./conflicts";

/** Meta key of the changes feed's cursor for a conference (cleared at sign-out: "mine:"). */
export const pullCursorKey = (conf: string): string => `mine:pulled:${conf}`;
/** Pages followed in one pull at most (200 changes each); the rest comes with the next pull. */
const MAX_PAGES = 50;

export interface PullResult {
  /** Local entries written or removed (plan and logbook). */
  changed: number;
  /** Entries left as this device has them (unsynced writes or a conflict). */
  kept: number;
}

function httpError(status: number, body: unknown): ApiError {
  const detail =
    typeof body === "object" && body !== null && typeof (body as { detail?: unknown }).detail === "string"
      ? (body as { detail: string }).detail
      : `HTTP ${status}`;
  return new ApiError("http", detail, status);
}

/** A change from the feed as the local store keeps it. */
export function pulledLog(conf: string, change: ChangesPage["results"][number]): PulledLog | null {
  if (change.deleted) return { type: change.type, id: change.id, deleted: true, version: change.version };
  const base = { id: change.id, conf, version: change.version, deleted: false, synced: true, conflict: false, updatedAt: change.updated_at };
  if (change.type === "conversation" && change.conversation) {
    const record: ConversationRecord = { ...base, fields: conversationFields(change.conversation), server: change.conversation };
    return { type: "conversation", id: change.id, deleted: false, version: change.version, record };
  }
  if (change.type === "meetup" && change.meetup) {
    const record: MeetupRecord = { ...base, fields: meetupFields(change.meetup), server: change.meetup };
    return { type: "meetup", id: change.id, deleted: false, version: change.version, record };
  }
  return null; // a live change without its entry: nothing to store
}

export function pulledPlanItem(item: PlanItem): PulledPlanItem {
  return {
    kind: item.target.kind,
    target: item.target.id,
    status: item.status,
    note: item.note,
    reminder_minutes: item.reminder_minutes,
    visit_start: item.visit_start,
    visit_end: item.visit_end,
    updatedAt: item.updated_at,
  };
}

/** Follow the changes feed from the stored cursor, applying each page with its cursor. */
export async function pullLogbook(db: BoardwalkDb, api: ApiClient, conf: string): Promise<PullResult> {
  const key = pullCursorKey(conf);
  const total: PullResult = { changed: 0, kept: 0 };
  let cursor = (await metaGet<string>(db, key)) ?? "";
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await api.request<ChangesPage>("GET", apiPaths.changes(conf, cursor));
    if (answer.status !== 200) throw httpError(answer.status, answer.body);
    const body = answer.body as ChangesPage;
    if (!Array.isArray(body.results) || typeof body.next_cursor !== "string") {
      throw new ApiError("parse", "Unexpected response from changes/", 200);
    }
    const changes = body.results.map((change) => pulledLog(conf, change)).filter((c): c is PulledLog => c !== null);
    const applied = await logChangesApply(db, conf, changes, { key, value: body.next_cursor });
    total.changed += applied.changed;
    total.kept += applied.kept;
    cursor = body.next_cursor;
    if (!body.has_more) break;
  }
  return total;
}

/** Read my whole plan (every page), then make the local plan match it. */
export async function pullPlan(db: BoardwalkDb, api: ApiClient, conf: string): Promise<PullResult> {
  const items: PulledPlanItem[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const answer = await api.request<{ results: PlanItem[]; next: string | null }>("GET", apiPaths.planList(conf, page));
    if (answer.status !== 200) throw httpError(answer.status, answer.body);
    const body = answer.body as { results: PlanItem[]; next?: string | null };
    if (!Array.isArray(body.results)) throw new ApiError("parse", "Unexpected response from plan/", 200);
    items.push(...body.results.map(pulledPlanItem));
    if (!body.next) {
      return planReplaceSynced(db, conf, items);
    }
  }
  // A plan longer than every page we read: replacing with part of it would drop the rest.
  return { changed: 0, kept: 0 };
}

/** Plan and logbook of one conference. Throws ApiError (network offline, http 403 signed out). */
export async function pullMine(db: BoardwalkDb, api: ApiClient, conf: string): Promise<PullResult> {
  const plan = await pullPlan(db, api, conf);
  const logbook = await pullLogbook(db, api, conf);
  return { changed: plan.changed + logbook.changed, kept: plan.kept + logbook.kept };
}
