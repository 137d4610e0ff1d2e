/**
 * The logbook's pure logic: ordering, what a form sends, checks before saving, and the
 * field-by-field comparison a conflict shows.
 */

import type { ConflictRecord, ConversationFields, FailedWrite, MeetupFields } from "../../db";

export type QaPair = { question: string; answer: string };

/** The tags offered as toggles (logbookTag.* in the catalogs); others are typed. */
export const KNOWN_TAGS = ["hiring", "demo", "swag", "research", "startup"] as const;
export type KnownTag = (typeof KNOWN_TAGS)[number];

export const isKnownTag = (tag: string): tag is KnownTag => (KNOWN_TAGS as readonly string[]).includes(tag);

/** Server limits (planner/api/serializers/logbook.py), checked before saving. */
export const LIMITS = { posterTitle: 500, talkedTo: 200, question: 2000, answer: 5000, qa: 100, tag: 50, tags: 30, text: 20000 };

/** Newest first by when it happened, then by when it was last written. */
export function newestFirst<T extends { updatedAt: string }>(records: readonly T[], when: (r: T) => string): T[] {
  return [...records].sort((a, b) => when(b).localeCompare(when(a)) || b.updatedAt.localeCompare(a.updatedAt));
}

/** "research, ml,, Vision " → ["research", "ml", "Vision"]: trimmed, no empties, no repeats. */
export function parseTags(text: string): string[] {
  return uniqueTags(text.split(","));
}

export function uniqueTags(tags: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of tags) {
    const tag = raw.trim();
    if (tag && !seen.has(tag.toLowerCase())) {
      seen.add(tag.toLowerCase());
      out.push(tag);
    }
  }
  return out;
}

/** Rows left wholly empty are not sent (an "add a question" row never filled in). */
export function filledPairs(pairs: readonly QaPair[]): QaPair[] {
  return pairs.filter((p) => p.question.trim() || p.answer.trim());
}

/** Now, to the minute: what a datetime-local input shows, so a saved entry matches its form. */
export function nowToMinute(now: number = Date.now()): string {
  return new Date(Math.floor(now / 60_000) * 60_000).toISOString();
}

export function emptyConversation(talkedAt: string, poster: number | null = null): ConversationFields {
  return {
    poster,
    poster_title: "",
    talked_to: "",
    talked_at: talkedAt,
    qa: [],
    rating: null,
    tags: [],
    notes: "",
    follow_up: "",
    follow_up_done: false,
  };
}

/**
 * The fields a new conversation form opens with: the draft's, or empty ones. A poster asked
 * for in the URL (`?poster=` from a poster's "Log a conversation") wins over the draft's: the
 * draft's text stays, but the conversation is about the poster the attendee just came from.
 */
export function newConversationFields(draft: ConversationFields | undefined, poster: number | null, talkedAt: string): ConversationFields {
  if (!draft) return emptyConversation(talkedAt, poster);
  return poster === null ? draft : { ...draft, poster };
}

export function emptyMeetup(metAt: string): MeetupFields {
  return {
    other: null,
    source: "manual",
    contact_name: "",
    contact_affiliation: "",
    contact_email: "",
    contact_details: {},
    met_at: metAt,
    session: null,
    oral: null,
    poster: null,
    booth: null,
    meal: null,
    notes: "",
    follow_up: "",
    follow_up_done: false,
  };
}

/** What a conversation form sends: empty Q&A rows dropped, tags cleaned, the free title
 * dropped when a poster is chosen (the server keeps one or the other). */
export function conversationToSend(fields: ConversationFields): ConversationFields {
  return {
    ...fields,
    poster_title: fields.poster != null ? "" : fields.poster_title.trim(),
    qa: filledPairs(fields.qa ?? []),
    tags: uniqueTags(fields.tags ?? []),
  };
}

/** Error keys (logbookForm.*) by field: what the server would refuse, said before saving. */
export type FieldProblems = Record<string, ("needPoster" | "needQuestion" | "needPerson" | "needTime" | "tooLong" | "tooMany")[]>;

function add(problems: FieldProblems, field: string, problem: FieldProblems[string][number]): void {
  (problems[field] ??= []).push(problem);
}

export function checkConversation(fields: ConversationFields): FieldProblems {
  const problems: FieldProblems = {};
  if (fields.poster == null && !fields.poster_title.trim()) add(problems, "poster", "needPoster");
  if (fields.poster_title.length > LIMITS.posterTitle) add(problems, "poster_title", "tooLong");
  if (fields.talked_to.length > LIMITS.talkedTo) add(problems, "talked_to", "tooLong");
  if (!fields.talked_at) add(problems, "talked_at", "needTime");
  const qa = filledPairs(fields.qa ?? []);
  if (qa.some((p) => !p.question.trim())) add(problems, "qa", "needQuestion");
  if (qa.some((p) => p.question.length > LIMITS.question || p.answer.length > LIMITS.answer)) add(problems, "qa", "tooLong");
  if (qa.length > LIMITS.qa) add(problems, "qa", "tooMany");
  const tags = uniqueTags(fields.tags ?? []);
  if (tags.length > LIMITS.tags) add(problems, "tags", "tooMany");
  if (tags.some((t) => t.length > LIMITS.tag)) add(problems, "tags", "tooLong");
  if (fields.notes.length > LIMITS.text) add(problems, "notes", "tooLong");
  if (fields.follow_up.length > LIMITS.text) add(problems, "follow_up", "tooLong");
  return problems;
}

