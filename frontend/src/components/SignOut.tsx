import { useLocation } from "preact-iso";
import { useState } from "preact/hooks";

import { getOutbox, signOutHere } from "../app/runtime";
import { errorMessage } from "../i18n/errors";
import { useTranslation } from "../i18n/hooks";
import { conferenceOf } from "./ConferenceNav";

/**
 * Sign out here (the header and the Me screen): asks first when writes are unsynced, stops
 * this browser's Web Push (the next person on a shared phone must not get my reminders),
 * then `signOutHere()` clears my data and the app goes to /signin.
 */
export function SignOutButton({ class: className }: { class: string }) {
  const { t } = useTranslation();
  const { path, route } = useLocation();
  const [error, setError] = useState<unknown>(null);

  async function out() {
    // Refused writes and open conflicts are not on the server either: they count too.
    const state = await getOutbox().then((o) => o.refresh());
    const unsynced = state.pending + state.failed + state.conflicts;
    if (unsynced && !window.confirm(t("auth.signOutUnsynced", { count: unsynced }))) return;
    try {
      if (navigator.onLine) {
        // Best effort: it never stands in the way of signing out.
        await import("../views/me/push").then(({ pushForget }) => pushForget(conferenceOf(path))).catch(() => undefined);
      }
      await signOutHere();
      setError(null);
      route("/signin");
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <>
      <button type="button" class={className} onClick={() => void out()}>
        {t("auth.signOut")}
      </button>
      {error !== null && (
        <span class="account__error" role="alert">
          {errorMessage(error)}
        </span>
      )}
    </>
  );
}
