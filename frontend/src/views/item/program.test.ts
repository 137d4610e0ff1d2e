import { describe, expect, it } from "vitest";

import { ApiError } from "../../api/client";
import type { RefreshState } from "../../app/refresher";
import type { BundleMeta } from "../../db";
import { programState, type Program } from "./program";

const program = (conf: string): Program => ({
  meta: { conf, version: 3 } as BundleMeta,
  rooms: new Map(),
  tracks: new Map(),
});
const refresh = (patch: Partial<RefreshState>): RefreshState => ({
  slug: "eccv-demo",
  syncing: false,
  error: null,
  version: null,
  checkedAt: null,
  mine: 0,
  ...patch,
});

describe("programState", () => {
  it("shows the program read for this conference, offline too", () => {
    expect(programState("eccv-demo", program("eccv-demo"), 3, false, null)).toMatchObject({ status: "ready", meta: { version: 3 } });
  });

  it("does not show another conference's program left from before a route change", () => {
    expect(programState("eccv-demo", program("cvpr"), undefined, true, null)).toEqual({ status: "loading" });
  });

  it("says missing at once offline with nothing stored", () => {
    const state = programState("eccv-demo", null, null, false, null);
    expect(state.status).toBe("missing");
    expect(state.status === "missing" && state.error instanceof ApiError && state.error.kind).toBe("network");
  });

  it("online with nothing stored, waits for the refresher's run for this conference, then says why", () => {
    expect(programState("eccv-demo", null, null, true, null)).toEqual({ status: "loading" });
    expect(programState("eccv-demo", null, null, true, refresh({ syncing: true }))).toEqual({ status: "loading" });
    expect(programState("eccv-demo", null, null, true, refresh({ slug: "cvpr", error: "other" }))).toEqual({ status: "loading" });
    expect(programState("eccv-demo", null, null, true, refresh({ error: "503" }))).toEqual({ status: "missing", error: "503" });
  });

  it("is loading while the stored version is still being read", () => {
    expect(programState("eccv-demo", null, undefined, false, null)).toEqual({ status: "loading" });
  });
});
