import { useEffect, useState } from "preact/hooks";

import { getDb, getRefresher, useOnline, useOutboxState, useProgramVersion, useRefreshState } from "../app/runtime";
import { bundleMetaGet } from "../db";
import { errorMessage } from "../i18n/errors";
import { useTimeFormatter, useTranslation } from "../i18n/hooks";
import "./status-bar.css";

/**
 * Offline banner, the unsynced-writes count and "sync now"; inside a conference also when its
 * program was last updated (in the conference's zone, labelled), what the refresher is doing
 * or why it failed, and a refresh/retry button. The changing part is one polite live region.
 */
export function StatusBar({ slug }: { slug: string | null }) {
  const { t } = useTranslation();
  const online = useOnline();
  const [state, outbox] = useOutboxState();
  const pending = state?.pending ?? 0;
  return (
    <div class={`status-bar${online ? "" : " status-bar--offline"}`} data-online={online ? "yes" : "no"}>
      {!online && (
        <p class="status-bar__offline" role="status">
          {t("network.offline")}
        </p>
      )}
      {slug && <ProgramStatus slug={slug} online={online} />}
      <div class="status-bar__sync" role="status" aria-live="polite">
        <span class="status-bar__count" data-pending={pending}>
          {state?.replaying ? t("sync.syncing") : pending ? t("sync.unsynced", { count: pending }) : t("sync.allSynced")}
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

/** "Program updated …", the refresher's state in words, and the refresh/retry button. */
function ProgramStatus({ slug, online }: { slug: string; online: boolean }) {
  const { t } = useTranslation();
  const version = useProgramVersion(slug);
  const refresh = useRefreshState();
  const [stored, setStored] = useState<{ timezone: string; checkedAt: string } | null>(null);
  const mine = refresh !== null && refresh.slug === slug ? refresh : null;

  useEffect(() => {
    let gone = false;
    void getDb()
      .then((db) => bundleMetaGet(db, slug))
      .then((meta) => !gone && setStored(meta ? { timezone: meta.conference.timezone, checkedAt: meta.checkedAt } : null));
    return () => {
      gone = true;
    };
  }, [slug, version, mine?.checkedAt]);

  const fmt = useTimeFormatter(stored?.timezone ?? "UTC");
  const syncing = mine?.syncing ?? false;
  const error = mine && !syncing ? mine.error : null;
  let words: string;
  if (syncing) words = t("runtime.updating");
  // With nothing stored there is no stored program to fall back on: the reason alone.
  else if (error !== null) words = stored ? t("runtime.updateFailed", { reason: errorMessage(error) }) : errorMessage(error);
  else if (stored) words = t("network.lastUpdated", { time: fmt.labelledDateTime(stored.checkedAt) });
  else words = t("network.neverUpdated");

  async function again() {
    const refresher = await getRefresher();
    await refresher.refresh(slug);
  }

  return (
    <div class="status-bar__program">
      <p
        class={`status-bar__updated${error !== null ? " status-bar__updated--error" : ""}`}
        role="status"
        aria-live="polite"
        data-state={syncing ? "syncing" : error !== null ? "error" : "idle"}
      >
        {words}
      </p>
      {online && (
        <button type="button" class="status-bar__refresh" disabled={syncing} onClick={() => void again()}>
          {error !== null ? t("runtime.retry") : t("runtime.refresh")}
        </button>
      )}
    </div>
  );
}
