import { useEffect, useState } from "preact/hooks";

import { applyUpdate, subscribeUpdate, updateState, type UpdateState } from "../sw-register";

export interface UpdatePromptProps {
  /** Visible strings; English defaults until the i18n catalog (src/i18n/) provides them. */
  message?: string;
  updateLabel?: string;
  laterLabel?: string;
  /** For tests and stories: the state to show instead of the service worker's. */
  state?: UpdateState;
  onUpdate?: () => void;
}

/**
 * "A new version is available": shown while a new build waits (or already runs in another
 * tab). Nothing happens until the user presses Update; "Later" hides it until the next visit.
 * Announced politely to screen readers; never takes focus from what the user is typing.
 */
export function UpdatePrompt({
  message = "A new version of Boardwalk is available.",
  updateLabel = "Update",
  laterLabel = "Later",
  state: forced,
  onUpdate = applyUpdate,
}: UpdatePromptProps) {
  const [live, setLive] = useState<UpdateState>(updateState);
  const [dismissed, setDismissed] = useState(false);
  useEffect(() => subscribeUpdate(setLive), []);
  const state = forced ?? live;
  const visible = !dismissed && state !== "idle";

  return (
    <div class="update-prompt" role="status" aria-live="polite" hidden={!visible}>
      {visible && (
        <>
          <p class="update-prompt__message">{message}</p>
          <div class="update-prompt__actions">
            <button type="button" class="update-prompt__later" onClick={() => setDismissed(true)}>
              {laterLabel}
            </button>
            <button type="button" class="update-prompt__update" onClick={onUpdate} disabled={state === "reloading"}>
              {updateLabel}
            </button>
          </div>
        </>
      )}
    </div>
  );
}
