import { describe, expect, it, vi } from "vitest";

import {
  GENERIC_BODY,
  GENERIC_TITLE,
  notificationFor,
  openFromNotification,
  parsePush,
  PUSH_BADGE,
  PUSH_ICON,
  safeAppPath,
  type WindowLike,
} from "./sw-push";

const ORIGIN = "https://boardwalk.example";
const data = (text: string) => ({ text: () => text });

// The shape planner/notifications/push.py payload() sends for a reminder.
const SERVER = {
  title: "Poster 042",
  body: "Starts at Tue 14 Oct, 14:30 (Asia/Seoul), in 10 min\nHall B, board 042\nSparse 김치 transformers",
  url: "/conferences/eccv-demo/posters/17",
  tag: "reminder-5",
  kind: "reminder",
  conference: "eccv-demo",
  when: "2026-10-14T05:30:00+00:00",
};

describe("push payload → notification", () => {
  it("shows the server's title and body (time and room), tag, our icon and the item's path", () => {
    const shown = notificationFor(parsePush(data(JSON.stringify(SERVER))), ORIGIN);
    expect(shown.title).toBe("Poster 042");
    expect(shown.options.body).toBe(SERVER.body);
    expect(shown.options.tag).toBe("reminder-5");
    expect(shown.options.icon).toBe(PUSH_ICON);
    expect(shown.options.badge).toBe(PUSH_BADGE);
    expect(shown.options.timestamp).toBe(Date.parse(SERVER.when));
    expect(shown.options.data).toEqual({ url: SERVER.url, kind: "reminder", conference: "eccv-demo", when: SERVER.when });
  });

  it.each([
    ["no data", null],
    ["not JSON", data("{oops")],
    ["JSON but not an object", data("[1, 2]")],
    ["null", data("null")],
    ["wrong types", data(JSON.stringify({ title: 3, body: { a: 1 }, url: 5, when: "never" }))],
    ["text() throws", { text: () => { throw new Error("bad utf-8"); } }],
  ])("a malformed payload (%s) still shows a generic notification", (_name, input) => {
    const shown = notificationFor(parsePush(input), ORIGIN);
    expect(shown.title).toBe(GENERIC_TITLE);
    expect(shown.options.body).toBe(GENERIC_BODY);
    expect(shown.options.data.url).toBe("/");
    expect(shown.options.tag).toBeUndefined();
    expect(shown.options.timestamp).toBeUndefined();
  });

  it("a payload with only a title shows it with an empty body", () => {
    const shown = notificationFor(parsePush(data(JSON.stringify({ title: "Session moved" }))), ORIGIN);
    expect(shown.title).toBe("Session moved");
    expect(shown.options.body).toBe("");
  });

  it("never lets a push send the app to another site", () => {
    const evil = notificationFor({ ...SERVER, url: "https://evil.example/phish" }, ORIGIN);
    expect(evil.options.data.url).toBe("/");
  });
});

describe("safeAppPath", () => {
  it.each([
    ["/conferences/eccv-demo/sessions/3", "/conferences/eccv-demo/sessions/3"],
    ["/conferences/x/plan?day=2#now", "/conferences/x/plan?day=2#now"],
    [`${ORIGIN}/conferences/x/`, "/conferences/x/"],
    ["https://evil.example/", "/"],
    ["//evil.example/x", "/"],
    ["javascript:alert(1)", "/"],
    ["", "/"],
    [42, "/"],
    [null, "/"],
  ])("%s → %s", (input, expected) => expect(safeAppPath(input, ORIGIN)).toBe(expected));
});

function fakeWindow(url: string, focused = false): WindowLike & { navigate: ReturnType<typeof vi.fn>; focus: ReturnType<typeof vi.fn> } {
  return { url, focused, navigate: vi.fn(async () => null), focus: vi.fn(async () => null) };
}

describe("notification click", () => {
  const path = "/conferences/eccv-demo/sessions/3";

  it("navigates the focused app window to the item and focuses it", async () => {
    const other = fakeWindow(`${ORIGIN}/conferences/eccv-demo/plan`);
    const focused = fakeWindow(`${ORIGIN}/conferences/eccv-demo/logbook`, true);
    const open = vi.fn(async () => null);
    expect(await openFromNotification(path, ORIGIN, [other, focused], open)).toBe("navigated");
    expect(focused.navigate).toHaveBeenCalledWith(`${ORIGIN}${path}`);
    expect(focused.focus).toHaveBeenCalled();
    expect(other.navigate).not.toHaveBeenCalled();
    expect(open).not.toHaveBeenCalled();
  });

  it("uses the first app window when none is focused, and does not reload one already there", async () => {
    const there = fakeWindow(`${ORIGIN}${path}`);
    expect(await openFromNotification(path, ORIGIN, [there], vi.fn())).toBe("navigated");
    expect(there.navigate).not.toHaveBeenCalled();
    expect(there.focus).toHaveBeenCalled();
  });

  it("still navigates when focusing is refused", async () => {
    const win = fakeWindow(`${ORIGIN}/`);
    win.focus.mockRejectedValue(new DOMException("Not allowed to focus a window.", "InvalidAccessError"));
    expect(await openFromNotification(path, ORIGIN, [win], vi.fn())).toBe("navigated");
    expect(win.navigate).toHaveBeenCalledWith(`${ORIGIN}${path}`);
  });

  it("opens a new window when no window of the app is open", async () => {
    const foreign = fakeWindow("https://elsewhere.example/");
    const open = vi.fn(async () => null);
    expect(await openFromNotification(path, ORIGIN, [foreign], open)).toBe("opened");
    expect(open).toHaveBeenCalledWith(path);
    expect(foreign.navigate).not.toHaveBeenCalled();
  });
});
