import { useNotifications } from "../app/notifications";
import { useMe } from "../app/runtime";
import { useTranslation } from "../i18n/hooks";
import "./notification-bell.css";

/**
 * The bell in the conference header: my unread notifications of `slug` (signed in only),
 * linking to their list. The count follows the refresher's runs and the page becoming visible.
 */
export function NotificationBell({ slug }: { slug: string }) {
  const { t } = useTranslation();
  const me = useMe();
  const state = useNotifications(slug, Boolean(me));
  if (!me) return null;
  const unread = state?.slug === slug ? state.unread : 0;
  return (
    <a
      class={`bell${unread ? " bell--unread" : ""}`}
      href={`/conferences/${encodeURIComponent(slug)}/notifications`}
      aria-label={unread ? t("notifications.bellUnread", { count: unread }) : t("notifications.title")}
      data-unread={unread}
    >
      <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
        <path d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1z" />
      </svg>
      {unread > 0 && (
        <span class="bell__count" aria-hidden="true">
          {unread > 99 ? "99+" : unread}
        </span>
      )}
    </a>
  );
}
