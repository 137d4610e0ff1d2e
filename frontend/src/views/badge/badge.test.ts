import { describe, expect, it, vi } from "vitest";

const target = vi.hoisted(() => ({ value: "/?pick" }));
vi.mock("../shortcut/Shortcut", () => ({ shortcutTarget: async () => target.value }));

import { badgeTarget } from "./Badge";

describe("badgeTarget", () => {
  it("opens the last conference's Scan screen with the badge link filled in", async () => {
    target.value = "/conferences/eccv-demo/scan";
    expect(await badgeTarget("https://boardwalk.example/b/abc_DEF-123")).toBe(
      "/conferences/eccv-demo/scan?code=https%3A%2F%2Fboardwalk.example%2Fb%2Fabc_DEF-123",
    );
  });

  it("is nowhere when this device has no conference to scan into", async () => {
    target.value = "/?pick";
    expect(await badgeTarget("https://boardwalk.example/b/abc")).toBeNull();
  });
});
