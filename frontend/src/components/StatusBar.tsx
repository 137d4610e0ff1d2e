import { useOnline, useOutboxState } from "../app/runtime";
import { useTranslation } from "../i18n/hooks";

/** Offline banner, the unsynced-writes count and "sync now". */
export function StatusBar() {
  const { t } = useTranslation();
  const online = useOnline();
  const [state, outbox] = useOutboxState();
  const pending = state?.pending ?? 0;
  return (
    <div class={`status-bar${online ? "" : " status-bar--offline"}`} role="status" aria-live="polite">
      {!online && <p class="status-bar__offline">{t("network.offline")}</p>}
      <div class="status-bar__sync">
        <span class="status-bar__count" data-pending={pending}>
          {pending ? t("sync.unsynced", { count: pending }) : t("sync.allSynced")}
        </span>
        {(pending > 0 || (state?.failed ?? 0) > 0) && (
          <button
            type="button"
            class="status-bar__now"
            disabled={!online || !outbox || state?.replaying}
            onClick={() => void outbox?.replay({ force: true })}
          >
            {state?.replaying ? t("sync.syncing") : t("sync.syncNow")}
          </button>
        )}
      </div>
    </div>
  );
}
