import { describe, expect, it, vi } from "vitest";

import { ApiError, createClient, type Conference, type FetchLike, type Page } from "./client";

const conference: Conference = {
  slug: "pycon-2026",
  name: "PyCon 2026",
  timezone: "America/Los_Angeles",
  start_date: "2026-05-13",
  end_date: "2026-05-19",
  venue: "Long Beach Convention Center",
  city: "Long Beach",
  country: "US",
  website: "https://example.org/",
  schedule_version: 3,
};

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function clientReturning(response: Response | Error) {
  const fetch = vi.fn<FetchLike>(() => (response instanceof Error ? Promise.reject(response) : Promise.resolve(response)));
  return { fetch, client: createClient({ fetch }) };
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe("listConferences", () => {
  it("requests the paginated list as JSON and returns the page", async () => {
    const page: Page<Conference> = { count: 1, next: null, previous: null, results: [conference] };
    const { fetch, client } = clientReturning(jsonResponse(page));

    await expect(client.listConferences()).resolves.toEqual(page);

    expect(fetch).toHaveBeenCalledOnce();
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe("/api/v1/conferences/");
    expect(init?.headers).toEqual({ Accept: "application/json" });
  });

  it("turns a failed fetch into a retryable network error", async () => {
    const { client } = clientReturning(new TypeError("Failed to fetch"));

    const error = await rejection(client.listConferences());

    expect(error.kind).toBe("network");
    expect(error.message).toBe("Offline or server unreachable");
    expect(error.retryable).toBe(true);
  });

  it("uses the API's detail message for an HTTP error", async () => {
    const { client } = clientReturning(jsonResponse({ detail: "Not found.", errors: {} }, 404));

    const error = await rejection(client.listConferences());

    expect(error).toMatchObject({ kind: "http", status: 404, message: "Not found." });
    expect(error.retryable).toBe(false);
  });

  it("falls back to the status line when an error body is not JSON", async () => {
    const { client } = clientReturning(new Response("<html>Bad gateway</html>", { status: 502, statusText: "Bad Gateway" }));

    const error = await rejection(client.listConferences());

    expect(error).toMatchObject({ kind: "http", status: 502, message: "502 Bad Gateway" });
    expect(error.retryable).toBe(true);
  });

  it("rejects a 200 that is not JSON", async () => {
    const { client } = clientReturning(new Response("<!doctype html>", { status: 200 }));

    expect((await rejection(client.listConferences())).kind).toBe("parse");
  });

  it("rejects JSON that is not a page of conferences", async () => {
    const { client } = clientReturning(jsonResponse({ count: 1, results: [{ slug: 1 }], next: null, previous: null }));

    expect((await rejection(client.listConferences())).kind).toBe("parse");
  });

  it("lets an abort through unchanged", async () => {
    const { client } = clientReturning(new DOMException("The operation was aborted.", "AbortError"));

    await expect(client.listConferences(AbortSignal.abort())).rejects.toMatchObject({ name: "AbortError" });
  });
});

describe("request: the CSRF token", () => {
  it("is fetched again after a sign-in, so the first write is not refused", async () => {
    const tokens = ["before-sign-in", "after-sign-in"];
    const fetch = vi.fn<FetchLike>((url, init) => {
      if (url === "/api/v1/auth/csrf") return Promise.resolve(jsonResponse({ csrf_token: tokens.shift() }));
      const token = (init?.headers as Record<string, string>)["X-CSRFToken"];
      // The server after the sign-in: only the rotated token is accepted for a write.
      if (url !== "/api/v1/auth/login" && token !== "after-sign-in") {
        return Promise.resolve(jsonResponse({ detail: "CSRF Failed: CSRF token incorrect.", errors: {} }, 403));
      }
      return Promise.resolve(jsonResponse({}, 200));
    });
    const client = createClient({ fetch });

    await client.request("POST", "/api/v1/auth/login", { json: { email: "a@example.org", password: "x" } });
    const answer = await client.request("PUT", "/api/v1/conferences/c/plan/session/1/", { json: { status: "going" } });

    expect(answer.status).toBe(200);
    const calls = fetch.mock.calls.map(([url, init]) => `${init?.method ?? "GET"} ${url}`);
    expect(calls).toEqual([
      "GET /api/v1/auth/csrf",
      "POST /api/v1/auth/login",
      "GET /api/v1/auth/csrf",
      "PUT /api/v1/conferences/c/plan/session/1/",
    ]);
  });
});
