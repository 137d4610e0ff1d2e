import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { noteSaver } from "./note-saver";

describe("noteSaver", () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it("saves once when typing pauses, not on every keystroke", () => {
    const save = vi.fn();
    const saver = noteSaver(save, 600);
    for (let i = 0; i < 5; i++) {
      saver.typed();
      vi.advanceTimersByTime(300);
    }
    expect(save).not.toHaveBeenCalled();
    vi.advanceTimersByTime(300);
    expect(save).toHaveBeenCalledOnce();
    expect(saver.waiting).toBe(false);
  });

  it("flushes a waiting note at once, and only once", () => {
    const save = vi.fn();
    const saver = noteSaver(save, 600);
    saver.flush();
    expect(save).not.toHaveBeenCalled();
    saver.typed();
    saver.flush();
    expect(save).toHaveBeenCalledOnce();
    vi.advanceTimersByTime(1000);
    expect(save).toHaveBeenCalledOnce();
  });

  it("drops a waiting note on cancel", () => {
    const save = vi.fn();
    const saver = noteSaver(save, 600);
    saver.typed();
    saver.cancel();
    vi.advanceTimersByTime(1000);
    saver.flush();
    expect(save).not.toHaveBeenCalled();
  });
});
