/**
 * The private calendar feed (`/api/v1/conferences/<slug>/feed/`): whether one is active, and
 * issuing it. The server shows the URL only once, in the answer to the POST, so the caller
 * keeps it (views/plan/feed-store.ts puts it in IndexedDB).
 */

import { ApiError, type ApiClient, type Answer } from "./client";
import type { components } from "./schema";

export type FeedSettings = components["schemas"]["FeedSettings"];
export type IssuedFeed = components["schemas"]["IssuedFeed"];

export const feedPath = (slug: string): string => `/api/v1/conferences/${encodeURIComponent(slug)}/feed/`;

function detailOf(answer: Answer): string {
  const body = answer.body as { detail?: unknown } | null;
  return typeof body?.detail === "string" ? body.detail : String(answer.status);
}

function expect<T>(answer: Answer<T>, status: number, valid: (body: unknown) => boolean): T {
  if (answer.status !== status) throw new ApiError("http", detailOf(answer), answer.status);
  if (!valid(answer.body)) throw new ApiError("parse", "Unexpected response from feed/", answer.status);
  return answer.body as T;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

export async function feedSettings(api: ApiClient, slug: string): Promise<FeedSettings> {
  const answer = await api.request<FeedSettings>("GET", feedPath(slug));
  return expect(answer, 200, (b) => isRecord(b) && typeof b.active === "boolean");
}

/**
 * Issue my feed URL. The server replaces any earlier one in the same request (its URL then
 * answers 404), so this is also "reset the link": revoke and re-issue in one step, never
 * leaving the attendee with no feed in between.
 */
export async function issueFeed(api: ApiClient, slug: string): Promise<IssuedFeed> {
  const answer = await api.request<IssuedFeed>("POST", feedPath(slug), { json: {} });
  return expect(answer, 201, (b) => isRecord(b) && typeof b.url === "string" && typeof b.webcal_url === "string");
}
