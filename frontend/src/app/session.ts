/**
 * Who is signed in, and the account calls (`auth/login`, `auth/signup`, `auth/logout`, `me`),
 * all through the one client. Screens use `useSession()` (app/runtime.ts); this module is pure
 * (a client in, answers out) so it is tested against a fake fetch.
 *
 * A form call answers `{ ok: true, me }` or `{ ok: false, failure }`: `failure.errors` are the
 * server's messages by field (our error shape), `failure.error` an `ApiError` for
 * `errorMessage()`, `failure.retryAfter` the lockout's seconds on a 429.
 */

import { ApiError, type Answer, type ApiClient } from "../api/client";
import type { components } from "../api/schema";

export type Me = components["schemas"]["Me"];

export interface FormFailure {
  error: ApiError;
  /** Server messages per field (`email`, `password`, `display_name`, …). */
  errors: Record<string, string[]>;
  /** Seconds until another attempt is allowed (429 with Retry-After), else null. */
  retryAfter: number | null;
}

export type FormResult = { ok: true; me: Me } | { ok: false; failure: FormFailure };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isMe(value: unknown): value is Me {
  return isRecord(value) && typeof value.id === "number" && typeof value.email === "string";
}

/** The error shape `{"detail": ..., "errors": {field: [...]}}` turned into a FormFailure. */
export function failureOf(answer: Answer): FormFailure {
  const body = answer.body;
  const detail = isRecord(body) && typeof body.detail === "string" ? body.detail : "";
  const errors: Record<string, string[]> = {};
  if (isRecord(body) && isRecord(body.errors)) {
    for (const [field, messages] of Object.entries(body.errors)) {
      const list = Array.isArray(messages) ? messages.filter((m): m is string => typeof m === "string") : [];
      if (list.length) errors[field] = list;
    }
  }
  const header = answer.headers.get("Retry-After");
  const seconds = header === null ? NaN : Number.parseInt(header, 10);
  return {
    error: new ApiError("http", detail, answer.status),
    errors,
    retryAfter: answer.status === 429 && Number.isFinite(seconds) ? seconds : null,
  };
}

async function formCall(client: ApiClient, path: string, json: unknown, expected: number): Promise<FormResult> {
  const answer = await client.request<Me>("POST", path, { json });
  if (answer.status === expected && isMe(answer.body)) return { ok: true, me: answer.body };
  if (answer.status === expected) throw new ApiError("parse", `Unexpected response from ${path}`, answer.status);
  return { ok: false, failure: failureOf(answer) };
}

export function signIn(client: ApiClient, email: string, password: string): Promise<FormResult> {
  return formCall(client, "/api/v1/auth/login", { email, password }, 200);
}

export function signUp(client: ApiClient, email: string, password: string, displayName: string): Promise<FormResult> {
  return formCall(client, "/api/v1/auth/signup", { email, password, display_name: displayName }, 201);
}

/** Ends the session on the server; throws ApiError("network") offline. */
export async function signOut(client: ApiClient): Promise<void> {
  const answer = await client.request("POST", "/api/v1/auth/logout", {});
  if (answer.status >= 500) throw new ApiError("http", "", answer.status);
}

/** The signed-in account, or null when nobody is (403/401). Throws ApiError("network") offline. */
export async function fetchMe(client: ApiClient): Promise<Me | null> {
  const answer = await client.request<Me>("GET", "/api/v1/me");
  if (answer.status === 200 && isMe(answer.body)) return answer.body;
  if (answer.status === 401 || answer.status === 403) return null;
  throw new ApiError("http", "", answer.status);
}
