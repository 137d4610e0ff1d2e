import { describe, expect, it } from "vitest";

import { createClient, type FetchLike } from "../api/client";
import { fetchMe, signIn, signOut, signUp } from "./session";

interface Call {
  method: string;
  path: string;
  body: unknown;
  csrf: string | null;
}

/** A server answering auth/csrf, then `answers` in order for the other calls. */
function server(answers: Response[]): { fetch: FetchLike; calls: Call[] } {
  const calls: Call[] = [];
  const fetch: FetchLike = async (input, init = {}) => {
    const path = input;
    if (path === "/api/v1/auth/csrf") return Response.json({ csrf_token: "tok" });
    const headers = new Headers(init.headers);
    calls.push({
      method: init.method ?? "GET",
      path,
      body: typeof init.body === "string" ? JSON.parse(init.body) : null,
      csrf: headers.get("X-CSRFToken"),
    });
    const next = answers.shift();
    if (!next) throw new TypeError("Failed to fetch");
    return next;
  };
  return { fetch, calls };
}

const ME = { id: 3, email: "attendee@example.org", display_name: "Ada", date_joined: "2026-01-01T00:00:00Z" };

describe("session", () => {
  it("signs in with the CSRF token and returns the account", async () => {
    const s = server([Response.json(ME)]);
    const result = await signIn(createClient({ fetch: s.fetch }), "attendee", "boardwalk-attendee");
    expect(result).toEqual({ ok: true, me: ME });
    expect(s.calls).toEqual([
      { method: "POST", path: "/api/v1/auth/login", body: { email: "attendee", password: "boardwalk-attendee" }, csrf: "tok" },
    ]);
  });

  it("keeps the server's field errors and detail on a 400", async () => {
    const s = server([
      Response.json({ detail: "Invalid input.", errors: { password: ["This password is too short.", 7], email: [] } }, { status: 400 }),
    ]);
    const result = await signUp(createClient({ fetch: s.fetch }), "a@b.org", "x", "Ada");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure.errors).toEqual({ password: ["This password is too short."] });
    expect(result.failure.error.status).toBe(400);
    expect(result.failure.error.message).toBe("Invalid input.");
    expect(result.failure.retryAfter).toBeNull();
    expect(s.calls[0]?.body).toEqual({ email: "a@b.org", password: "x", display_name: "Ada" });
  });

  it("reads the lockout's Retry-After on a 429", async () => {
    const s = server([
      Response.json({ detail: "Too many failed sign-ins.", errors: {} }, { status: 429, headers: { "Retry-After": "300" } }),
    ]);
    const result = await signIn(createClient({ fetch: s.fetch }), "attendee", "wrong");
    expect(result.ok ? null : result.failure.retryAfter).toBe(300);
    expect(result.ok ? null : result.failure.error.status).toBe(429);
  });

  it("says who is signed in, null when nobody is, and throws offline", async () => {
    const s = server([Response.json(ME), Response.json({ detail: "Not signed in.", errors: {} }, { status: 403 })]);
    const client = createClient({ fetch: s.fetch });
    expect(await fetchMe(client)).toEqual(ME);
    expect(await fetchMe(client)).toBeNull();
    await expect(fetchMe(client)).rejects.toMatchObject({ kind: "network" });
  });

  it("signs out with a POST", async () => {
    const s = server([new Response(null, { status: 204 })]);
    await signOut(createClient({ fetch: s.fetch }));
    expect(s.calls.map((c) => [c.method, c.path, c.csrf])).toEqual([["POST", "/api/v1/auth/logout", "tok"]]);
  });
});
