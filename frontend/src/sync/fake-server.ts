/**
 * Tests only: a fake `fetch` that answers like the Boardwalk API for the endpoints the outbox
 * and the bundle use, with the server's rules (planner/services/logbook.py): an entry is made
 * once per client UUID, a write equal to the stored entry is a replay (200, same body), an edit
 * must name the stored version (none → 409, another → 412 with `current`), a delete tombstones.
 * Faults are injected per request: drop it before the server sees it, or lose the answer after
 * the server applied it (the page closing mid-replay), or answer a given status.
 */

import type { Bundle, FetchLike } from "../api/client";

/** null: answer normally. */
export type Fault = "offline" | "lost" | number | null;

interface Entry {
  type: "conversation" | "meetup";
  id: string;
  version: number;
  fields: Record<string, unknown>;
  deleted: boolean;
  /** Position in the changes feed: bumped by every write (the feed's cursor is the last one). */
  seq?: number;
}

export interface Seen {
  method: string;
  path: string;
  body: unknown;
  bytes: number;
  headers: Record<string, string>;
}

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(body === null ? null : JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}

export class FakeServer {
  entries = new Map<string, Entry>();
  plan = new Map<string, Record<string, unknown>>();
  photos = new Map<string, { conversation: string; size: number; type: string }>();
  requests: Seen[] = [];
  faults: Fault[] = [];
  /** Badge tokens the scans/ endpoint knows: token → the attendee and the name they share. */
  badges = new Map<string, { other: number; name: string }>();
  /** Bundles by version; `bundle(since)` answers like planner/api/views/bundle.py. */
  bundles = new Map<number, Bundle>();
  version = 0;
  conferenceId = 7;
  private changeSeq = 0;

  readonly fetch: FetchLike = async (input, init = {}) => {
    const url = new URL(input, "http://test");
    const method = init.method ?? "GET";
    const headers = Object.fromEntries(Object.entries((init.headers ?? {}) as Record<string, string>));
    let body: unknown = null;
    let bytes = 0;
    if (typeof init.body === "string") {
      bytes = new TextEncoder().encode(init.body).length;
      body = JSON.parse(init.body);
    } else if (init.body instanceof FormData) {
      body = init.body;
    }
    if (!url.pathname.endsWith("/auth/csrf")) this.requests.push({ method, path: url.pathname + url.search, body, bytes, headers });
    const fault = url.pathname.endsWith("/auth/csrf") ? undefined : this.faults.shift();
    if (fault === "offline") throw new TypeError("Failed to fetch");
    if (typeof fault === "number") return json({ detail: `Injected ${fault}`, errors: {} }, fault, fault === 503 ? { "Retry-After": "1" } : {});
    const response = await this.answer(method, url, headers, body);
    if (fault === "lost") throw new TypeError("Failed to fetch"); // applied, answer never arrived
    return response;
  };

  private async answer(method: string, url: URL, headers: Record<string, string>, body: unknown): Promise<Response> {
    const path = url.pathname;
    if (path === "/api/v1/auth/csrf") return json({ csrf_token: "token" });
    if (method !== "GET" && headers["X-CSRFToken"] !== "token") {
      return json({ detail: "CSRF Failed: CSRF token missing.", errors: {} }, 403);
    }
    let match = /^\/api\/v1\/conferences\/[^/]+\/bundle$/.exec(path);
    if (match) return this.bundle(url, headers);
    if (/\/changes\/$/.test(path) && method === "GET") return this.changes(url);
    if (/\/plan\/$/.test(path) && method === "GET") return this.planPage(url);
    if (/\/sync\/$/.test(path) && method === "POST") {
      return json((body as Record<string, unknown>[]).map((write) => this.write(write)));
    }
    if (/\/scans\/$/.test(path) && method === "POST") return this.scan(body as Record<string, unknown>);
    match = /\/plan\/(\w+)\/(\d+)\/$/.exec(path);
    if (match) {
      const key = `${match[1]}/${match[2]}`;
      if (method === "PUT") {
        const created = !this.plan.has(key);
        this.plan.set(key, body as Record<string, unknown>);
        return json({ id: 1, ...(body as object) }, created ? 201 : 200);
      }
      if (!this.plan.delete(key)) return json({ detail: "Not found.", errors: {} }, 404);
      return new Response(null, { status: 204 });
    }
    match = /\/conversations\/([\w-]+)\/photos\/$/.exec(path);
    if (match && method === "POST") {
      const form = body as FormData;
      const id = String(form.get("id"));
      const image = form.get("image") as Blob;
      if (!this.entries.has(match[1]!)) return json({ detail: "Not found.", errors: {} }, 404);
      const created = !this.photos.has(id);
      if (created) this.photos.set(id, { conversation: match[1]!, size: image.size, type: image.type });
      return json({ id, content_type: image.type, size: image.size, url: path + id + "/", created_at: "" }, created ? 201 : 200);
    }
    match = /\/conversations\/[\w-]+\/photos\/([\w-]+)\/$/.exec(path);
    if (match && method === "DELETE") {
      if (!this.photos.delete(match[1]!)) return json({ detail: "Not found.", errors: {} }, 404);
      return new Response(null, { status: 204 });
    }
    return json({ detail: "Not found.", errors: {} }, 404);
  }

