import { useLocation } from "preact-iso";

import { useOutboxState } from "../app/runtime";
import { useTranslation } from "../i18n/hooks";
import "./conference-nav.css";

/** The conference's tabs: route suffix under `/conferences/:slug/` and label key. */
export const CONFERENCE_TABS = [
  { id: "now", suffix: "", label: "nav.nowNext" },
  { id: "schedule", suffix: "schedule", label: "nav.schedule" },
  { id: "plan", suffix: "plan", label: "nav.plan" },
  { id: "scan", suffix: "scan", label: "nav.scan" },
  { id: "logbook", suffix: "logbook", label: "nav.logbook" },
  { id: "me", suffix: "me", label: "nav.me" },
] as const;

export type TabId = (typeof CONFERENCE_TABS)[number]["id"];

/** Each tab's icon: 24-unit strokes in the label's colour (inline, no icon font). */
const TAB_ICONS: Record<TabId, string> = {
  now: "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM12 7v5l3.5 2",
  schedule: "M5 5h14a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V7a2 2 0 0 1 2-2zM3 10h18M8 3v4M16 3v4",
  plan: "M12 3.5l2.6 5.3 5.8.8-4.2 4.1 1 5.8-5.2-2.7-5.2 2.7 1-5.8-4.2-4.1 5.8-.8z",
  scan: "M4 8V5a1 1 0 0 1 1-1h3M16 4h3a1 1 0 0 1 1 1v3M20 16v3a1 1 0 0 1-1 1h-3M8 20H5a1 1 0 0 1-1-1v-3M4 12h16",
  logbook: "M6 3h12a1 1 0 0 1 1 1v17H7a2 2 0 0 1-2-2V5a2 2 0 0 1 1-2zM5 19a2 2 0 0 1 2-2h12M9 8h6M9 11h4",
  me: "M12 4a4 4 0 1 0 0 8 4 4 0 0 0 0-8zM4 21a8 8 0 0 1 16 0",
};

function TabIcon({ id }: { id: TabId }) {
  return (
    <svg class="conference-nav__icon" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
      <path d={TAB_ICONS[id]} />
    </svg>
  );
}

/** The conference whose pages `path` is under, or null (`/conferences/eccv-demo/plan` → eccv-demo). */
export function conferenceOf(path: string): string | null {
  const match = /^\/conferences\/([^/]+)/.exec(path);
  return match ? decodeURIComponent(match[1]!) : null;
}

/** Which tab `path` belongs to: the first segment after the slug (a logbook entry is under
 * Logbook); a poster or an item belongs to no tab. */
export function activeTab(path: string): TabId | null {
  const match = /^\/conferences\/[^/]+\/?([^/]*)/.exec(path);
  if (!match) return null;
  return CONFERENCE_TABS.find((tab) => tab.suffix === match[1])?.id ?? null;
}

export function tabHref(slug: string, suffix: string): string {
  return `/conferences/${encodeURIComponent(slug)}/${suffix}`;
}

/** The bottom tab bar of a conference (a top bar on wide screens); Logbook shows the unsynced count. */
export function ConferenceNav({ slug }: { slug: string }) {
  const { t } = useTranslation();
  const { path } = useLocation();
  const [state] = useOutboxState();
  const pending = state?.pending ?? 0;
  const active = activeTab(path);
  return (
    <nav class="conference-nav" aria-label={t("nav.label")}>
      <ul class="conference-nav__tabs">
        {CONFERENCE_TABS.map((tab) => (
          <li key={tab.id} class="conference-nav__tab">
            <a
              class={`conference-nav__link conference-nav__link--${tab.id}`}
              href={tabHref(slug, tab.suffix)}
              aria-current={active === tab.id ? "page" : undefined}
            >
              <TabIcon id={tab.id} />
              <span class="conference-nav__label">
                {t(tab.label)}
                {tab.id === "logbook" && pending > 0 && (
                  <span class="conference-nav__badge" data-count={pending}>
                    <span aria-hidden="true">{pending > 99 ? "99+" : pending}</span>
                    <span class="visually-hidden">{t("sync.unsynced", { count: pending })}</span>
                  </span>
                )}
              </span>
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
