import { useEffect } from "preact/hooks";
import { useLocation } from "preact-iso";

import { bundleMetaList } from "../../db";
import { getDb, lastConference } from "../../app/runtime";
import { useTranslation } from "../../i18n/hooks";

/** Where each home-screen shortcut of the web manifest (`/now`, `/scan`, `/logbook`) leads,
 * under `/conferences/<slug>/`. The manifest is one for all conferences, so these routes pick
 * the conference: the one used last, else the only one stored on this device, else the picker. */
export const SHORTCUTS = { now: "", scan: "scan", logbook: "logbook" } as const;

export type ShortcutId = keyof typeof SHORTCUTS;

export async function shortcutTarget(id: ShortcutId): Promise<string> {
  const db = await getDb();
  let slug = await lastConference();
  if (!slug) {
    const stored = await bundleMetaList(db);
    if (stored.length === 1) slug = stored[0]!.conf;
  }
  return slug ? `/conferences/${encodeURIComponent(slug)}/${SHORTCUTS[id]}` : "/?pick";
}

function Shortcut({ id }: { id: ShortcutId }) {
  const { t } = useTranslation();
  const { route } = useLocation();
  useEffect(() => {
    void shortcutTarget(id).then(
      (to) => route(to, true),
      () => route("/?pick", true),
    );
  }, [id]);
  return (
    <p class="notice" role="status">
      {t("app.loading")}
    </p>
  );
}

export const NowShortcut = () => <Shortcut id="now" />;
export const ScanShortcut = () => <Shortcut id="scan" />;
export const LogbookShortcut = () => <Shortcut id="logbook" />;