  /** POST scans/ as planner/services/badges.py: once per UUID, once per badge (the pair). */
  private scan(body: Record<string, unknown>): Response {
    const id = String(body.id);
    const token = String(body.badge).split("/").pop() ?? "";
    const badge = this.badges.get(token);
    if (!badge) return json({ detail: "This is not a badge of this conference.", errors: { badge: ["This is not a badge of this conference."] } }, 400);
    const same = this.entries.get(id);
    if (same) return json(this.render(same), 200);
    const met = [...this.entries.values()].find((e) => e.type === "meetup" && !e.deleted && e.fields.other === badge.other);
    if (met) return json(this.render(met), 200);
    const { badge: _read, id: _id, ...rest } = body;
    const entry: Entry = { type: "meetup", id, version: 1, fields: { ...rest, other: badge.other, source: "badge_scan", contact_name: badge.name }, deleted: false };
    this.entries.set(id, entry);
    this.touched(entry);
    return json(this.render(entry), 201);
  }

  render(entry: Entry): Record<string, unknown> {
    // The server fills what a PUT left out with its defaults.
    const defaults =
      entry.type === "conversation"
        ? { poster: null, poster_title: "", talked_to: "", qa: [], rating: null, tags: [], notes: "", follow_up: "", follow_up_done: false, photos: [] }
        : { other: null, source: "manual", contact_name: "", contact_affiliation: "", contact_email: "", contact_details: {}, session: null, oral: null, poster: null, booth: null, meal: null, notes: "", follow_up: "", follow_up_done: false };
    return { ...defaults, id: entry.id, version: entry.version, ...entry.fields, deleted: entry.deleted };
  }

  /** Another device's edit: the server's copy moves on. */
  editElsewhere(id: string, fields: Record<string, unknown>): void {
    const entry = this.entries.get(id)!;
    entry.fields = { ...entry.fields, ...fields };
    entry.version++;
    this.touched(entry);
  }

  /** Another device's new entry (or, with `deleted`, its tombstone). */
  createElsewhere(type: Entry["type"], id: string, fields: Record<string, unknown>): void {
    const entry: Entry = { type, id, version: 1, fields, deleted: false };
    this.entries.set(id, entry);
    this.touched(entry);
  }

  deleteElsewhere(id: string): void {
    const entry = this.entries.get(id)!;
    entry.deleted = true;
    entry.version++;
    this.touched(entry);
  }

  private touched(entry: Entry): void {
    entry.seq = ++this.changeSeq;
  }

  /** GET changes/: entries written after the cursor (a seq here), oldest first. */
  private changes(url: URL): Response {
    const after = Number(url.searchParams.get("cursor") || "0");
    const limit = Number(url.searchParams.get("limit") || "100");
    const newer = [...this.entries.values()].filter((e) => (e.seq ?? 0) > after).sort((a, b) => a.seq! - b.seq!);
    const page = newer.slice(0, limit);
    const results = page.map((entry) => ({
      type: entry.type,
      id: entry.id,
      version: entry.version,
      updated_at: "2026-10-24T08:00:00Z",
      deleted: entry.deleted,
      conversation: entry.type === "conversation" ? this.render(entry) : null,
      meetup: entry.type === "meetup" ? this.render(entry) : null,
    }));
    const next = page.length ? String(page.at(-1)!.seq) : url.searchParams.get("cursor") ?? "";
    return json({ results, next_cursor: next, has_more: newer.length > limit });
  }

