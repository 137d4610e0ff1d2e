/**
 * The signed-in attendee's own things at a conference, for the Me screen: the badge, who
 * scanned it (and sharing back), reminder preferences, and this browser's Web Push
 * subscription. Each call answers the typed body or throws an ApiError (a 400 carries the
 * server's per-field messages in `FieldErrors`).
 */

import { ApiError, type Answer, type ApiClient, type Page } from "./client";
import type { components } from "./schema";

type Schemas = components["schemas"];
export type BadgeInfo = Schemas["Badge"];
export type SharedField = Schemas["SharedFieldsEnum"];
export type ScanReceived = Schemas["ScanReceived"];
export type Preferences = Schemas["Preferences"];
export type PreferencesPatch = Schemas["PatchedPreferencesRequest"];
export type PushKey = Schemas["PushKey"];
export type PushSubscriptionWrite = Schemas["PushSubscriptionWriteRequest"];
export type Meetup = Schemas["Meetup"];

const base = (slug: string) => `/api/v1/conferences/${encodeURIComponent(slug)}`;

/** Who scanned me comes 10 at a time: the Me screen stays short on a phone. */
export const SCANS_PAGE = 10;

export const mePaths = {
  badge: (slug: string) => `${base(slug)}/badge/`,
  scansReceived: (slug: string, page = 1, size = SCANS_PAGE) => `${base(slug)}/scans/received/?page=${page}&page_size=${size}`,
  shareBack: (slug: string, scanId: string) => `${base(slug)}/scans/received/${encodeURIComponent(scanId)}/share-back/`,
  preferences: (slug: string) => `${base(slug)}/preferences/`,
  pushKey: (slug: string) => `${base(slug)}/push/key`,
  pushSubscriptions: (slug: string) => `${base(slug)}/push/subscriptions/`,
  pushSubscription: (slug: string, endpoint: string) => `${base(slug)}/push/subscriptions/?endpoint=${encodeURIComponent(endpoint)}`,
};

/** A refused write: the server's sentence and its messages per field. */
export class FieldErrors extends ApiError {
  readonly fields: Record<string, string[]>;

  constructor(message: string, status: number, fields: Record<string, string[]>) {
    super("http", message, status);
    this.name = "FieldErrors";
    this.fields = fields;
  }
}

/** No answer at all: offline, or a network that says it is up and is not. */
export const isNetwork = (error: unknown): boolean => error instanceof ApiError && error.kind === "network";

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function refused(answer: Answer): ApiError {
  const body = answer.body as { detail?: unknown; errors?: unknown } | null;
  const detail = typeof body?.detail === "string" ? body.detail : String(answer.status);
  if (answer.status === 400 && isRecord(body?.errors)) {
    const fields: Record<string, string[]> = {};
    for (const [name, messages] of Object.entries(body.errors)) {
      if (Array.isArray(messages)) fields[name] = messages.map(String);
    }
    return new FieldErrors(detail, answer.status, fields);
  }
  return new ApiError("http", detail, answer.status);
}

function expect<T>(answer: Answer<T>, statuses: number[], valid: (body: unknown) => boolean, what: string): T {
  if (!statuses.includes(answer.status)) throw refused(answer);
  if (!valid(answer.body)) throw new ApiError("parse", `Unexpected response from ${what}`, answer.status);
  return answer.body as T;
}

export async function fetchBadge(api: ApiClient, slug: string): Promise<BadgeInfo> {
  const answer = await api.request<BadgeInfo>("GET", mePaths.badge(slug));
  return expect(answer, [200], (b) => isRecord(b) && typeof b.url === "string" && Array.isArray(b.shared_fields), "badge/");
}

/** Choose which profile fields a scan of my badge shares (the whole choice). */
export async function patchSharedFields(api: ApiClient, slug: string, fields: SharedField[]): Promise<BadgeInfo> {
  const answer = await api.request<BadgeInfo>("PATCH", mePaths.badge(slug), { json: { shared_fields: fields } });
  return expect(answer, [200], (b) => isRecord(b) && typeof b.url === "string" && Array.isArray(b.shared_fields), "badge/");
}

/** Who scanned my badge, newest first (the first page). */
/** One page (SCANS_PAGE) of who scanned me, newest first; `next` is null on the last. */
export async function fetchScansReceived(api: ApiClient, slug: string, page = 1): Promise<Page<ScanReceived>> {
  const answer = await api.request<Page<ScanReceived>>("GET", mePaths.scansReceived(slug, page));
  return expect(answer, [200], (b) => isRecord(b) && Array.isArray(b.results), "scans/received/");
}

/** Log the person who scanned me in my own logbook (201 new, 200 already there). */
export async function shareBack(api: ApiClient, slug: string, scanId: string, meetupId: string): Promise<Meetup> {
  const answer = await api.request<Meetup>("POST", mePaths.shareBack(slug, scanId), { json: { id: meetupId } });
  return expect(answer, [200, 201], (b) => isRecord(b) && typeof b.id === "string", "share-back/");
}

const isPreferences = (b: unknown) => isRecord(b) && typeof b.reminder_minutes === "number" && typeof b.timezone === "string";

export async function fetchPreferences(api: ApiClient, slug: string): Promise<Preferences> {
  return expect(await api.request<Preferences>("GET", mePaths.preferences(slug)), [200], isPreferences, "preferences/");
}

export async function patchPreferences(api: ApiClient, slug: string, changes: PreferencesPatch): Promise<Preferences> {
  const answer = await api.request<Preferences>("PATCH", mePaths.preferences(slug), { json: changes });
  return expect(answer, [200], isPreferences, "preferences/");
}

export async function fetchPushKey(api: ApiClient, slug: string): Promise<PushKey> {
  const answer = await api.request<PushKey>("GET", mePaths.pushKey(slug));
  return expect(answer, [200], (b) => isRecord(b) && typeof b.enabled === "boolean" && typeof b.public_key === "string", "push/key");
}

export async function savePushSubscription(api: ApiClient, slug: string, subscription: PushSubscriptionWrite): Promise<void> {
  const answer = await api.request("POST", mePaths.pushSubscriptions(slug), { json: subscription });
  expect(answer, [200, 201], isRecord, "push/subscriptions/");
}

/** Forget this browser's subscription on the server; one it does not know (404) is gone already. */
export async function deletePushSubscription(api: ApiClient, slug: string, endpoint: string): Promise<void> {
  const answer = await api.request("DELETE", mePaths.pushSubscription(slug, endpoint));
  if (answer.status !== 204 && answer.status !== 404) throw refused(answer);
}
