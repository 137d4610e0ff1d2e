/**
 * Data access for the Boardwalk API (`/api/v1/`).
 *
 * Hand-written for the skeleton; once the OpenAPI schema drives the types (STYLE.md,
 * "Frontend"), the interfaces below are replaced by the generated ones and only the
 * transport and error handling stay here.
 */

export interface Conference {
  slug: string;
  name: string;
  timezone: string;
  start_date: string; // ISO date, in the conference's own zone
  end_date: string;
  venue: string;
  city: string;
  country: string;
  website: string;
  schedule_version: number;
}

/** DRF's PageNumberPagination envelope. */
export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

/**
 * `network`: no response at all (offline, DNS, server down) — worth a retry.
 * `http`: the server answered with a non-2xx status; `detail` is the API's message.
 * `parse`: a 2xx answer that is not the JSON we expect (e.g. an HTML error page from a proxy).
 */
export type ApiErrorKind = "network" | "http" | "parse";

export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  readonly status: number | null;

  constructor(kind: ApiErrorKind, message: string, status: number | null = null, options?: ErrorOptions) {
    super(message, options);
    this.name = "ApiError";
    this.kind = kind;
    this.status = status;
  }

  /** Whether trying again later could help (not for a 4xx: the request itself is wrong). */
  get retryable(): boolean {
    return this.kind === "network" || (this.status !== null && this.status >= 500);
  }
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface ClientOptions {
  /** Prefix for every path; "" means same origin, which is how Django serves the PWA. */
  baseUrl?: string;
  fetch?: FetchLike;
}

export interface ApiClient {
  listConferences(signal?: AbortSignal): Promise<Page<Conference>>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isPage(value: unknown): value is Page<unknown> {
  return (
    isRecord(value) &&
    typeof value.count === "number" &&
    Array.isArray(value.results) &&
    (value.next === null || typeof value.next === "string") &&
    (value.previous === null || typeof value.previous === "string")
  );
}

const CONFERENCE_STRING_FIELDS = ["slug", "name", "timezone", "start_date", "end_date"] as const;

function isConference(value: unknown): value is Conference {
  return isRecord(value) && CONFERENCE_STRING_FIELDS.every((field) => typeof value[field] === "string");
}

/** The API's error body is `{"detail": str, "errors": {...}}`; anything else falls back to the status text. */
async function errorDetail(response: Response): Promise<string> {
  try {
    const body: unknown = await response.json();
    if (isRecord(body) && typeof body.detail === "string" && body.detail) {
      return body.detail;
    }
  } catch {
    // Not JSON (a proxy's HTML page, an empty 502): the status line is all we have.
  }
  return `${response.status} ${response.statusText}`.trim();
}

export function createClient(options: ClientOptions = {}): ApiClient {
  const baseUrl = options.baseUrl ?? "";
  // Bound lazily so tests can stub globalThis.fetch after the client is created.
  const doFetch: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));

  async function getJson(path: string, signal?: AbortSignal): Promise<unknown> {
    let response: Response;
    try {
      const init: RequestInit = {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      };
      if (signal) init.signal = signal;
      response = await doFetch(`${baseUrl}${path}`, init);
    } catch (cause) {
      if (cause instanceof DOMException && cause.name === "AbortError") throw cause;
      throw new ApiError("network", "Offline or server unreachable", null, { cause });
    }
    if (!response.ok) {
      throw new ApiError("http", await errorDetail(response), response.status);
    }
    try {
      return (await response.json()) as unknown;
    } catch (cause) {
      throw new ApiError("parse", "The server sent a response that is not JSON", response.status, { cause });
    }
  }

  return {
    async listConferences(signal) {
      const body = await getJson("/api/v1/conferences/", signal);
      if (!isPage(body) || !body.results.every(isConference)) {
        throw new ApiError("parse", "Unexpected response from /api/v1/conferences/", 200);
      }
      return body as Page<Conference>;
    },
  };
}

export const api = createClient();
