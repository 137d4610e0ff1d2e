import "fake-indexeddb/auto";

import { afterEach, describe, expect, it, vi } from "vitest";

import { openDb, type BoardwalkDb, type ConversationFields } from "../../db";
import { clearDraft, debounce, loadDraft, saveDraft, type Draft } from "./draft";
import { emptyConversation } from "./entries";

const opened: BoardwalkDb[] = [];
let n = 0;

afterEach(() => {
  for (const db of opened.splice(0)) db.close();
  vi.useRealTimers();
});

async function open(name: string) {
  const db = await openDb({ name });
  opened.push(db);
  return db;
}

describe("drafts", () => {
  it("survive closing the database (a reload) with their photos, then are cleared", async () => {
    const name = `draft-${++n}`;
    const first = await open(name);
    const draft: Draft<ConversationFields> = {
      id: "00000000-0000-4000-8000-000000000001",
      fields: { ...emptyConversation("2026-10-22T06:30:00Z"), poster_title: "Half typed", qa: [{ question: "Why?", answer: "" }] },
      photos: [{ id: "p1", blob: new Blob([new Uint8Array([255, 216, 255])], { type: "image/jpeg" }) }],
      savedAt: "2026-10-22T06:31:00Z",
    };
    await saveDraft(first, "conversation", "new", draft);
    first.close();

    const second = await open(name);
    const back = await loadDraft<ConversationFields>(second, "conversation", "new");
    expect(back?.id).toBe(draft.id);
    expect(back?.fields.poster_title).toBe("Half typed");
    expect(back?.fields.qa).toEqual([{ question: "Why?", answer: "" }]);
    expect(back?.photos).toHaveLength(1);
    expect(back?.photos[0]!.blob.size).toBe(3);
    // Another form's draft is another key.
    expect(await loadDraft(second, "meetup", "new")).toBeUndefined();
    expect(await loadDraft(second, "conversation", draft.id)).toBeUndefined();

    await clearDraft(second, "conversation", "new");
    expect(await loadDraft(second, "conversation", "new")).toBeUndefined();
  });
});

describe("debounce", () => {
  it("calls once with the last arguments after the pause", () => {
    vi.useFakeTimers();
    const calls: string[] = [];
    const save = debounce((text: string) => calls.push(text), 400);
    save("a");
    save("ab");
    vi.advanceTimersByTime(399);
    expect(calls).toEqual([]);
    save("abc");
    vi.advanceTimersByTime(400);
    expect(calls).toEqual(["abc"]);
  });

  it("flush runs the pending call now, cancel drops it", () => {
    vi.useFakeTimers();
    const calls: string[] = [];
    const save = debounce((text: string) => calls.push(text), 400);
    save("typed");
    save.flush();
    expect(calls).toEqual(["typed"]);
    save.flush();
    expect(calls).toEqual(["typed"]);
    save("discarded");
    save.cancel();
    vi.advanceTimersByTime(1000);
    expect(calls).toEqual(["typed"]);
  });
});
