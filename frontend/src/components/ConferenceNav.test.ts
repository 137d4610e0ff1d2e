import { describe, expect, it } from "vitest";

import { activeTab, conferenceOf, tabHref } from "./ConferenceNav";

describe("the conference tab bar", () => {
  it("finds the conference of a path", () => {
    expect(conferenceOf("/conferences/eccv-demo/")).toBe("eccv-demo");
    expect(conferenceOf("/conferences/eccv-demo")).toBe("eccv-demo");
    expect(conferenceOf("/conferences/eccv%20x/plan")).toBe("eccv x");
    expect(conferenceOf("/signin")).toBeNull();
    expect(conferenceOf("/")).toBeNull();
  });

  it("marks the tab of each route and its pages, and none for an item", () => {
    expect(activeTab("/conferences/eccv-demo/")).toBe("now");
    expect(activeTab("/conferences/eccv-demo")).toBe("now");
    expect(activeTab("/conferences/eccv-demo/schedule")).toBe("schedule");
    expect(activeTab("/conferences/eccv-demo/plan/")).toBe("plan");
    expect(activeTab("/conferences/eccv-demo/logbook")).toBe("logbook");
    expect(activeTab("/conferences/eccv-demo/scan")).toBe("scan");
    expect(activeTab("/conferences/eccv-demo/posters/12")).toBeNull();
    expect(activeTab("/conferences/eccv-demo/logbook/new")).toBe("logbook");
    expect(activeTab("/conferences/eccv-demo/me")).toBe("me");
    expect(activeTab("/b/token")).toBeNull();
  });

  it("links every tab under the conference", () => {
    expect(tabHref("eccv-demo", "")).toBe("/conferences/eccv-demo/");
    expect(tabHref("eccv-demo", "plan")).toBe("/conferences/eccv-demo/plan");
  });
});
