import { describe, expect, it } from "vitest";

import { markScheduleReady, READY_MARK, scheduleReady } from "./ready";

describe("the schedule-ready mark", () => {
  it("waits at most its bound before the mark, then resolves with the mark, which is made once", async () => {
    const settled: string[] = [];
    await scheduleReady(5).then(() => settled.push("bounded"));
    expect(performance.getEntriesByName(READY_MARK)).toHaveLength(0);

    const waiting = scheduleReady(60_000).then(() => settled.push("ready"));
    markScheduleReady();
    markScheduleReady();
    await waiting;
    expect(settled).toEqual(["bounded", "ready"]);
    expect(performance.getEntriesByName(READY_MARK)).toHaveLength(1);
  });
});