  /** GET plan/: the plan as PlanItems, `page_size` per page. */
  private planPage(url: URL): Response {
    const page = Number(url.searchParams.get("page") || "1");
    const size = Number(url.searchParams.get("page_size") || "50");
    const all = [...this.plan.entries()].map(([key, body], i) => {
      const [kind, id] = key.split("/");
      return {
        id: i + 1,
        status: "interested",
        note: "",
        reminder_minutes: null,
        visit_start: null,
        visit_end: null,
        ...body,
        target: { kind, id: Number(id), title: key, start: null, end: null, room_id: null, room: null, board: null, session_id: null, cancelled: false },
        created_at: "2026-10-24T08:00:00Z",
        updated_at: "2026-10-24T08:00:00Z",
      };
    });
    const results = all.slice((page - 1) * size, page * size);
    const next = page * size < all.length ? `http://test${url.pathname}?page=${page + 1}&page_size=${size}` : null;
    return json({ count: all.length, next, previous: null, results });
  }

  private write(raw: Record<string, unknown>): Record<string, unknown> {
    const id = String(raw.id);
    const type = raw.type as Entry["type"];
    const base = (raw.base_version ?? null) as number | null;
    const entry = this.entries.get(id);
    if (raw.op === "delete") {
      if (!entry) return { id, status: 404, detail: "Not found.", errors: {} };
      if (entry.deleted) return { id, status: 204 };
      if (base !== null && base !== entry.version) return { id, status: 412, detail: "Stale.", errors: {}, current: this.render(entry) };
      entry.deleted = true;
      entry.version++;
      this.touched(entry);
      return { id, status: 204 };
    }
    const fields = raw.data as Record<string, unknown>;
    if (type === "conversation" && fields.poster == null && !fields.poster_title) {
      const message = "Give the poster, or its title when it is not in the program.";
      return { id, status: 400, detail: "Invalid input.", errors: { "data.poster": [message] } };
    }
    if (!entry) {
      const created: Entry = { type, id, version: 1, fields, deleted: false };
      this.entries.set(id, created);
      this.touched(created);
      return { id, status: 201, body: this.render(created) };
    }
    if (!entry.deleted && JSON.stringify(entry.fields) === JSON.stringify(fields)) {
      return { id, status: 200, body: this.render(entry) };
    }
    if (base === null) return { id, status: 409, detail: "Send the version.", errors: { base_version: ["Send the version."] }, current: this.render(entry) };
    if (base !== entry.version) {
      return { id, status: 412, detail: `Edited from version ${base}, but the entry is at version ${entry.version}.`, errors: {}, current: this.render(entry) };
    }
    entry.fields = fields;
    entry.deleted = false;
    entry.version++;
    this.touched(entry);
    return { id, status: 200, body: this.render(entry) };
  }

  /** How many rows the server holds for an id: the "exactly once" check. */
  rowsFor(id: string): number {
    return this.entries.has(id) ? 1 : 0;
  }

  private bundle(url: URL, headers: Record<string, string>): Response {
    const raw = url.searchParams.get("since");
    let since = raw === null ? null : Number(raw);
    if (since !== null && since > this.version) since = null; // beyond the server: full
    const tag = `"bundle-${this.conferenceId}-v${this.version}${since === null ? "" : `-since${since}`}"`;
    if (headers["If-None-Match"] === tag) return new Response(null, { status: 304, headers: { ETag: tag } });
    const current = this.bundles.get(this.version)!;
    let body: Bundle = { ...current, since, full: since === null };
    if (since !== null) {
      // Rows changed after `since`: those that differ from the bundle at `since`.
      const old = this.bundles.get(since)!;
      const changed = <T extends { id: number }>(now: T[], before: T[]) =>
        now.filter((row) => JSON.stringify(before.find((b) => b.id === row.id)) !== JSON.stringify(row));
      body = {
        ...body,
        people: changed(current.people, old.people),
        papers: changed(current.papers, old.papers),
        sessions: changed(current.sessions, old.sessions),
        orals: changed(current.orals, old.orals),
        posters: changed(current.posters, old.posters),
        booths: changed(current.booths, old.booths),
        meals: changed(current.meals, old.meals),
      };
    }
    return json(body, 200, { ETag: tag });
  }
}
