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
