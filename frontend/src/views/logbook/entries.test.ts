import { describe, expect, it } from "vitest";

import type { ConversationFields, FailedWrite } from "../../db";
import {
  checkConversation,
  checkMeetup,
  compareConflict,
  conversationToSend,
  emptyConversation,
  emptyMeetup,
  failedFor,
  failedMessages,
  matchChoices,
  newConversationFields,
  newestFirst,
  nowToMinute,
  parseTags,
  placeOf,
  withPlace,
} from "./entries";

const AT = "2026-10-22T06:30:00Z";

describe("newestFirst", () => {
  it("orders by when it happened, then by last write", () => {
    const rows = [
      { id: "a", at: "2026-10-22T06:00:00Z", updatedAt: "2026-10-22T07:00:00Z" },
      { id: "b", at: "2026-10-23T06:00:00Z", updatedAt: "2026-10-22T07:00:00Z" },
      { id: "c", at: "2026-10-22T06:00:00Z", updatedAt: "2026-10-22T09:00:00Z" },
    ];
    expect(newestFirst(rows, (r) => r.at).map((r) => r.id)).toEqual(["b", "c", "a"]);
  });
});

describe("nowToMinute", () => {
  it("drops seconds and milliseconds", () => {
    expect(nowToMinute(Date.parse("2026-10-22T06:30:59.999Z"))).toBe("2026-10-22T06:30:00.000Z");
  });
});

describe("tags", () => {
  it("splits on commas, trims, drops empties and repeats (case-insensitively)", () => {
    expect(parseTags(" research, ml,, Vision ,ML")).toEqual(["research", "ml", "Vision"]);
    expect(parseTags("")).toEqual([]);
  });
});

describe("conversationToSend", () => {
  it("drops empty Q&A rows and the free title when a poster is chosen", () => {
    const fields: ConversationFields = {
      ...emptyConversation(AT, 12),
      poster_title: "stale title",
      qa: [
        { question: "Does it scale?", answer: "" },
        { question: " ", answer: "" },
      ],
      tags: ["demo", " demo", "x"],
    };
    const sent = conversationToSend(fields);
    expect(sent.poster_title).toBe("");
    expect(sent.qa).toEqual([{ question: "Does it scale?", answer: "" }]);
    expect(sent.tags).toEqual(["demo", "x"]);
  });
});

describe("checks before saving", () => {
  it("asks for a poster or a title, and a question for every answer", () => {
    const problems = checkConversation({ ...emptyConversation(AT), qa: [{ question: "", answer: "It does" }] });
    expect(problems).toEqual({ poster: ["needPoster"], qa: ["needQuestion"] });
    expect(checkConversation({ ...emptyConversation(AT), poster_title: "Free" })).toEqual({});
    expect(checkConversation(emptyConversation(AT, 7))).toEqual({});
  });

  it("says what is too long or too many", () => {
    const problems = checkConversation({ ...emptyConversation(AT), poster_title: "x".repeat(501), tags: Array.from({ length: 31 }, (_, i) => `t${i}`) });
    expect(problems.poster_title).toEqual(["tooLong"]);
    expect(problems.tags).toEqual(["tooMany"]);
  });

  it("asks a meetup for someone, named or an attendee", () => {
    expect(checkMeetup(emptyMeetup(AT))).toEqual({ contact_name: ["needPerson"] });
    expect(checkMeetup({ ...emptyMeetup(AT), other: 4 })).toEqual({});
    expect(checkMeetup({ ...emptyMeetup(AT), contact_name: "Noa" })).toEqual({});
  });
});

describe("meetup place", () => {
  it("keeps at most one place", () => {
    const withBooth = withPlace({ ...emptyMeetup(AT), session: 3 }, { kind: "booth", id: 9 });
    expect(withBooth.session).toBeNull();
    expect(placeOf(withBooth)).toEqual({ kind: "booth", id: 9 });
    expect(placeOf(withPlace(withBooth, null))).toBeNull();
  });
});