export function checkMeetup(fields: MeetupFields): FieldProblems {
  const problems: FieldProblems = {};
  if (fields.other == null && !fields.contact_name.trim()) add(problems, "contact_name", "needPerson");
  if (fields.contact_name.length > 200) add(problems, "contact_name", "tooLong");
  if (fields.contact_affiliation.length > 300) add(problems, "contact_affiliation", "tooLong");
  if (!fields.met_at) add(problems, "met_at", "needTime");
  if (fields.notes.length > LIMITS.text) add(problems, "notes", "tooLong");
  if (fields.follow_up.length > LIMITS.text) add(problems, "follow_up", "tooLong");
  return problems;
}

export const MEETUP_PLACES = ["session", "oral", "poster", "booth", "meal"] as const;
export type MeetupPlace = (typeof MEETUP_PLACES)[number];

/** Which place a meetup names (the server takes at most one). */
export function placeOf(fields: MeetupFields): { kind: MeetupPlace; id: number } | null {
  for (const kind of MEETUP_PLACES) {
    const id = fields[kind];
    if (id != null) return { kind, id };
  }
  return null;
}

/** The meetup with its place set to `place` (and every other place cleared). */
export function withPlace(fields: MeetupFields, place: { kind: MeetupPlace; id: number } | null): MeetupFields {
  const cleared = { ...fields, session: null, oral: null, poster: null, booth: null, meal: null };
  return place ? { ...cleared, [place.kind]: place.id } : cleared;
}

/** The fields a conflict compares, in form order. */
export const CONVERSATION_COMPARED = ["poster", "poster_title", "talked_to", "talked_at", "qa", "rating", "tags", "notes", "follow_up", "follow_up_done"] as const;
export const MEETUP_COMPARED = [
  "contact_name",
  "contact_affiliation",
  "contact_email",
  "met_at",
  ...MEETUP_PLACES,
  "notes",
  "follow_up",
  "follow_up_done",
] as const;

export interface FieldComparison {
  field: string;
  mine: unknown;
  theirs: unknown;
  differs: boolean;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Canonical form for comparing: absent, null, false, "" and [] are all "nothing"; the rest by value. */
function canonical(value: unknown): string {
  if (value === undefined || value === null || value === "" || value === false) return "";
  if (Array.isArray(value) && value.length === 0) return "";
  // The same instant written two ways ("…:00Z" here, "…:00.000000Z" from the server).
  if (typeof value === "string" && ISO_INSTANT.test(value)) return String(Date.parse(value));
  return JSON.stringify(value);
}

/**
 * Mine and theirs, field by field, for the conflict view. A delete of mine (mine null) or a
 * copy gone from the server (theirs null) compares every field against nothing.
 */
export function compareConflict(conflict: Pick<ConflictRecord, "type" | "mine" | "theirs">): FieldComparison[] {
  const fields = conflict.type === "conversation" ? CONVERSATION_COMPARED : MEETUP_COMPARED;
  const mine = (conflict.mine ?? {}) as Record<string, unknown>;
  const theirs = (conflict.theirs ?? {}) as Record<string, unknown>;
  return fields.map((field) => ({
    field,
    mine: mine[field],
    theirs: theirs[field],
    differs: canonical(mine[field]) !== canonical(theirs[field]),
  }));
}

/** The refused writes that belong to one logbook entry (to show on its form). */
export function failedFor(failed: readonly FailedWrite[], entity: string): FailedWrite[] {
  return failed.filter((write) => write.entity === entity);
}

/** The form field a server error key names: a batch (`sync/`) answers about its write's
 * `data.<field>`; a nested one ends in its row (`qa.0.question`), kept for the form to match. */
export function errorField(key: string): string {
  return key.startsWith("data.") ? key.slice("data.".length) : key;
}

/** A refused write's messages as "field: message" lines (the detail when no field is named). */
export function failedMessages(write: Pick<FailedWrite, "detail" | "errors">): { field: string | null; message: string }[] {
  const lines = Object.entries(write.errors ?? {}).flatMap(([field, messages]) =>
    (Array.isArray(messages) ? messages : [messages]).map((message) => ({
      field: errorField(field),
      message: typeof message === "string" ? message : JSON.stringify(message),
    })),
  );
  return lines.length ? lines : [{ field: null, message: write.detail }];
}

/** Something a form can point at: a poster, a session, a booth… */
export interface Choice {
  id: number;
  label: string;
}

/**
 * The choices whose label contains every word of the query (case-insensitive), those starting
 * with the query first (a board typed as "04" finds "042" before "A-104"), at most `limit`.
 */
export function matchChoices(choices: readonly Choice[], query: string, limit = 8): Choice[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [];
  const head = words.join(" ");
  const found = choices.filter((c) => {
    const label = c.label.toLowerCase();
    return words.every((w) => label.includes(w));
  });
  const starts = (c: Choice) => (c.label.toLowerCase().startsWith(head) ? 0 : 1);
  return found.sort((a, b) => starts(a) - starts(b)).slice(0, limit);
}
