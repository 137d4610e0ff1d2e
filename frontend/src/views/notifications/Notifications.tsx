/**
 * My notifications of a conference (`/conferences/:slug/notifications`): newest first, the
 * unread ones marked, "mark all read", more pages on demand. Opening one marks it read and
 * goes to its screen. Offline: the list last fetched (IndexedDB) with a note saying so.
 */

import { useEffect, useState } from "preact/hooks";
import { useRoute } from "preact-iso";

import { getNotifications, notificationHref, useNotifications, type Notification, type NotificationsStore } from "../../app/notifications";
import { useMe } from "../../app/runtime";
import { errorMessage } from "../../i18n/errors";
import { useTimeFormatter, useTranslation } from "../../i18n/hooks";
import { deviceTimeZone } from "../../i18n/time";
import { useProgram } from "../item/program";
import "./notifications.css";

export function Notifications() {
  const { t } = useTranslation();
  const { params } = useRoute();
  const slug = params.slug ?? "";
  const me = useMe();
  if (me === undefined) return <p class="notice">{t("app.loading")}</p>;
  if (me === null)
    return (
      <section class="notifications" aria-labelledby="notifications-title">
        <h1 id="notifications-title">{t("notifications.title")}</h1>
        <p class="notice">
          {t("notifications.signIn")} <a href="/signin">{t("auth.signIn")}</a>
        </p>
      </section>
    );
  return <NotificationList slug={slug} />;
}

function NotificationList({ slug }: { slug: string }) {
  const { t } = useTranslation();
  const state = useNotifications(slug, true);
  const program = useProgram(slug);
  const fmt = useTimeFormatter(program.status === "ready" ? program.meta.conference.timezone : deviceTimeZone());
  const [store, setStore] = useState<NotificationsStore | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => void getNotifications().then(setStore), []);

  if (!state || !store || (!state.loaded && !state.offline && state.error === null))
    return <p class="notice">{t("app.loading")}</p>;

  const act = (work: Promise<unknown>) => void work.then(() => setError(null), setError);
  // The router follows the link itself (an internal one within the app).
  function open(item: Notification) {
    if (!item.read) act(store!.markRead(slug, item.id));
  }

  return (
    <section class="notifications" aria-labelledby="notifications-title">
      <h1 id="notifications-title">{t("notifications.title")}</h1>
      <div class="notifications__bar">
        <p class="notifications__unread" aria-live="polite" data-unread={state.unread}>
          {t("notifications.unread", { count: state.unread })}
        </p>
        <button type="button" class="button notifications__all" disabled={state.unread === 0} onClick={() => act(store.markAllRead(slug))}>
          {t("notifications.markAllRead")}
        </button>
      </div>
      {state.offline && (
        <p class="notice notifications__offline" role="status">
          {state.fetchedAt
            ? t("notifications.offlineAsOf", { time: fmt.labelledDateTime(state.fetchedAt) })
            : t("notifications.offlineNever")}
        </p>
      )}
      {(state.error ?? error) !== null && (
        <p class="notice notice--error" role="alert">
          {errorMessage(state.error ?? error)}
        </p>
      )}
      {state.items.length === 0 ? (
        state.loaded && <p class="muted">{t("notifications.empty")}</p>
      ) : (
        <ul class="notification-list">
          {state.items.map((item) => {
            const href = notificationHref(item.url);
            return (
              <li key={item.id} class={`notification${item.read ? "" : " notification--unread"}`} data-id={item.id} data-read={String(item.read)}>
                <p class="notification__title">
                  {!item.read && <span class="visually-hidden">{t("notifications.unreadMark")} </span>}
                  {href ? (
                    <a href={href.href} onClick={() => open(item)} {...(href.internal ? {} : { target: "_blank", rel: "noopener noreferrer" })}>
                      {item.title}
                    </a>
                  ) : (
                    item.title
                  )}
                </p>
                {item.body && <p class="notification__body">{item.body}</p>}
                <p class="notification__meta">
                  <span>{t(`notifications.kind.${item.kind}`)}</span>
                  {" · "}
                  <time dateTime={item.created_at}>{fmt.labelledDateTime(item.created_at)}</time>
                  {!item.read && (
                    <button type="button" class="notification__read" onClick={() => act(store.markRead(slug, item.id))}>
                      {t("notifications.markRead")}
                    </button>
                  )}
                </p>
              </li>
            );
          })}
        </ul>
      )}
      {state.nextPage !== null && (
        <button type="button" class="button notifications__more" disabled={state.loading || state.offline} onClick={() => act(store.more(slug))}>
          {t("notifications.more", { count: Math.max(0, state.count - state.items.length) })}
        </button>
      )}
    </section>
  );
}