describe("compareConflict", () => {
  it("marks the fields that differ, treating null and empty as the same", () => {
    const mine = { ...emptyConversation(AT, 5), notes: "mine", tags: ["demo"] };
    const theirs = { ...mine, id: "x", version: 3, notes: "theirs", poster_title: "", qa: [] as never[], rating: null };
    const rows = compareConflict({ type: "conversation", mine, theirs: theirs as never });
    const differ = rows.filter((r) => r.differs).map((r) => r.field);
    expect(differ).toEqual(["notes"]);
    expect(rows.find((r) => r.field === "notes")).toMatchObject({ mine: "mine", theirs: "theirs" });
  });

  it("compares times as instants, however they are written", () => {
    const mine = { ...emptyConversation("2026-10-22T06:30:00.000Z"), poster_title: "x" };
    const theirs = { ...mine, talked_at: "2026-10-22T09:30:00+03:00" };
    expect(compareConflict({ type: "conversation", mine, theirs: theirs as never }).filter((r) => r.differs)).toEqual([]);
    const later = { ...mine, talked_at: "2026-10-22T06:31:00Z" };
    expect(compareConflict({ type: "conversation", mine, theirs: later as never }).filter((r) => r.differs).map((r) => r.field)).toEqual(["talked_at"]);
  });

  it("compares a delete of mine against every field of theirs", () => {
    const theirs = { ...emptyMeetup(AT), contact_name: "Noa", id: "x", version: 2 };
    const rows = compareConflict({ type: "meetup", mine: null, theirs: theirs as never });
    expect(rows.filter((r) => r.differs).map((r) => r.field)).toEqual(["contact_name", "met_at"]);
  });
});

describe("failed writes", () => {
  const write = (entity: string, errors: Record<string, string[]>, detail = "Invalid input.") =>
    ({ seq: 1, entity, errors, detail }) as unknown as FailedWrite;

  it("are found by the entry they belong to", () => {
    const all = [write("a", {}), write("b", {}), write("a", {})];
    expect(failedFor(all, "a")).toHaveLength(2);
  });

  it("list field messages, or the detail when no field is named", () => {
    expect(failedMessages(write("a", { contact_email: ["Enter a valid email address."] }))).toEqual([
      { field: "contact_email", message: "Enter a valid email address." },
    ]);
    expect(failedMessages(write("a", { "data.qa.0.question": ["This field may not be blank."] }))).toEqual([
      { field: "qa.0.question", message: "This field may not be blank." },
    ]);
    expect(failedMessages(write("a", {}, "Not allowed."))).toEqual([{ field: null, message: "Not allowed." }]);
  });
});

describe("matchChoices", () => {
  const posters = [
    { id: 1, label: "A-104 · Diffusion for depth" },
    { id: 2, label: "042 · Gaussian splats in the wild" },
    { id: 3, label: "043 · Depth from defocus" },
  ];

  it("finds by board, those starting with it first", () => {
    expect(matchChoices(posters, "04").map((c) => c.id)).toEqual([2, 3, 1]);
  });

  it("needs every word, in any order and case", () => {
    expect(matchChoices(posters, "DEPTH defocus").map((c) => c.id)).toEqual([3]);
  });

  it("gives nothing for an empty query and stops at the limit", () => {
    expect(matchChoices(posters, "  ")).toEqual([]);
    expect(matchChoices(posters, "·", 2)).toHaveLength(2);
  });
});

describe("newConversationFields", () => {
  const draft: ConversationFields = { ...emptyConversation(AT, 7), talked_to: "Dr. Kim", notes: "Half typed" };

  it("opens empty, on the poster asked for, without a draft", () => {
    expect(newConversationFields(undefined, 12, AT)).toEqual(emptyConversation(AT, 12));
  });

  it("keeps the draft's text but takes the poster asked for", () => {
    const fields = newConversationFields(draft, 12, "2026-10-23T00:00:00Z");
    expect(fields.poster).toBe(12);
    expect(fields.talked_to).toBe("Dr. Kim");
    expect(fields.notes).toBe("Half typed");
    expect(fields.talked_at).toBe(AT);
  });

  it("keeps the draft's poster when none is asked for", () => {
    expect(newConversationFields(draft, null, AT)).toEqual(draft);
  });
});
