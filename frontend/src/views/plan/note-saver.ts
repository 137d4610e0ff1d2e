/**
 * A note saved as it is typed: each keystroke restarts a short wait, and the save runs once
 * typing pauses (each save is an outbox write). `flush` saves a waiting note at once (leaving
 * the field or the screen); `cancel` drops it (the item was removed: saving would re-add it).
 */
export interface NoteSaver {
  typed(): void;
  flush(): void;
  cancel(): void;
  readonly waiting: boolean;
}

export function noteSaver(save: () => void, delayMs: number): NoteSaver {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const stop = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
  return {
    typed() {
      stop();
      timer = setTimeout(() => {
        timer = null;
        save();
      }, delayMs);
    },
    flush() {
      if (timer === null) return;
      stop();
      save();
    },
    cancel: stop,
    get waiting() {
      return timer !== null;
    },
  };
}
